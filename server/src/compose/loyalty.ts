import type { Config } from '../config.ts'
import type { Atomic } from '../db/atomic.ts'
import type { Repositories } from '../db/repositories/index.ts'
import type { IssuedNoteDeps } from '../domain/coupons/issued-note.ts'
import { createCouponService } from '../domain/coupons/service.ts'
import type { EventStore } from '../domain/event-relay/store.ts'
import type { LoyaltyDeps } from '../domain/loyalty/loyalty.ts'
import { createLoyaltyService, createLoyaltyUpkeep } from '../domain/loyalty/service.ts'
import type { Clock, Ids, Pace } from '../domain/ports.ts'
import { readShopSettings } from '../domain/shop/settings.ts'
import { shopTextSource } from '../domain/texts/texts.ts'
import type { UnitOfWork } from '../domain/unit-of-work.ts'
import { couponDeps } from './coupons.ts'
import type { JobDispatch, RuntimePorts } from './ports.ts'

export interface LoyaltyInput {
  repositories: Repositories
  atomic: Atomic
  uow: UnitOfWork
  clock: Clock
  ids: Ids
  timeZone: string
  sandbox: boolean
  /** Yields between steps of the long passes (Node: the thread answers requests too). */
  pace?: Pace
}

/** The loyalty domain's deps over the repositories (services and the periodic upkeep). */
function loyaltyDeps(input: LoyaltyInput): LoyaltyDeps {
  const { repositories, uow, clock, ids, timeZone, sandbox, pace } = input
  const shopName = async () => (await readShopSettings(repositories.settings, sandbox)).name
  return {
    pace,
    points: repositories.points,
    loyalty: repositories.loyalty,
    settings: repositories.settings,
    outbox: repositories.outbox,
    uow,
    clock,
    ids,
    timeZone,
    shopName,
    texts: shopTextSource(repositories.shopTexts, shopName),
  }
}

/**
 * Loyalty and coupons: purchases, refunds, points, tiers, the earning rule, CSV import, API keys
 * and the integration API (`loyalty`); templates, issue, revoke, redeem, the welcome setting, the
 * member's coupons and the points exchange (`coupons`).
 */
export function composeLoyalty(
  input: Pick<RuntimePorts, 'atomic' | 'clock' | 'ids'> & {
    config: Pick<Config, 'sandbox' | 'SHOP_TIMEZONE'>
    jobs: Pick<JobDispatch, 'kickProcessing'>
    repositories: Repositories
    uow: UnitOfWork
    /** Which redemption committed (its event); see the coupon service. */
    events: Pick<EventStore, 'byDedupeKeys'>
    cardKey(): Promise<CryptoKey>
    /** The note a coupon issued by hand can send (the outbox and the mini-app's links). */
    issuedNote?: Pick<IssuedNoteDeps, 'outbox' | 'links'>
  },
) {
  const { repositories, uow, config } = input
  const sandbox = config.sandbox
  const deps = loyaltyDeps({ ...input, timeZone: config.SHOP_TIMEZONE, sandbox })
  return {
    loyalty: createLoyaltyService({
      ...deps,
      sandbox,
      cardKey: input.cardKey,
      kickProcessing: (defer) => input.jobs.kickProcessing(defer),
    }),
    coupons: createCouponService({
      ...couponDeps({ ...input, timeZone: config.SHOP_TIMEZONE }),
      uow,
      settings: repositories.settings,
      points: repositories.points,
      events: input.events,
      cardKey: input.cardKey,
      sandbox,
      issuedNote: input.issuedNote && {
        ...input.issuedNote,
        members: repositories.members,
        texts: deps.texts ?? shopTextSource(repositories.shopTexts),
      },
    }),
  }
}

/** The periodic loyalty work (points expiry, the daily tier pass) over the same deps. */
export function loyaltyUpkeep(input: LoyaltyInput) {
  return createLoyaltyUpkeep(loyaltyDeps(input))
}
