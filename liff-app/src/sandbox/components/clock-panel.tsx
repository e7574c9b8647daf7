import type { SandboxClock } from '@joren/shared'
import { useEffect, useState } from 'preact/hooks'
import { SHOP_TIME_ZONE } from '../../lib/format.ts'
import { sandboxApi } from '../api.ts'
import { useT } from '../i18n.ts'

const DAY_MS = 24 * 60 * 60_000

/**
 * Time travel, the sandbox only: moves the shop's clock forward (+1 hour / +1 day / +7 days / to a
 * date) so a welcome series, a birthday or a dormant reminder can be watched arriving in the chat.
 */
export function ClockPanel(props: { onMoved(): void }) {
  const t = useT()
  const m = t.clock
  const zone = SHOP_TIME_ZONE
  const [clock, setClock] = useState<SandboxClock | null>(null)
  const [to, setTo] = useState('')
  const [busy, setBusy] = useState(false)
  const [status, setStatus] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    sandboxApi.clock().then(setClock, () => setClock(null))
  }, [])

  const format = (at: number) =>
    new Intl.DateTimeFormat(t.dateLocale, {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
    }).format(at)

  const move = async (request: { days?: number; hours?: number; to?: string }) => {
    setBusy(true)
    setError(null)
    setStatus(null)
    try {
      const next = await sandboxApi.advanceClock(request)
      setClock(next)
      setStatus(m.moved(format(next.now)))
      props.onMoved()
    } catch (failure) {
      setError(`${m.failed}: ${failure instanceof Error ? failure.message : String(failure)}`)
    } finally {
      setBusy(false)
    }
  }

  return (
    <section class="panel clock" aria-labelledby="clock-title" data-testid="sandbox-clock">
      <h2 id="clock-title">{m.title}</h2>
      <p class="muted small">{m.help}</p>
      {clock && (
        <p class="clock-now" data-testid="sandbox-clock-now">
          {m.now(format(clock.now))}
          {clock.offsetMs >= DAY_MS / 24 && (
            <span class="muted small"> {m.ahead((clock.offsetMs / DAY_MS).toFixed(1))}</span>
          )}
        </p>
      )}
      <div class="clock-buttons" role="group" aria-label={m.title}>
        <button
          type="button"
          class="btn btn-sm"
          disabled={busy}
          onClick={() => void move({ hours: 1 })}
        >
          {m.plusHour}
        </button>
        <button
          type="button"
          class="btn btn-sm"
          disabled={busy}
          onClick={() => void move({ days: 1 })}
        >
          {m.plusDay}
        </button>
        <button
          type="button"
          class="btn btn-sm"
          disabled={busy}
          onClick={() => void move({ days: 7 })}
        >
          {m.plusWeek}
        </button>
      </div>
      <form
        class="clock-to"
        onSubmit={(e) => {
          e.preventDefault()
          if (to) void move({ to })
        }}
      >
        <label>
          <span class="small">{m.to}</span>
          <input type="datetime-local" value={to} onInput={(e) => setTo(e.currentTarget.value)} />
        </label>
        <button type="submit" class="btn btn-sm" disabled={busy || !to}>
          {m.go}
        </button>
      </form>
      <p role="status" aria-live="polite" class="small">
        {busy ? m.moving : status}
      </p>
      {error && (
        <p role="alert" class="small clock-error">
          {error}
        </p>
      )}
    </section>
  )
}
