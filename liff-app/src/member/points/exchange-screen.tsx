import type { CouponView, ExchangeCatalogue } from '@joren/shared'
import { useState } from 'preact/hooks'
import { ApiError } from '../../lib/api-error.ts'
import { navigate } from '../../lib/router.ts'
import { useResource } from '../../lib/use-resource.ts'
import { ErrorView } from '../components/error-view.tsx'
import { CouponFace, couponMessages } from '../coupons/coupon-ui.tsx'
import { href } from '../paths.ts'
import type { ScreenProps } from '../screen-props.ts'

const requestId = () =>
  Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) =>
    b.toString(16).padStart(2, '0'),
  ).join('')

/** Coupons to buy with points: points spent and coupon issued together, or neither. */
export default function ExchangeScreen({ api, config }: ScreenProps) {
  const m = couponMessages()
  const catalogue = useResource(
    (signal) => api.get<ExchangeCatalogue>('/api/liff/coupons/exchange', { signal }),
    'exchange',
  )
  const [busy, setBusy] = useState<number | null>(null)
  const [error, setError] = useState<unknown>(null)
  if (catalogue.error && !catalogue.data)
    return <ErrorView error={catalogue.error} config={config} onRetry={catalogue.reload} />
  const data = catalogue.data
  if (!data)
    return (
      <div class="page">
        <div class="skel" style={{ height: 160 }} />
      </div>
    )

  const exchange = async (templateId: number, title: string, cost: number) => {
    if (busy !== null || !confirm(m.exchangeConfirm(title, cost))) return
    setBusy(templateId)
    setError(null)
    try {
      const coupon = await api.send<CouponView>('POST', '/api/liff/coupons/exchange', {
        templateId,
        requestId: requestId(),
      })
      navigate(href(`/coupons/${coupon.id}`))
    } catch (e) {
      setError(e)
      catalogue.reload()
    } finally {
      setBusy(null)
    }
  }

  return (
    <div class="page">
      <p class="page-title">{m.balance(data.balance)}</p>
      {error instanceof ApiError && <p class="form-alert">{error.message}</p>}
      {data.items.length === 0 ? (
        <p class="muted">{m.noItems}</p>
      ) : (
        <ul class="coupon-list">
          {data.items.map((item) => (
            <li key={item.templateId}>
              <CouponFace coupon={item} detail={m.cost(item.pointsCost)} />
              <button
                class="btn btn-block"
                type="button"
                disabled={busy !== null || data.balance < item.pointsCost}
                onClick={() => void exchange(item.templateId, item.title, item.pointsCost)}
              >
                {data.balance < item.pointsCost ? m.notEnough : m.exchange}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}
