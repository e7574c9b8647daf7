import type { CouponList, CouponTemplateStats, CouponView } from '@joren/shared'
import { useState } from 'preact/hooks'
import { useResource } from '../../lib/use-resource.ts'
import { ConfirmDialog } from '../components/confirm-dialog.tsx'
import { ErrorPanel } from '../components/error-panel.tsx'
import { useStaff } from '../context.ts'
import { couponText, shopTime } from './coupon-messages.ts'

/** On the member page: the member's coupons, issue one from a template, revoke an unused one. */
export function MemberCoupons({ memberNumber }: { memberNumber: string }) {
  const { api, can, toast } = useStaff()
  const m = couponText()
  const list = useResource(
    (signal) => api.get<CouponList>(`/api/staff/members/${memberNumber}/coupons`, { signal }),
    `member-coupons:${memberNumber}`,
  )
  const templates = useResource(
    (signal) =>
      can('coupons.issue')
        ? api.get<{ templates: CouponTemplateStats[] }>('/api/staff/coupons/templates', { signal })
        : Promise.resolve({ templates: [] }),
    'templates',
  )
  const [templateId, setTemplateId] = useState('')
  const [notify, setNotify] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)
  const [revoking, setRevoking] = useState<CouponView | null>(null)

  const issue = async () => {
    if (!templateId || busy) return
    setBusy(true)
    setError(null)
    try {
      await api.send('POST', `/api/staff/members/${memberNumber}/coupons`, {
        templateId: Number(templateId),
        notify,
      })
      toast(notify ? m.issuedNotified : m.issued)
      setTemplateId('')
      list.reload()
      templates.reload()
    } catch (failure) {
      setError(failure)
    } finally {
      setBusy(false)
    }
  }

  const revoke = async () => {
    if (!revoking) return
    setBusy(true)
    try {
      await api.send('POST', `/api/staff/members/${memberNumber}/coupons/${revoking.id}/revoke`)
      toast(m.revoked)
      list.reload()
    } catch (failure) {
      setError(failure)
    } finally {
      setRevoking(null)
      setBusy(false)
    }
  }

  const active = (templates.data?.templates ?? []).filter((t) => t.status === 'active')
  return (
    <section class="card stack" aria-labelledby="member-coupons-title" data-testid="member-coupons">
      <h2 class="section-title" id="member-coupons-title">
        {m.memberCoupons}
      </h2>
      {error !== null && <ErrorPanel error={error} onRetry={() => setError(null)} />}
      {can('coupons.issue') && active.length > 0 && (
        <div class="row">
          <select
            class="input grow"
            aria-label={m.chooseTemplate}
            value={templateId}
            onChange={(e) => setTemplateId(e.currentTarget.value)}
          >
            <option value="">{m.chooseTemplate}</option>
            {active.map((t) => (
              <option key={t.id} value={String(t.id)}>
                {t.title}
              </option>
            ))}
          </select>
          <button
            class="btn"
            type="button"
            disabled={!templateId || busy}
            onClick={() => void issue()}
          >
            {m.issue}
          </button>
        </div>
      )}
      {can('coupons.issue') && active.length > 0 && (
        <>
          <label class="check-line">
            <input
              type="checkbox"
              checked={notify}
              aria-describedby="coupon-notify-cost"
              onChange={(e) => setNotify(e.currentTarget.checked)}
            />
            {m.notifyMember}
          </label>
          <p class="field-hint" id="coupon-notify-cost">
            {m.notifyCost}
          </p>
        </>
      )}
      {list.error && !list.data ? (
        <ErrorPanel error={list.error} onRetry={list.reload} />
      ) : !list.data ? (
        <span class="skel" style="height:44px" />
      ) : list.data.coupons.length === 0 ? (
        <p class="muted">{m.none}</p>
      ) : (
        <ul class="rows">
          {list.data.coupons.map((c) => (
            <li class="row" key={c.id} data-coupon-id={c.id} data-state={c.state}>
              <div class="grow">
                <strong>{c.title}</strong>
                <div class="muted">
                  {m.states[c.state]}
                  {c.state === 'redeemed' && c.redeemedAt !== null
                    ? ` · ${m.redeemedAt(shopTime(c.redeemedAt))}${c.redeemedVia ? ` · ${m.via[c.redeemedVia]}` : ''}`
                    : ` · ${m.until(shopTime(c.expiresAt))}`}
                </div>
              </div>
              {c.state === 'issued' && can('coupons.revoke') && (
                <button
                  class="btn btn-secondary btn-sm"
                  type="button"
                  onClick={() => setRevoking(c)}
                >
                  {m.revoke}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      <ConfirmDialog
        open={revoking !== null}
        title={m.revoke}
        body={revoking ? m.revokeConfirm(revoking.title) : ''}
        confirmLabel={m.revoke}
        busy={busy}
        onConfirm={() => void revoke()}
        onCancel={() => setRevoking(null)}
      />
    </section>
  )
}
