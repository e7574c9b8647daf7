import type { Atomic } from '../db/atomic.ts'
import type { Repositories } from '../db/repositories/index.ts'
import type { CommitAtomically, CouponDeps } from '../domain/coupons/coupons.ts'
import type { Clock, Ids, Logger } from '../domain/ports.ts'
import type { Database } from '../db/database.ts'
import { createStampStore } from '../db/repositories/stamp-repository.ts'
import { welcomeCouponSubscriber } from '../domain/coupons/welcome.ts'
import type { AppLinks } from '../domain/links.ts'
import type { OutboxDeps } from '../domain/messaging/outbox.ts'
import { createStampService, stampCardSubscriber, type StampDeps } from '../domain/stamps/stamps.ts'
import type { UnitOfWork } from '../domain/unit-of-work.ts'

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

/**
 * Coupons given automatically: the welcome coupon on a follow, and the stamp card's reward at its
 * goal (with the stamp card's settings / card service).
 */
export function composeCouponRewards(input: {
  db: Database
  repositories: Repositories
  atomic: Atomic
  uow: UnitOfWork
  ids: Ids
  clock: Clock
  timeZone: string
  links: AppLinks
  logger: Logger
  outbox: OutboxDeps
}) {
  const { repositories, links, logger, outbox } = input
  const common = {
    ...couponDeps(input),
    settings: repositories.settings,
    links,
    logger,
    members: repositories.members,
    outbox,
  }
  const stampDeps: StampDeps = { ...common, stamps: createStampStore(input.db), uow: input.uow }
  return {
    welcomeCoupon: welcomeCouponSubscriber(common),
    stampCard: stampCardSubscriber(stampDeps),
    stamps: createStampService(stampDeps),
  }
}
