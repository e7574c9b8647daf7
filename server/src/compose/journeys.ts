import type { Atomic } from '../db/atomic.ts'
import type { Database } from '../db/database.ts'
import type { Repositories } from '../db/repositories/index.ts'
import { createJourneyRepository } from '../db/repositories/journey-repository.ts'
import { createSurveyRepository } from '../db/repositories/survey-repository.ts'
import { readContactPolicy } from '../domain/contact-policy/policy.ts'
import type { JourneyDeps } from '../domain/journeys/engine.ts'
import { createJourneysService } from '../domain/journeys/service.ts'
import { journeysSubscriber, purchaseCycleSubscriber } from '../domain/journeys/subscribers.ts'
import { tierThresholdsSubscriber } from '../domain/journeys/tier-drops.ts'
import type { AppLinks } from '../domain/links.ts'
import type { Clock, Ids, Logger } from '../domain/ports.ts'
import type { UnitOfWork } from '../domain/unit-of-work.ts'
import { couponDeps } from './coupons.ts'

export interface JourneysInput {
  db: Database
  atomic: Atomic
  uow: UnitOfWork
  repositories: Repositories
  clock: Clock
  ids: Ids
  logger: Logger
  links: AppLinks
}

/**
 * Journeys: the staff service, the engine's deps the periodic tick drives (Node's minute timer,
 * the Workers cron) and the two event subscribers (triggers and exits; the purchase rhythm).
 * Sends go through the message outbox and its delivery, like every other message.
 */
export function composeJourneys(input: JourneysInput) {
  const store = createJourneyRepository(input.db)
  const engine: JourneyDeps = {
    store,
    contacts: store,
    policy: () => readContactPolicy(input.repositories.settings),
    outbox: input.repositories.outbox,
    alerts: input.repositories.staffAlerts,
    surveys: createSurveyRepository(input.db),
    coupons: couponDeps({ ...input, timeZone: input.links.timeZone }),
    uow: input.uow,
    links: input.links,
    clock: input.clock,
    ids: input.ids,
    logger: input.logger,
    timeZone: input.links.timeZone,
  }
  return {
    engine,
    service: createJourneysService({
      ...engine,
      settings: input.repositories.settings,
      segmentExists: async (id) => (await input.repositories.segments.find(id)) !== null,
    }),
    subscribers: [
      journeysSubscriber(engine),
      purchaseCycleSubscriber(engine),
      tierThresholdsSubscriber(engine),
    ],
  }
}
