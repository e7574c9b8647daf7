import { startDueBroadcasts, type BroadcastDeps } from './domain/broadcasts/engine.ts'
import { expireDueCoupons } from './domain/coupons/coupons.ts'
import type { Clock, Ids, Logger, Pace } from './domain/ports.ts'
import { runSegmentUpkeep, type SummaryRebuild } from './db/segments/upkeep.ts'
import { runLoyaltyMaintenance } from './loyalty-services.ts'
import type { Services } from './services.ts'
import { runSupportUpkeep } from './support-services.ts'
import { runSurveyUpkeep } from './survey-services.ts'

export interface PeriodicInput {
  services: Services
  clock: Clock
  ids: Ids
  logger: Logger
  timeZone: string
  /** The broadcast engine (its dispatch wakes the Node sender or enqueues chunks on Workers). */
  broadcasts?: BroadcastDeps
  /** How this runtime rebuilds the segment summary (default: set-based SQL in ranges). */
  rebuildSummary?: SummaryRebuild
  /**
   * Yields between the steps of long passes (Node: the jobs share the thread that answers webhooks
   * and API calls, and take turns with the other background work).
   */
  pace?: Pace
}

interface PeriodicJob {
  name: string
  run(input: PeriodicInput): Promise<unknown>
}

/**
 * Upkeep that runs every minute: a timer on Node, the Cron Trigger on Workers. Each job is
 * idempotent and cheap when there is nothing to do; one failing job does not stop the others.
 */
const JOBS: readonly PeriodicJob[] = [
  // Coupons past expiry are marked expired (reads and redemption check it anyway).
  {
    name: 'coupon expiry',
    run: ({ services, clock }) => expireDueCoupons(services.repositories.coupons, clock.now()),
  },
  // Points past expiry are written off; tiers are recomputed once a shop-local day.
  {
    name: 'loyalty upkeep',
    run: ({ services, clock, ids, logger, timeZone, pace }) =>
      runLoyaltyMaintenance({ ...services, clock, ids, logger, timeZone, pace }),
  },
  // Scheduled broadcasts now due start once (atomic claim); due chunks are handed to a sender.
  {
    name: 'broadcasts',
    run: async ({ broadcasts }) => {
      if (!broadcasts) return
      await startDueBroadcasts(broadcasts)
      await broadcasts.dispatch(0)
    },
  },
  // The purchase summary segments read is rebuilt once a shop-local day.
  {
    name: 'segment summary',
    run: ({ services, clock, logger, timeZone, rebuildSummary, pace }) =>
      runSegmentUpkeep({ ...services, clock, logger, timeZone, rebuildSummary, pace }),
  },
  // Customer images are fetched from the data API; staff get one batched LINE alert push each.
  { name: 'support upkeep', run: (input) => runSupportUpkeep(input) },
  // Low survey scores whose follow-up failed get their conversation and staff alert.
  { name: 'survey closed loop', run: (input) => runSurveyUpkeep(input) },
]

export async function runPeriodicJobs(input: PeriodicInput): Promise<void> {
  for (const job of JOBS) {
    try {
      await job.run(input)
    } catch (error) {
      input.logger.error(`${job.name} failed`, { error: String(error) })
    }
  }
}
