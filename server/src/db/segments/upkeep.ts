import { localDate, monthsBefore } from '../../domain/loyalty/dates.ts'
import type { Clock, Logger } from '../../domain/ports.ts'
import type { Database } from '../database.ts'
import type { Repositories } from '../repositories/index.ts'
import { rebuildMemberRfm } from './rfm.ts'

/** Each statement of the daily pass covers this many member IDs (~0.1 s each on Node). */
export const MEMBERS_PER_STATEMENT = 50_000

/** The last shop-local day the purchase summary was rebuilt (settings). */
export const RFM_DAILY_PASS_KEY = 'segments_rfm_daily_pass'

/**
 * Once a shop-local day, rebuild every member's purchase summary from purchases (the rolling
 * 12 months move on even without purchases). Marked done only after the rebuild succeeded, so a
 * failed run is retried on the next tick; overlapping runs give the same rows.
 */
export async function runSegmentUpkeep(input: {
  db: Database
  repositories: Repositories
  clock: Clock
  logger: Logger
  timeZone: string
}): Promise<void> {
  const now = input.clock.now()
  const today = localDate(now, input.timeZone)
  if ((await input.repositories.settings.get(RFM_DAILY_PASS_KEY)) === today) return
  const started = Date.now()
  await rebuildMemberRfm(input.db, monthsBefore(now, 12, input.timeZone), now, {
    membersPerStatement: MEMBERS_PER_STATEMENT,
  })
  await input.repositories.settings.put(RFM_DAILY_PASS_KEY, today, input.clock.now())
  input.logger.info('daily segment summary rebuilt', { ms: Date.now() - started })
}
