import { expirePoints, type ExpiryResult } from './ledger.ts'
import { recomputeAllTiers, type LoyaltyDeps } from './loyalty.ts'
import { createApiKeyCommands } from './service-api-keys.ts'
import { createPointsCommands } from './service-points.ts'
import { createPurchaseCommands } from './service-purchases.ts'
import type { LoyaltyServiceDeps } from './service-support.ts'
import { createTierCommands } from './service-tiers.ts'

export type { PurchaseReply } from './idempotency.ts'
export { PURCHASES_WRITE_SCOPE, type LoyaltyServiceDeps } from './service-support.ts'

/**
 * Loyalty: purchases (register, integration API, CSV), refunds, points, tiers, the earning rule
 * and API keys. Every staff change commits with its audit row and its domain events.
 *
 * By command group: purchases, points, tiers and the rule, API keys.
 */
export function createLoyaltyService(deps: LoyaltyServiceDeps) {
  return {
    ...createPurchaseCommands(deps),
    ...createPointsCommands(deps),
    ...createTierCommands(deps),
    ...createApiKeyCommands(deps),
  }
}

export type LoyaltyService = ReturnType<typeof createLoyaltyService>

/**
 * The periodic loyalty work: expire lots past their expiry (each with `points.expired`) and the
 * daily tier pass (each actual change with `tier.changed`).
 */
export function createLoyaltyUpkeep(deps: LoyaltyDeps) {
  return {
    expirePoints: (at: number): Promise<ExpiryResult> =>
      expirePoints(
        { points: deps.points, uow: deps.uow, now: () => deps.clock.now(), pace: deps.pace },
        at,
      ),
    recomputeAllTiers: (): Promise<number> => recomputeAllTiers(deps),
  }
}
