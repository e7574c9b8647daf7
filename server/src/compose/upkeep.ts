import { createAlertPushStore } from '../db/repositories/support-alert-repository.ts'
import { runSegmentUpkeep } from '../db/segments/upkeep.ts'
import { startDueBroadcasts } from '../domain/broadcasts/engine.ts'
import { expireDueCoupons } from '../domain/coupons/coupons.ts'
import { runJourneyTick } from '../domain/journeys/engine.ts'
import { deliverDueMessages } from '../domain/messaging/outbox.ts'
import { localDate } from '../domain/loyalty/dates.ts'
import type { Clock, Ids, Logger, Pace } from '../domain/ports.ts'
import { pushStaffAlerts } from '../domain/support/alert-push.ts'
import { fetchPendingContents } from '../domain/support/contents.ts'
import { retryLowScoreFollowUps } from '../domain/surveys/closed-loop.ts'
import type { Background } from './index.ts'
import { loyaltyUpkeep } from './loyalty.ts'

/** The last shop-local day the daily tier pass ran (settings). */
export const DAILY_PASS_KEY = 'loyalty_daily_pass'

export interface UpkeepInput {
  background: Background
  clock: Clock
  ids: Ids
  logger: Logger
  timeZone: string
  /**
   * Yields between the steps of long passes (Node: the jobs share the thread that answers webhooks
   * and API calls, and take turns with the other background work).
   */
  pace?: Pace
}

/**
 * Loyalty upkeep: expire lots past their expiry (idempotent per lot), and once per shop-local day
 * recompute every tier (spend ages out of the rolling window). Overlapping runs are harmless.
 */
export async function runLoyaltyMaintenance(input: UpkeepInput): Promise<void> {
  const { background, clock, timeZone, logger } = input
  const { repositories, atomic, uow } = background
  const upkeep = loyaltyUpkeep({
    repositories,
    atomic,
    uow,
    clock,
    ids: input.ids,
    timeZone,
    // Upkeep sends no receipts: the shop's name (which depends on it) is never read.
    sandbox: false,
    pace: input.pace,
  })
  const now = clock.now()
  const expired = await upkeep.expirePoints(now)
  if (expired.lots > 0) logger.info('points expired', { ...expired })
  const today = localDate(now, timeZone)
  if ((await repositories.settings.get(DAILY_PASS_KEY)) === today) return
  await repositories.settings.put(DAILY_PASS_KEY, today, now)
  const members = await upkeep.recomputeAllTiers()
  logger.info('daily tier pass', { members })
}

/**
 * The support inbox's upkeep: fetch pending image contents (outside the webhook path), then push
 * each opted-in staff member one summary of new alerts (quiet hours respected).
 */
export async function runSupportUpkeep(input: UpkeepInput): Promise<void> {
  const { background, clock, ids, logger } = input
  await fetchPendingContents({
    contents: background.repositories.contents,
    fetchContent: background.content.fetchContent,
    maxBytes: background.content.maxContentBytes,
    clock,
    ids,
    logger,
  })
  await pushStaffAlerts({
    store: createAlertPushStore(background.db, background.atomic),
    clock,
    ids,
    logger,
    timeZone: input.timeZone,
    inboxUrl: background.content.inboxUrl,
  })
}

/** Low-score responses whose follow-up failed get their conversation and alert. */
export async function runSurveyUpkeep(input: UpkeepInput): Promise<void> {
  const { clock, ids, logger } = input
  const done = await retryLowScoreFollowUps({
    ...input.background.surveys,
    ids,
    logger,
    now: () => clock.now(),
  })
  if (done > 0) input.logger.info('low-score follow-ups retried', { done })
}

/** One journeys tick, then the outbox delivery of what it enqueued (bounded passes). */
export async function runJourneyUpkeep(input: UpkeepInput): Promise<void> {
  const { background, logger } = input
  const result = await runJourneyTick(background.journeys)
  if (result.entered + result.sent + result.skipped + result.deferred + result.exited > 0)
    logger.info('journeys tick', { ...result })
  if (result.sent === 0) return
  for (let pass = 0; pass < 20; pass++)
    if ((await deliverDueMessages(background.processorDeps, 100)) === 0) return
}

/** The last shop-local day the KPI rollups were rebuilt (settings). */
export const KPI_DAILY_REBUILD_KEY = 'kpi_daily_rebuild'

/**
 * Once a shop-local day the KPI rollups are rebuilt from the purchases (the first run after an
 * upgrade fills them from history; later ones repair anything an event could not reach).
 */
export async function runKpiRebuild(input: UpkeepInput): Promise<void> {
  const { background, clock, timeZone, logger } = input
  const today = localDate(clock.now(), timeZone)
  if ((await background.repositories.settings.get(KPI_DAILY_REBUILD_KEY)) === today) return
  await background.repositories.settings.put(KPI_DAILY_REBUILD_KEY, today, clock.now())
  const started = clock.now()
  await background.rebuildKpis()
  logger.info('KPI rollups rebuilt', { ms: clock.now() - started })
}

