import type { CouponList, CouponState } from '@joren/shared'
import { useState } from 'preact/hooks'
import { formatDateTime } from '../../lib/format.ts'
import { useResource } from '../../lib/use-resource.ts'
import { ErrorView } from '../components/error-view.tsx'
import { CouponFace, couponMessages } from './coupon-ui.tsx'
import { locale } from '../messages.ts'
import { href } from '../paths.ts'
import type { ScreenProps } from '../screen-props.ts'

type Tab = Exclude<CouponState, 'revoked'>
const TABS: Tab[] = ['issued', 'redeemed', 'expired']

/** The member's coupons in three tabs: usable (soonest expiry first), used, expired. */
export default function CouponsScreen({ api, config }: ScreenProps) {
  const m = couponMessages()
  const [tab, setTab] = useState<Tab>('issued')
  const list = useResource(
    (signal) => api.get<CouponList>('/api/liff/coupons', { signal }),
    'coupons',
  )
  if (list.error && !list.data)
    return <ErrorView error={list.error} config={config} onRetry={list.reload} />
  const coupons = (list.data?.coupons ?? [])
    .filter((c) =>
      tab === 'expired' ? c.state === 'expired' || c.state === 'revoked' : c.state === tab,
    )
    .sort((a, b) => (tab === 'issued' ? a.expiresAt - b.expiresAt : b.issuedAt - a.issuedAt))
  return (
    <div class="page">
      <div class="coupon-tabs" role="tablist">
        {TABS.map((t) => (
          <button
            key={t}
            type="button"
            role="tab"
            aria-selected={tab === t}
            onClick={() => setTab(t)}
          >
            {m.tabs[t]}
          </button>
        ))}
      </div>
      {list.loading && !list.data ? (
        <div class="skel" style={{ height: 96 }} />
      ) : coupons.length === 0 ? (
        <p class="muted">{m.empty[tab]}</p>
      ) : (
        <ul class="coupon-list" data-testid="coupon-list">
          {coupons.map((c) => (
            <li key={c.id}>
              <a class="coupon-link" href={href(`/coupons/${c.id}`)}>
                <div class={c.state === 'issued' ? '' : 'is-dim'}>
                  <CouponFace
                    coupon={c}
                    detail={
                      c.state === 'redeemed' && c.redeemedAt
                        ? m.usedAt(formatDateTime(c.redeemedAt, locale()))
                        : m.until(formatDateTime(c.expiresAt, locale()))
                    }
                  />
                </div>
              </a>
            </li>
          ))}
        </ul>
      )}
      <p>
        <a class="btn btn-secondary btn-block" href={href('/coupons/exchange')}>
          {m.exchangeLink}
        </a>
      </p>
    </div>
  )
}
