import type { BroadcastEstimate } from '@joren/shared'
import { useEffect, useRef, useState } from 'preact/hooks'
import { formatDateTime } from '../../lib/format.ts'
import { ErrorPanel } from '../components/error-panel.tsx'
import { locale } from '../messages.ts'
import { QuotaMeter } from '../quota/quota-meter.tsx'
import { broadcastText } from './messages.ts'

interface Props {
  estimate: BroadcastEstimate
  scheduledAt: number | null
  busy: boolean
  error: unknown
  onSend(confirmOverQuota: boolean): void
  onBack(): void
}

/** The last look before a send: who, how many billed, the month's quota, and an explicit OK. */
export function ConfirmPanel({ estimate, scheduledAt, busy, error, onSend, onBack }: Props) {
  const m = broadcastText()
  const c = m.confirm
  const [overQuotaOk, setOverQuotaOk] = useState(false)
  const heading = useRef<HTMLHeadingElement>(null)
  useEffect(() => heading.current?.focus(), [])
  const { quota, overQuota } = estimate
  const empty = estimate.recipients === 0
  const blocked = empty || (estimate.needsConfirm && !overQuotaOk)

  return (
    <section
      class="card stack bc-confirm"
      aria-labelledby="bc-confirm-title"
      data-testid="confirm-panel"
    >
      <h2 id="bc-confirm-title" class="section-title" tabIndex={-1} ref={heading}>
        {c.title}
      </h2>
      <dl class="bc-facts">
        <div>
          <dt>{c.audience}</dt>
          <dd data-testid="confirm-audience">{m.count(estimate.audience)}</dd>
        </div>
        <div>
          <dt>{c.holdout}</dt>
          <dd data-testid="confirm-holdout">{m.count(estimate.holdout)}</dd>
        </div>
        <div>
          <dt>{c.recipients}</dt>
          <dd data-testid="confirm-recipients">
            <strong>{m.count(estimate.recipients)}</strong>
          </dd>
        </div>
        <div>
          <dt>{c.billed}</dt>
          <dd data-testid="confirm-billed">{estimate.billedMessages.toLocaleString()}</dd>
        </div>
        <div>
          <dt>{c.when}</dt>
          <dd>{scheduledAt === null ? c.now : formatDateTime(scheduledAt, locale())}</dd>
        </div>
      </dl>
      <div data-testid="confirm-quota">
        <QuotaMeter quota={quota} compact />
      </div>
      {estimate.quietHoursWarning && (
        <p class="bc-warning" role="note">
          {estimate.quietHoursWarning.message}
        </p>
      )}
      {empty && <p class="bc-warning">{c.empty}</p>}
      {estimate.needsConfirm && (
        <div class="bc-over stack-sm" role="alert">
          {overQuota && (
            <p data-testid="confirm-over-quota">{c.overQuota(overQuota.sent, overQuota.stopped)}</p>
          )}
          <label class="bc-check">
            <input
              type="checkbox"
              checked={overQuotaOk}
              onChange={(e) => setOverQuotaOk(e.currentTarget.checked)}
            />
            <span>{c.overQuotaConfirm}</span>
          </label>
        </div>
      )}
      {error !== null && <ErrorPanel error={error} onRetry={() => onSend(overQuotaOk)} />}
      <div class="bc-actions">
        <button class="btn btn-secondary" type="button" onClick={onBack} disabled={busy}>
          {c.back}
        </button>
        <button
          class="btn btn-lg"
          type="button"
          disabled={busy || blocked}
          onClick={() => onSend(overQuotaOk)}
        >
          {busy ? c.sending : scheduledAt === null ? c.send : c.schedule}
        </button>
      </div>
    </section>
  )
}
