import type { PurchaseResult, RegisterMember } from '@joren/shared'
import { CheckIcon } from '../../ui/icons.tsx'
import { ErrorPanel } from '../components/error-panel.tsx'
import { PageHeader } from '../components/page-header.tsx'
import { loyaltyText } from './messages.ts'

/** The register's last step: what was recorded, the points earned and the new balance. */
export function RegisterDone({ result, onAnother }: { result: PurchaseResult; onAnother(): void }) {
  const m = loyaltyText()
  const r = m.register
  return (
    <div class="stack">
      <section class="card stack register-done" role="status" data-testid="register-done">
        <CheckIcon size={48} />
        <strong>{r.doneTitle}</strong>
        <div>{m.yen(result.purchase.amountYen)}</div>
        <div>
          {r.earned}
          <div class="register-big" data-testid="register-earned">
            +{m.pt(result.purchase.pointsGranted)}
          </div>
        </div>
        <div>
          {r.balance}
          <div class="register-big" data-testid="register-balance">
            {m.pt(result.balance)}
          </div>
        </div>
        {result.tier.tier && (
          <div class="muted">
            {r.tier}: {result.tier.tier.name}
          </div>
        )}
        <button class="btn btn-lg" type="button" onClick={onAnother}>
          {r.another}
        </button>
      </section>
    </div>
  )
}

/** The confirm step: who the purchase is for (name, tier, points) before anything is recorded. */
export function RegisterConfirm(props: {
  who: RegisterMember | null
  fallbackMember: string
  yen: number
  categoryLabels: string[]
  error: unknown
  busy: boolean
  onDismissError(): void
  onRecord(): void
  onBack(): void
}) {
  const { who, yen, error, busy } = props
  const m = loyaltyText()
  const r = m.register
  return (
    <div class="stack">
      <PageHeader title={r.confirmTitle} />
      {error !== null && <ErrorPanel error={error} onRetry={props.onDismissError} />}
      <section class="card stack">
        <dl class="register-summary">
          <dt>{r.name}</dt>
          <dd data-testid="register-name">
            <strong>{who?.displayName ?? r.noName}</strong>
          </dd>
          <dt>{r.member}</dt>
          <dd class="mono">{who?.memberNumber ?? props.fallbackMember}</dd>
          {who?.tier && (
            <>
              <dt>{r.tier}</dt>
              <dd data-testid="register-tier">{who.tier}</dd>
            </>
          )}
          {who && (
            <>
              <dt>{r.points}</dt>
              <dd data-testid="register-points">{m.pt(who.balance)}</dd>
            </>
          )}
          <dt>{r.amount}</dt>
          <dd>{m.yen(yen)}</dd>
          {props.categoryLabels.length > 0 && (
            <>
              <dt>{r.categories}</dt>
              <dd>{props.categoryLabels.join('、')}</dd>
            </>
          )}
        </dl>
        <button class="btn btn-lg" type="button" disabled={busy} onClick={props.onRecord}>
          {busy ? r.recording : r.record}
        </button>
        <button class="btn btn-secondary" type="button" disabled={busy} onClick={props.onBack}>
          {r.back}
        </button>
      </section>
    </div>
  )
}
