import { couponDeps } from './coupons.ts'
import type { Atomic } from '../db/atomic.ts'
import type { Database } from '../db/database.ts'
import type { Repositories } from '../db/repositories/index.ts'
import { createSurveyRepository } from '../db/repositories/survey-repository.ts'
import { createSurveyResultsStore } from '../db/repositories/survey-results-repository.ts'
import { createSurveySessionStore } from '../db/repositories/survey-session-repository.ts'
import type { AppLinks } from '../domain/links.ts'
import type { Clock, Ids, Logger } from '../domain/ports.ts'
import type { SupportDeps } from '../domain/support/handover.ts'
import type { SurveyDeps } from '../domain/surveys/deps.ts'
import { createSurveyService } from '../domain/surveys/service.ts'
import type { UnitOfWork } from '../domain/unit-of-work.ts'

/**
 * The survey capability: its stores over `db`, rewards through the coupon domain, the low-score
 * follow-up through the support hand-over. `service` is what routes see; `deps` drives chat mode
 * and the periodic closed-loop retry.
 */
export function composeSurveys(input: {
  db: Database
  atomic: Atomic
  uow: UnitOfWork
  repositories: Repositories
  ids: Ids
  clock: Clock
  logger: Logger
  links: AppLinks
  /** The support hand-over a low score goes through. */
  support: SupportDeps
}) {
  const { db, atomic, uow, repositories, ids, clock, logger, links } = input
  const timeZone = links.timeZone
  const deps: SurveyDeps = {
    surveys: createSurveyRepository(db),
    results: createSurveyResultsStore(db),
    sessions: createSurveySessionStore(db),
    coupons: couponDeps({ repositories, atomic, ids, clock, timeZone }),
    uow,
    ids,
    logger,
    timeZone,
    now: () => clock.now(),
    support: input.support,
  }
  return { service: createSurveyService({ ...deps, links }), deps }
}

export type SurveyComposition = ReturnType<typeof composeSurveys>
