import { AlertPrefsSchema, type AlertPrefs } from '@joren/shared'
import type { JSX } from 'preact'
import { useState } from 'preact/hooks'
import { useResource } from '../../lib/use-resource.ts'
import { ErrorPanel } from '../components/error-panel.tsx'
import { FieldError } from '../components/field-error.tsx'
import { useStaff } from '../context.ts'
import { paths } from '../inbox/paths.ts'
import { supportText } from '../support/support-messages.ts'
import { t } from '../messages.ts'
import { issuesByPath, serverIssues, type Issues } from '../components/issues.ts'

/** The signed-in staff member's own LINE alerts: opt in, and quiet hours in shop time. */
export function AlertPrefsCard() {
  const { api } = useStaff()
  const prefs = useResource(
    (signal) => api.get<AlertPrefs>(paths.alertPrefs, { signal }),
    'alert-prefs',
  )
  const m = supportText().prefs
  return (
    <section class="card stack" aria-labelledby="prefs-title" data-testid="alert-prefs">
      <div>
        <h2 class="section-title" id="prefs-title">
          {m.title}
        </h2>
        <p class="small muted">{m.intro}</p>
      </div>
      {prefs.data ? (
        <PrefsForm initial={prefs.data} onSaved={prefs.set} />
      ) : prefs.error ? (
        <ErrorPanel error={prefs.error} onRetry={prefs.reload} />
      ) : (
        <span class="skel" style="height:96px" aria-busy="true" />
      )}
    </section>
  )
}

function PrefsForm({ initial, onSaved }: { initial: AlertPrefs; onSaved(p: AlertPrefs): void }) {
  const { api, toast } = useStaff()
  const m = supportText().prefs
  const [lineAlerts, setLineAlerts] = useState(initial.lineAlerts)
  const [quiet, setQuiet] = useState(initial.quietStart !== null)
  const [start, setStart] = useState(initial.quietStart ?? '22:00')
  const [end, setEnd] = useState(initial.quietEnd ?? '08:00')
  const [issues, setIssues] = useState<Issues>({})
  const [error, setError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)

  const submit = async (event: JSX.TargetedSubmitEvent<HTMLFormElement>) => {
    event.preventDefault()
    setError(null)
    const parsed = AlertPrefsSchema.safeParse({
      lineAlerts,
      quietStart: quiet ? start : null,
      quietEnd: quiet ? end : null,
    })
    if (!parsed.success) {
      setIssues(issuesByPath(parsed.error.issues))
      return
    }
    setBusy(true)
    try {
      const saved = await api.send<AlertPrefs | undefined>('PUT', paths.alertPrefs, parsed.data)
      onSaved(saved ?? parsed.data)
      setIssues({})
      toast(m.saved)
    } catch (failure) {
      const fields = serverIssues(failure)
      if (fields) setIssues(fields)
      else setError(failure)
    } finally {
      setBusy(false)
    }
  }

  // A refine() issue has an empty path: it belongs to the quiet hours as a whole.
  const quietError = issues[''] ?? issues.quietStart ?? issues.quietEnd
  return (
    <form class="stack" onSubmit={(e) => void submit(e)} noValidate>
      <label class="check">
        <input
          type="checkbox"
          checked={lineAlerts}
          onChange={(e) => setLineAlerts(e.currentTarget.checked)}
        />
        {m.lineAlerts}
      </label>
      <fieldset class="stack-sm" disabled={!lineAlerts}>
        <legend class="field-label">{m.quiet}</legend>
        <p class="field-hint">{m.quietHelp}</p>
        <label class="check">
          <input
            type="checkbox"
            checked={quiet}
            onChange={(e) => {
              setQuiet(e.currentTarget.checked)
              setIssues({})
            }}
          />
          {m.quietEnabled}
        </label>
        {quiet && (
          <div class="form-grid quiet-hours">
            <label class="filter">
              <span class="small muted">{m.quietStart}</span>
              <input
                class="input"
                type="time"
                step={60}
                value={start}
                aria-invalid={quietError ? true : undefined}
                aria-describedby={quietError ? 'quiet-error' : undefined}
                onInput={(e) => {
                  setStart(e.currentTarget.value)
                  setIssues({})
                }}
              />
            </label>
            <label class="filter">
              <span class="small muted">{m.quietEnd}</span>
              <input
                class="input"
                type="time"
                step={60}
                value={end}
                aria-invalid={quietError ? true : undefined}
                aria-describedby={quietError ? 'quiet-error' : undefined}
                onInput={(e) => {
                  setEnd(e.currentTarget.value)
                  setIssues({})
                }}
              />
            </label>
          </div>
        )}
        <FieldError id="quiet-error" message={quietError} />
      </fieldset>
      {error !== null && <ErrorPanel error={error} onRetry={() => setError(null)} />}
      <button class="btn justify-end" type="submit" disabled={busy}>
        {busy ? t().saving : t().save}
      </button>
    </form>
  )
}
