import type { Context } from 'hono'
import type { AppDeps, AppEnv } from '../deps.ts'
import type { LoyaltyDeps } from '../domain/loyalty/loyalty.ts'
import type { PurchaseOutcome } from '../domain/loyalty/loyalty.ts'
import { readShopSettings } from '../domain/shop/settings.ts'
import type { PurchaseResult } from '@joren/shared'

/** The database layer's statement type, as the `Atomic` port takes it. */
export type Statement = Parameters<AppDeps['atomic']>[0][number]

export function loyaltyDeps(c: Context<AppEnv>): LoyaltyDeps<Statement> {
  const { repositories, atomic, clock, ids, config } = c.var.deps
  return {
    points: repositories.points,
    loyalty: repositories.loyalty,
    settings: repositories.settings,
    outbox: repositories.outbox,
    audit: repositories.audit,
    atomic,
    clock,
    ids,
    timeZone: config.SHOP_TIMEZONE,
    shopName: async () => (await readShopSettings(repositories.settings, config.sandbox)).name,
  }
}

export function purchaseResult(outcome: PurchaseOutcome): PurchaseResult {
  const { memberId, ...purchase } = outcome.purchase
  return { purchase, balance: outcome.balance, tier: outcome.tier }
}
