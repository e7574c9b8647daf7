import type { Atomic } from './db/atomic.ts'
import type { Repositories } from './db/repositories/index.ts'
import { localDate } from './domain/loyalty/dates.ts'
import { expirePoints } from './domain/loyalty/ledger.ts'
import { recomputeAllTiers, type LoyaltyDeps } from './domain/loyalty/loyalty.ts'
import type { Clock, Ids, Logger, Pace } from './domain/ports.ts'

/** The last shop-local day the daily tier pass ran (settings). */
export const DAILY_PASS_KEY = 'loyalty_daily_pass'

/**
 * Loyalty upkeep, run by the Node timer and the Workers cron: expire lots past their expiry
 * (idempotent per lot), and once per shop-local day recompute every tier (spend ages out of the
 * rolling window). Overlapping runs are harmless.
 */
export async function runLoyaltyMaintenance(input: {
  repositories: Repositories
  atomic: Atomic
  clock: Clock
  ids: Ids
  logger: Logger
  timeZone: string
  /** Yields between steps (Node: the thread answers requests too). */
  pace?: Pace
}): Promise<void> {
  const { repositories, atomic, clock, timeZone, logger, pace } = input
  const now = clock.now()
  const expired = await expirePoints(
    { points: repositories.points, atomic, now: () => clock.now(), pace },
    now,
  )
  if (expired.lots > 0) logger.info('points expired', { ...expired })
  const today = localDate(now, timeZone)
  if ((await repositories.settings.get(DAILY_PASS_KEY)) === today) return
  await repositories.settings.put(DAILY_PASS_KEY, today, now)
  const deps: LoyaltyDeps<Parameters<Atomic>[0][number]> = {
    points: repositories.points,
    loyalty: repositories.loyalty,
    settings: repositories.settings,
    outbox: repositories.outbox,
    audit: repositories.audit,
    atomic,
    clock,
    ids: input.ids,
    timeZone,
    shopName: async () => '',
    pace,
  }
  const members = await recomputeAllTiers(deps)
  logger.info('daily tier pass', { members })
}
