import type { CouponList, CouponRedeem, CouponRedeemed, CouponView } from '@joren/shared'
import type { StaffActor } from '../audit/audit.ts'
import { effectiveState, issueCoupon } from './coupons.ts'
import { CouponNotFound, CouponNotRevocable } from './errors.ts'
import { sendIssuedNote } from './issued-note.ts'
import { couponByCode } from './typed-code.ts'
import { couponServiceSupport, view, type CouponServiceDeps } from './service-support.ts'

/** A member's coupons as staff see them: issue, revoke, redeem at the register. */
export function createStaffCouponCommands(deps: CouponServiceDeps) {
  const { coupons, uow } = deps
  const { memberIdOf, couponOf, shopName, redeem } = couponServiceSupport(deps)

  return {
    async memberCoupons(memberNumber: string): Promise<CouponList> {
      const memberId = await memberIdOf(memberNumber)
      const now = deps.now()
      const list = await coupons.listForMember(memberId)
      return { coupons: list.map((coupon) => effectiveState(coupon, now)) }
    },

    /**
     * Issues a coupon by hand: the coupon, its event and the audit row in one commit. With
     * `notify`, the member gets the shop's `coupon_issued` note and the coupon card as one push
     * (billed; enqueued once per coupon, its delivery shows in the member's thread).
     */
    async issue(
      actor: StaffActor,
      memberNumber: string,
      templateId: number,
      notify = false,
    ): Promise<CouponView> {
      const memberId = await memberIdOf(memberNumber)
      const coupon = await issueCoupon(deps, {
        templateId,
        memberId,
        source: 'manual',
        sourceRef: `staff:${actor.id}`,
        after: (dedupeKey) => [
          uow.audit({
            staffId: actor.id,
            action: 'coupon.issue',
            targetType: 'member',
            targetId: memberNumber,
            before: null,
            after: { couponId: coupons.couponIdRef(dedupeKey), templateId },
          }),
        ],
      })
      if (notify && deps.issuedNote && coupon.state === 'issued')
        await sendIssuedNote(deps.issuedNote, coupon, await shopName())
      return view(coupon)
    },

    /** Revokes an unused coupon; the audit row only when this revoked it. */
    async revoke(actor: StaffActor, memberNumber: string, id: number): Promise<CouponView> {
      const coupon = await couponOf(await memberIdOf(memberNumber), id)
      if (coupon.state !== 'issued') throw new CouponNotRevocable()
      await uow.commit([
        coupons.revokeWrite(id, deps.now()),
        uow.audit(
          {
            staffId: actor.id,
            action: 'coupon.revoke',
            targetType: 'coupon',
            targetId: String(id),
            before: { state: 'issued' },
            after: { state: 'revoked' },
          },
          { onlyIfChanged: true },
        ),
      ])
      const after = await coupons.find(id)
      if (!after) throw new CouponNotFound()
      if (after.state !== 'revoked') throw new CouponNotRevocable()
      return view(after)
    },

    /** The register: a scanned code, or a coupon picked for a member number. */
    async redeemAtRegister(actor: StaffActor, input: CouponRedeem): Promise<CouponRedeemed> {
      const coupon =
        'code' in input
          ? await couponByCode(deps, input.code)
          : await couponOf(await memberIdOf(input.memberNumber), input.couponId)
      const redeemed = await redeem(coupon, {
        memberId: null,
        staffId: actor.id,
        via: 'staff_scan',
      })
      return {
        coupon: view(redeemed),
        memberNumber: (await coupons.memberNumberOf(redeemed.memberId)) ?? '',
        shopName: await shopName(),
      }
    },
  }
}
