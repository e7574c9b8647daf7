import type { Atomic } from '../db/atomic.ts'
import type { Repositories } from '../db/repositories/index.ts'
import { createCouponService } from '../domain/coupons/service.ts'
import type { EventStore } from '../domain/events/store.ts'
import type { LoyaltyDeps } from '../domain/loyalty/loyalty.ts'
import { createLoyaltyService, createLoyaltyUpkeep } from '../domain/loyalty/service.ts'
import type { Clock, Defer, Ids } from '../domain/ports.ts'
import { readShopSettings } from '../domain/shop/settings.ts'
import type { UnitOfWork } from '../domain/unit-of-work.ts'
import { couponDeps } from './coupons.ts'

export interface LoyaltyInput {
  repositories: Repositories
  atomic: Atomic
  uow: UnitOfWork
  clock: Clock
  ids: Ids
  timeZone: string
  sandbox: boolean
}

/** The loyalty domain's deps over the repositories (services and the periodic upkeep). */
function loyaltyDeps(input: LoyaltyInput): LoyaltyDeps {
  const { repositories, uow, clock, ids, timeZone, sandbox } = input
  return {
    points: repositories.points,
    loyalty: repositories.loyalty,
    settings: repositories.settings,
    outbox: repositories.outbox,
    uow,
    clock,
    ids,
    timeZone,
    shopName: async () => (await readShopSettings(repositories.settings, sandbox)).name,
  }
}

/**
 * Loyalty and coupons: purchases, refunds, points, tiers, the earning rule, CSV import, API keys
 * and the integration API (`loyalty`); templates, issue, revoke, redeem, the welcome setting, the
 * member's coupons and the points exchange (`coupons`).
 */
export function composeLoyalty(
  input: LoyaltyInput & {
    /** Which redemption committed (its event); see the coupon service. */
    events: Pick<EventStore, 'byDedupeKeys'>
    cardKey(): Promise<CryptoKey>
    kickProcessing(defer: Defer): void
  },
) {
  const { repositories, uow, sandbox } = input
  return {
    loyalty: createLoyaltyService({
      ...loyaltyDeps(input),
      sandbox,
      cardKey: input.cardKey,
      kickProcessing: input.kickProcessing,
    }),
    coupons: createCouponService({
      ...couponDeps(input),
      uow,
      settings: repositories.settings,
      points: repositories.points,
      events: input.events,
      cardKey: input.cardKey,
      sandbox,
    }),
  }
}

/** The periodic loyalty work (points expiry, the daily tier pass) over the same deps. */
export function loyaltyUpkeep(input: LoyaltyInput) {
  return createLoyaltyUpkeep(loyaltyDeps(input))
}
