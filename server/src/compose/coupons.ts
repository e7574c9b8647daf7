import type { Atomic } from '../db/atomic.ts'
import type { Repositories } from '../db/repositories/index.ts'
import type { CommitAtomically, CouponDeps } from '../domain/coupons/coupons.ts'
import type { Clock, Ids } from '../domain/ports.ts'

/**
 * The coupon domain's shared plumbing, for every capability that issues coupons (surveys'
 * rewards, broadcasts' coupon cards, the welcome coupon, the points exchange). Issuing through
 * `issueCoupon(couponDeps(…), …)` commits the coupon with its `coupon.issued` event (the coupon
 * store plans it), whatever the source. Moved here from server/src/coupon-services.ts; the
 * names and signatures are unchanged.
 */

/** The domain's opaque planned statements are drizzle batch items; the Atomic port commits them. */
export function commitWith(atomic: Atomic): CommitAtomically {
  return async (statements) => {
    if (statements.length === 0) return
    await atomic(statements as Parameters<Atomic>[0])
  }
}

export function couponDeps(input: {
  repositories: Repositories
  atomic: Atomic
  ids: Ids
  clock: Clock
  timeZone: string
}): CouponDeps {
  return {
    coupons: input.repositories.coupons,
    atomic: commitWith(input.atomic),
    ids: input.ids,
    timeZone: input.timeZone,
    now: () => input.clock.now(),
  }
}