/** When LINE's per-unit statistics were last polled (settings; epoch ms). */
export const LINE_UNIT_STATS_POLLED_KEY = 'line_unit_stats_polled_at'
/** LINE updates its statistics a few times a day: polling more often only spends API calls. */
export const LINE_UNIT_STATS_EVERY_MS = 6 * 60 * 60_000

/**
 * LINE's opens and clicks per broadcast and journey step (customAggregationUnits), polled every
 * six hours when LINE_UNIT_STATS is on and stored for the dashboard and the broadcast report.
 */
export async function runLineUnitStats(input: UpkeepInput): Promise<void> {
  const { background, clock, logger } = input
  if (!background.lineUnitStats.enabled) return
  const last = Number((await background.repositories.settings.get(LINE_UNIT_STATS_POLLED_KEY)) ?? 0)
  if (clock.now() - last < LINE_UNIT_STATS_EVERY_MS) return
  await background.repositories.settings.put(LINE_UNIT_STATS_POLLED_KEY, clock.now(), clock.now())
  const result = await background.lineUnitStats.poll()
  if (result.stored + result.failed > 0) logger.info('LINE unit statistics polled', { ...result })
  // LINE's count of this month's unit names (other tools on the channel use them too); when LINE
  // does not answer, the budget goes on with the last count and its own.
  await background.lineUnitStats.recordUnitUsage().catch((error: unknown) => {
    logger.warn('LINE unit name usage not read', { error: String(error) })
  })
}

const RATE_COUNTER_RETENTION_MS = 24 * 60 * 60_000

interface PeriodicJob {
  name: string
  run(input: UpkeepInput): Promise<unknown>
}

/**
 * Upkeep that runs every minute: a timer on Node, the Cron Trigger on Workers. Each job is
 * idempotent and cheap when there is nothing to do; one failing job does not stop the others.
 */
const JOBS: readonly PeriodicJob[] = [
  // Coupons past expiry are marked expired (reads and redemption check it anyway).
  {
    name: 'coupon expiry',
    run: ({ background, clock }) => expireDueCoupons(background.repositories.coupons, clock.now()),
  },
  // Points past expiry are written off; tiers are recomputed once a shop-local day.
  { name: 'loyalty upkeep', run: runLoyaltyMaintenance },
  // Scheduled broadcasts now due start once (atomic claim); due chunks are handed to a sender.
  {
    name: 'broadcasts',
    run: async ({ background }) => {
      await startDueBroadcasts(background.broadcasts)
      await background.broadcasts.dispatch(0)
    },
  },
  // Journeys: scheduled triggers (birthday, dormant, purchase cycle) and due steps, enqueued in the
  // outbox under the contact policy; what was enqueued is delivered now (the outbox's own delivery).
  { name: 'journeys', run: runJourneyUpkeep },
  // The purchase summary segments read is rebuilt once a shop-local day.
  {
    name: 'segment summary',
    run: ({ background, clock, logger, timeZone, pace }) =>
      runSegmentUpkeep({
        db: background.db,
        repositories: background.repositories,
        clock,
        logger,
        timeZone,
        rebuildSummary: background.rebuildSummary,
        pace,
      }),
  },
  // The KPI rollups are rebuilt from the purchases once a shop-local day.
  { name: 'kpi rollups', run: runKpiRebuild },
  // Customer images are fetched from the data API; staff get one batched LINE alert push each.
  { name: 'support upkeep', run: runSupportUpkeep },
  // Low survey scores whose follow-up failed get their conversation and staff alert.
  { name: 'survey closed loop', run: runSurveyUpkeep },
  // Attempt counters of windows long past (one row per client address seen).
  {
    name: 'rate limit counters',
    run: ({ background, clock }) =>
      background.repositories.rateLimits.prune(clock.now() - RATE_COUNTER_RETENTION_MS),
  },
  // Referral claims settled without a new follow; 'join' referrals whose newcomer saved a profile.
  { name: 'referrals', run: ({ background }) => background.referralUpkeep() },
  // LINE's opens and clicks per broadcast and journey step (every six hours, when switched on).
  { name: 'line unit stats', run: runLineUnitStats },
  // Domain events past retention that every subscriber has passed are dropped.
  { name: 'domain event retention', run: ({ background }) => background.pruneEvents() },
]

export async function runPeriodicJobs(input: UpkeepInput): Promise<void> {
  for (const job of JOBS) {
    try {
      await job.run(input)
    } catch (error) {
      input.logger.error(`${job.name} failed`, { error: String(error) })
    }
  }
}
