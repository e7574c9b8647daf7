import { localDate, monthsBefore } from '../../domain/loyalty/dates.ts'
import type { Clock, Logger, Pace } from '../../domain/ports.ts'
import type { SummaryRebuild } from '../../domain/segments/store.ts'
import type { Database } from '../database.ts'
import type { Repositories } from '../repositories/index.ts'
import { rebuildMemberCategories, rebuildMemberRfm } from './rfm.ts'

/**
 * Each statement of the daily pass covers this many member IDs (at 1M members / 5M purchases:
 * ~0.35 s each once the summary exists; ~1.3 s each on the very first pass, which inserts).
 */
export const MEMBERS_PER_STATEMENT = 50_000

/** Statements of the one-time category backfill cover fewer members (JSON per purchase). */
export const CATEGORY_MEMBERS_PER_STATEMENT = 5_000
/**
 * On a paced runtime (Node: the statements run on the thread that answers requests) they cover
 * fewer still, so none holds the thread for long (~25 ms each at 20,000 members on a busy core).
 */
const PACED_CATEGORY_MEMBERS_PER_STATEMENT = 500

/** Set once the per-category summary has been backfilled from existing purchases (settings). */
export const CATEGORY_BACKFILL_KEY = 'segments_categories_backfilled'

/** Recomputes every member's purchase figures (the segments' port, domain/segments/store.ts). */
export type { SummaryRebuild }

/** The last shop-local day the purchase summary was rebuilt (settings). */
export const RFM_DAILY_PASS_KEY = 'segments_rfm_daily_pass'

/**
 * Once a shop-local day, rebuild every member's purchase summary from purchases (the rolling
 * windows move on even without purchases); the first time, backfill the per-category summary. Marked done only after the rebuild succeeded, so a
 * failed run is retried on the next tick; overlapping runs give the same rows.
 */
export async function runSegmentUpkeep(input: {
  db: Database
  repositories: Repositories
  clock: Clock
  logger: Logger
  timeZone: string
  /** How this runtime rebuilds the summary (Node: worker threads); default: SQL in ranges. */
  rebuildSummary?: SummaryRebuild
  /** Yields between statements (Node: the thread answers requests too). */
  pace?: Pace
}): Promise<void> {
  const now = input.clock.now()
  const today = localDate(now, input.timeZone)
  if ((await input.repositories.settings.get(RFM_DAILY_PASS_KEY)) === today) return
  const started = Date.now()
  const windowStart = monthsBefore(now, 12, input.timeZone)
  if (input.rebuildSummary) await input.rebuildSummary(windowStart, now)
  else
    await rebuildMemberRfm(input.db, windowStart, now, {
      membersPerStatement: MEMBERS_PER_STATEMENT,
    })
  // Purchases and refunds keep the category summary exact and time does not age it: fill it
  // from the purchases that existed before it, once.
  if ((await input.repositories.settings.get(CATEGORY_BACKFILL_KEY)) === undefined) {
    await rebuildMemberCategories(input.db, {
      membersPerStatement: input.pace
        ? PACED_CATEGORY_MEMBERS_PER_STATEMENT
        : CATEGORY_MEMBERS_PER_STATEMENT,
      pace: input.pace,
    })
    await input.repositories.settings.put(CATEGORY_BACKFILL_KEY, today, input.clock.now())
  }
  await input.repositories.settings.put(RFM_DAILY_PASS_KEY, today, input.clock.now())
  input.logger.info('daily segment summary rebuilt', { ms: Date.now() - started })
}
