import type { PointsSummary } from '@joren/shared'
import type { JSX } from 'preact'
import { useState } from 'preact/hooks'
import { formatDateTime, formatIsoDate } from '../../lib/format.ts'
import { useResource } from '../../lib/use-resource.ts'
import { ErrorPanel } from '../components/error-panel.tsx'
import { useStaff } from '../context.ts'
import { locale } from '../messages.ts'
import './loyalty.css'
import { loyaltyText } from './messages.ts'

/** On the member page: balance, tier, the ledger, and a manual adjustment with a reason. */
export function MemberPoints({ memberNumber }: { memberNumber: string }) {
  const { api, can, toast } = useStaff()
  const t = loyaltyText()
  const m = t.points
  const summary = useResource(
    (signal) => api.get<PointsSummary>(`/api/staff/members/${memberNumber}/points`, { signal }),
    `points:${memberNumber}`,
  )
  const [points, setPoints] = useState('')
  const [reason, setReason] = useState('')
  const [error, setError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)

  const adjust = async (e: JSX.TargetedSubmitEvent<HTMLFormElement>) => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    try {
      await api.send('POST', `/api/staff/members/${memberNumber}/points/adjustments`, {
        points: Number(points),
        reason,
      })
      toast(m.adjusted)
      setPoints('')
      setReason('')
      summary.reload()
    } catch (failure) {
      setError(failure)
    } finally {
      setBusy(false)
    }
  }

  const data = summary.data
  return (
    <section class="card stack" aria-label={m.title}>
      <h2>{m.title}</h2>
      {summary.error !== null && <ErrorPanel error={summary.error} onRetry={summary.reload} />}
      {data && (
        <>
          <p>
            {m.balance}: <strong data-testid="member-points-balance">{t.pt(data.balance)}</strong>
            {' · '}
            {m.tier}: <strong>{data.tier.tier?.name ?? '-'}</strong>
          </p>
          {data.expiring && (
            <p class="muted">
              {m.expiring(data.expiring.points, formatIsoDate(data.expiring.lastDay, locale()))}
            </p>
          )}
          <h3>{m.history}</h3>
          {data.history.length === 0 ? (
            <p class="muted">{m.empty}</p>
          ) : (
            <ul class="rows">
              {data.history.map((h) => (
                <li class="row" key={h.id}>
                  <div class="grow">
                    <strong>{m.kind[h.kind]}</strong>
                    <div class="muted">
                      {formatDateTime(h.createdAt, locale())}
                      {h.reason && ` · ${h.reason}`}
                    </div>
                  </div>
                  <span class="mono">
                    {h.points > 0 ? '+' : ''}
                    {h.points}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
      {can('points.adjust') && (
        <form class="stack" onSubmit={(e) => void adjust(e)}>
          <h3>{m.adjust}</h3>
          {error !== null && <ErrorPanel error={error} onRetry={() => setError(null)} />}
          <label class="field-label" for="adjust-points">
            {m.adjustPoints}
          </label>
          <input
            id="adjust-points"
            class="input"
            type="number"
            value={points}
            onInput={(e) => setPoints(e.currentTarget.value)}
          />
          <label class="field-label" for="adjust-reason">
            {m.reason}
          </label>
          <input
            id="adjust-reason"
            class="input"
            maxLength={200}
            value={reason}
            onInput={(e) => setReason(e.currentTarget.value)}
          />
          <button
            class="btn btn-secondary"
            type="submit"
            disabled={
              busy || !reason.trim() || !Number.isInteger(Number(points)) || Number(points) === 0
            }
          >
            {m.adjustSave}
          </button>
        </form>
      )}
    </section>
  )
}
