import { commitWith, couponDeps } from './compose/coupons.ts'
import type { Atomic } from './db/atomic.ts'
import type { Database } from './db/database.ts'
import type { Repositories } from './db/repositories/index.ts'
import { createSurveyRepository } from './db/repositories/survey-repository.ts'
import { createSurveyResultsStore } from './db/repositories/survey-results-repository.ts'
import { createSurveySessionStore } from './db/repositories/survey-session-repository.ts'
import type { Clock, Ids, Logger } from './domain/ports.ts'
import { retryLowScoreFollowUps } from './domain/surveys/closed-loop.ts'
import type { SurveyDeps } from './domain/surveys/submit.ts'
import { supportDeps } from './support-services.ts'

export type { SurveyDeps } from './domain/surveys/submit.ts'

/**
 * The survey domain's dependencies: its repositories over `db`, rewards through the coupon
 * domain, the low-score follow-up through the support hand-over. Used by the survey routes, the
 * chat mode and the periodic closed-loop retry.
 */
export function surveyDeps(input: {
  db: Database
  atomic: Atomic
  repositories: Repositories
  ids: Ids
  clock: Clock
  logger: Logger
  /** The shop's time zone (SHOP_TIMEZONE). */
  timeZone: string
  sandbox?: boolean
}): SurveyDeps {
  const { db, atomic, repositories, ids, clock, logger, timeZone } = input
  return {
    surveys: createSurveyRepository(db, atomic),
    results: createSurveyResultsStore(db),
    sessions: createSurveySessionStore(db),
    coupons: couponDeps({ repositories, atomic, ids, clock, timeZone }),
    atomic: commitWith(atomic),
    ids,
    logger,
    timeZone,
    now: () => clock.now(),
    support: supportDeps({ repositories, clock, timeZone, sandbox: input.sandbox }),
  }
}

/** Periodic: low-score responses whose follow-up failed get their conversation and alert. */
export async function runSurveyUpkeep(input: {
  services: { db: Database; atomic: Atomic; repositories: Repositories }
  clock: Clock
  ids: Ids
  logger: Logger
  timeZone: string
}): Promise<void> {
  const deps = surveyDeps({ ...input.services, ...input })
  const done = await retryLowScoreFollowUps(deps)
  if (done > 0) input.logger.info('low-score follow-ups retried', { done })
}
