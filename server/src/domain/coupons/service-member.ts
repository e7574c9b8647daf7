import type {
  CouponCode,
  CouponList,
  CouponRedeemed,
  CouponView,
  ExchangeCatalogue,
} from '@joren/shared'
import { pointsSpentEvent } from '../loyalty/ledger.ts'
import { issueCouponToken } from './coupon-token.ts'
import { couponRefusal, effectiveState, exchangeCatalogue, exchangeForCoupon } from './coupons.ts'
import { couponServiceSupport, view, type CouponServiceDeps } from './service-support.ts'
import { shortCodeOf } from './typed-code.ts'

/** The member's own coupons (mini-app): their list, the QR, using one now, the points exchange. */
export function createMemberCouponCommands(deps: CouponServiceDeps) {
  const { coupons, uow } = deps
  const { couponOf, shopName, redeem } = couponServiceSupport(deps)

  return {
    async mine(memberId: number): Promise<CouponList> {
      const now = deps.now()
      const list = await coupons.listForMember(memberId)
      return { coupons: list.map((coupon) => effectiveState(coupon, now)) }
    },

    async myCoupon(memberId: number, id: number): Promise<CouponView> {
      return effectiveState(view(await couponOf(memberId, id)), deps.now())
    },

    /** The short-lived signed QR and the typed code; only for a usable coupon (else why not). */
    async code(memberId: number, id: number): Promise<CouponCode> {
      const now = deps.now()
      const stored = await couponOf(memberId, id)
      const coupon = effectiveState(view(stored), now)
      if (coupon.state !== 'issued') throw couponRefusal(coupon, now, deps.timeZone)
      const token = await issueCouponToken(id, now, await deps.cardKey())
      return { ...token, shortCode: await shortCodeOf(deps, stored) }
    },

    /** "この場で使う": the member redeems their own coupon in front of staff. */
    async useNow(
      member: { memberId: number; memberNumber: string },
      id: number,
    ): Promise<CouponRedeemed> {
      const redeemed = await redeem(await couponOf(member.memberId, id), {
        memberId: member.memberId,
        staffId: null,
        via: 'member_confirm',
      })
      return {
        coupon: effectiveState(view(redeemed), deps.now()),
        memberNumber: member.memberNumber,
        shopName: await shopName(),
      }
    },

    exchangeCatalogue: (memberId: number): Promise<ExchangeCatalogue> =>
      exchangeCatalogue(deps, memberId),

    /** Buys a coupon with points (once per requestId): spend, coupon and events in one commit. */
    async exchange(memberId: number, templateId: number, requestId: string): Promise<CouponView> {
      const coupon = await exchangeForCoupon(
        {
          ...deps,
          spentEvent: (spent) => uow.event(pointsSpentEvent({ ...spent, kind: 'redeem' })),
        },
        { memberId, templateId, requestId },
      )
      return effectiveState(view(coupon), deps.now())
    },
  }
}
