import type { Staff } from '@joren/shared'
import { useState } from 'preact/hooks'
import { useResource } from '../../lib/use-resource.ts'
import { ErrorPanel } from '../components/error-panel.tsx'
import { useStaff } from '../context.ts'
import { broadcastText } from './messages.ts'

interface Props {
  /** Saves the draft as it is (the test sends the saved messages) and returns its ID. */
  save(): Promise<number | null>
}

/** Sends the rendered messages to chosen staff members' LINE, to check them on a phone. */
export function TestSend({ save }: Props) {
  const { api, me } = useStaff()
  const m = broadcastText().composer
  const staff = useResource(
    (signal) => api.get<{ staff: Staff[] }>('/api/staff/staff', { signal }),
    'staff',
  )
  const [chosen, setChosen] = useState<number[]>([me.id])
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)
  const [result, setResult] = useState<string | null>(null)

  const send = async () => {
    setError(null)
    setResult(null)
    if (chosen.length === 0) {
      setResult(m.testPick)
      return
    }
    setBusy(true)
    try {
      const id = await save()
      if (id === null) return
      const outcome = await api.send<{ sent: number; skipped: number[] }>(
        'POST',
        `/api/staff/broadcasts/${id}/test`,
        { staffIds: chosen },
      )
      const names = (staff.data?.staff ?? [])
        .filter((s) => outcome.skipped.includes(s.id))
        .map((s) => s.displayName)
        .join('、')
      const lines = [m.testSent(outcome.sent)]
      if (outcome.skipped.length > 0) lines.push(m.testSkipped(names || String(outcome.skipped)))
      setResult(lines.join(' '))
    } catch (failure) {
      setError(failure)
    } finally {
      setBusy(false)
    }
  }

  return (
    <fieldset class="bc-fieldset stack-sm">
      <legend class="field-label">{m.testSend}</legend>
      <p class="field-hint">{m.testSendHelp}</p>
      {staff.error && !staff.data ? (
        <ErrorPanel error={staff.error} onRetry={staff.reload} />
      ) : !staff.data ? (
        <span class="skel" style="height:48px" />
      ) : (
        <div class="bc-staff-picks">
          {staff.data.staff.map((person) => (
            <label class="bc-check" key={person.id}>
              <input
                type="checkbox"
                checked={chosen.includes(person.id)}
                onChange={(e) => {
                  const on = e.currentTarget.checked
                  setChosen((list) =>
                    on ? [...list, person.id] : list.filter((id) => id !== person.id),
                  )
                }}
              />
              <span>{person.displayName}</span>
            </label>
          ))}
        </div>
      )}
      {error !== null && <ErrorPanel error={error} onRetry={() => setError(null)} />}
      <button
        class="btn btn-secondary self-start"
        type="button"
        disabled={busy}
        onClick={() => void send()}
      >
        {m.testSendButton}
      </button>
      {result && (
        <p class="small" role="status">
          {result}
        </p>
      )}
    </fieldset>
  )
}
