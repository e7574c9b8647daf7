import type { MessageQuota } from '@joren/shared'
import { quotaText } from './messages.ts'
import './quota.css'

/**
 * The month's LINE message quota: used and left as a bar, a warning from 80 %, the limit reached,
 * or "could not be read" (sending still works: LINE enforces its limit).
 */
export function QuotaMeter({ quota, compact = false }: { quota: MessageQuota; compact?: boolean }) {
  const m = quotaText()
  const percent =
    quota.limit !== null && quota.limit > 0 && quota.used !== null
      ? Math.min(100, Math.floor((quota.used / quota.limit) * 100))
      : null
  return (
    <div class={`quota quota-${quota.level}`} data-testid="quota-meter" data-level={quota.level}>
      <div class="quota-head">
        <p class="quota-title">{m.title}</p>
        {quota.type === 'limited' && quota.remaining !== null && (
          <span class="quota-left" data-testid="quota-left">
            {m.left(quota.remaining)}
          </span>
        )}
      </div>
      {quota.type === 'limited' && quota.limit !== null && quota.used !== null && (
        <>
          <progress
            class="quota-bar"
            max={quota.limit}
            value={Math.min(quota.used, quota.limit)}
            aria-label={m.title}
          />
          <p class="quota-used" data-testid="quota-used">
            {m.usedOf(quota.used, quota.limit)}
          </p>
        </>
      )}
      {quota.type === 'none' && <p class="quota-used">{m.unlimited(quota.used ?? 0)}</p>}
      {quota.level === 'near' && percent !== null && (
        <p class="quota-warn" role="status">
          {m.near(percent)}
        </p>
      )}
      {quota.level === 'reached' && (
        <p class="quota-warn" role="alert">
          {m.reached}
        </p>
      )}
      {quota.level === 'unknown' && (
        <>
          <p class="quota-warn" role="status" data-testid="quota-unknown">
            {m.unknown}
          </p>
          <p class="quota-note">{m.unknownNote}</p>
        </>
      )}
      {!compact && quota.level !== 'unknown' && <p class="quota-note">{m.note}</p>}
    </div>
  )
}
