import type { FaqApplyStarterResult, FaqStarterSets } from '@joren/shared'
import { useState } from 'preact/hooks'
import { useResource } from '../../lib/use-resource.ts'
import { ErrorPanel } from '../components/error-panel.tsx'
import { FieldError } from '../components/field-error.tsx'
import { useStaff } from '../context.ts'
import { supportText } from '../support/support-messages.ts'

/** 「テンプレートから追加」: pick a kind of shop and the entries to start from (added switched off). */
export function FaqStarter(props: { onAdded(): void }) {
  const { api, toast } = useStaff()
  const m = supportText().learn
  const sets = useResource(
    (signal) => api.get<FaqStarterSets>('/api/staff/faq-starter', { signal }),
    'faq-starter',
  )
  const [type, setType] = useState('')
  const [picked, setPicked] = useState<Set<string>>(new Set())
  const [invalid, setInvalid] = useState<string>()
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)
  const set = sets.data?.sets.find((s) => s.type === type)

  const add = async () => {
    setError(null)
    if (!set || picked.size === 0) {
      setInvalid(m.starterPick)
      return
    }
    setBusy(true)
    try {
      const result = await api.send<FaqApplyStarterResult>(
        'POST',
        `/api/staff/faq-starter/${set.type}`,
        {
          keys: [...picked],
        },
      )
      toast(m.starterAdded(result.created.length, result.skipped))
      setPicked(new Set())
      props.onAdded()
    } catch (failure) {
      setError(failure)
    } finally {
      setBusy(false)
    }
  }

  return (
    <details class="card stack" data-testid="faq-starter">
      <summary class="section-title">{m.starterTitle}</summary>
      <p class="small muted">{m.starterIntro}</p>
      {sets.error !== null && sets.error !== undefined && (
        <ErrorPanel error={sets.error} onRetry={sets.reload} />
      )}
      <label class="field-label" for="faq-starter-type">
        {m.starterType}
      </label>
      <select
        id="faq-starter-type"
        class="input"
        value={type}
        onChange={(e) => {
          const next = e.currentTarget.value
          setType(next)
          const chosen = sets.data?.sets.find((s) => s.type === next)
          setPicked(new Set(chosen?.entries.map((entry) => entry.key) ?? []))
          setInvalid(undefined)
        }}
      >
        <option value="">—</option>
        {sets.data?.sets.map((s) => (
          <option key={s.type} value={s.type}>
            {s.name}
          </option>
        ))}
      </select>
      {set && (
        <fieldset class="stack-xs plain-fieldset">
          <legend class="sr-only">{m.starterPick}</legend>
          {set.entries.map((entry) => (
            <label key={entry.key} class="check">
              <input
                type="checkbox"
                checked={picked.has(entry.key)}
                onChange={(e) => {
                  const next = new Set(picked)
                  if (e.currentTarget.checked) next.add(entry.key)
                  else next.delete(entry.key)
                  setPicked(next)
                  setInvalid(undefined)
                }}
              />
              <span>
                {entry.title}
                <span class="small muted"> — {entry.answer}</span>
              </span>
            </label>
          ))}
        </fieldset>
      )}
      <FieldError id="faq-starter-error" message={invalid} />
      {error !== null && <ErrorPanel error={error} onRetry={() => setError(null)} />}
      {set && (
        <button class="btn self-start" type="button" disabled={busy} onClick={() => void add()}>
          {m.starterAdd(picked.size)}
        </button>
      )}
    </details>
  )
}
