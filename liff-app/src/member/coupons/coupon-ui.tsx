import type { CouponView } from '@joren/shared'
import { couponsEn } from '../../i18n/coupons-en.ts'
import { couponsJa, type CouponsMessages } from '../../i18n/coupons-ja.ts'
import { locale } from '../messages.ts'
import './coupons.css'

export const couponMessages = (): CouponsMessages => (locale() === 'en' ? couponsEn : couponsJa)

export function valueLabel(coupon: Pick<CouponView, 'kind' | 'value'>): string {
  return couponMessages().value[coupon.kind](coupon.value ?? 0)
}

/** The ticket-shaped face of a coupon: value, title and one line of detail. */
export function CouponFace({
  coupon,
  detail,
}: {
  coupon: Pick<CouponView, 'kind' | 'value' | 'title' | 'imageUrl'>
  detail?: string
}) {
  return (
    <div class="coupon-face">
      {coupon.imageUrl && <img class="coupon-image" src={coupon.imageUrl} alt="" />}
      <div class="coupon-value">{valueLabel(coupon)}</div>
      <div class="coupon-title">{coupon.title}</div>
      {detail && <div class="coupon-detail">{detail}</div>}
    </div>
  )
}
