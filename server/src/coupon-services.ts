import type { Atomic } from './db/atomic.ts'
import type { Repositories } from './db/repositories/index.ts'
import type { AppLinks } from './domain/coupons/chat.ts'
import type { CommitAtomically, CouponDeps } from './domain/coupons/coupons.ts'
import { welcomeCoupon } from './domain/coupons/welcome.ts'
import type { Member } from './domain/members/members.ts'
import type { LineMessage } from './domain/messaging/messenger.ts'
import type { Clock, Ids, Logger } from './domain/ports.ts'

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

/** The follow hook: the welcome coupon card, when one is configured. */
export function welcomeCouponHook(input: {
  repositories: Repositories
  atomic: Atomic
  ids: Ids
  clock: Clock
  logger: Logger
  links: AppLinks
}): (member: Member, followedAt: number) => Promise<LineMessage[]> {
  const deps = {
    ...couponDeps({ ...input, timeZone: input.links.timeZone }),
    settings: input.repositories.settings,
    links: input.links,
    logger: input.logger,
    firstFollowedAt: (memberId: number) => input.repositories.coupons.firstFollowedAt(memberId),
  }
  return (member, followedAt) => welcomeCoupon(deps, member, followedAt)
}

export const DEFAULT_LINKS: AppLinks = {
  liffId: null,
  publicUrl: 'http://localhost:8787',
  timeZone: 'Asia/Tokyo',
}
