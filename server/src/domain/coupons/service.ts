import type { CouponServiceDeps } from './service-support.ts'
import { createMemberCouponCommands } from './service-member.ts'
import { createStaffCouponCommands } from './service-staff.ts'
import { createCouponTemplateCommands } from './service-templates.ts'

export type { CouponServiceDeps } from './service-support.ts'

/**
 * Coupons: templates and the welcome coupon (staff), a member's coupons (issue, revoke), the
 * redemption at the register or by the member, and the points exchange. Every staff change
 * commits with its audit row; issues and redemptions with their events.
 */
export function createCouponService(deps: CouponServiceDeps) {
  return {
    ...createCouponTemplateCommands(deps),
    ...createStaffCouponCommands(deps),
    ...createMemberCouponCommands(deps),
  }
}

export type CouponService = ReturnType<typeof createCouponService>
