import type { Context } from 'hono'
import { couponDeps } from '../coupon-services.ts'
import type { CouponDeps } from '../domain/coupons/coupons.ts'
import type { AppEnv } from '../deps.ts'

/** The coupon domain's deps for this request. */
export function couponDepsOf(c: Context<AppEnv>): CouponDeps {
  const { repositories, atomic, ids, clock, config } = c.var.deps
  return couponDeps({ repositories, atomic, ids, clock, timeZone: config.SHOP_TIMEZONE })
}
