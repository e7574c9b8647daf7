import type { Atomic } from '../db/atomic.ts'
import type { Database } from '../db/database.ts'
import type { Repositories } from '../db/repositories/index.ts'
import { createInboxStore } from '../db/repositories/support-inbox-repository.ts'
import { createMemberSurveyResponses } from '../db/repositories/support-survey-repository.ts'
import type { FaqAnswerer } from '../domain/faq/answerer.ts'
import { createFaqLearningService } from '../domain/faq/learning.ts'
import { createFaqService } from '../domain/faq/service.ts'
import type { Clock, Defer, Ids, Logger } from '../domain/ports.ts'
import { createStaffAlertService } from '../domain/support/alerts.ts'
import type { ContentSource } from '../domain/support/contents.ts'
import { supportEventHooks } from '../domain/support/events.ts'
import type { SupportDeps } from '../domain/support/handover.ts'
import { shopTextSource } from '../domain/texts/texts.ts'
import { createInboxService } from '../domain/support/inbox.ts'
import type { SupportService } from '../domain/support/service.ts'
import type { UnitOfWork } from '../domain/unit-of-work.ts'

/**
 * The support capability: the hand-over the chat router and the webhook use (`handover`,
 * `hooks`), and the staff console's inbox, alerts and FAQ editing (`service`).
 */
export function composeSupport(input: {
  db: Database
  atomic: Atomic
  uow: UnitOfWork
  repositories: Repositories
  clock: Clock
  ids: Ids
  logger: Logger
  timeZone: string
  sandbox: boolean
  /** Customer images from LINE's data API. */
  content: ContentSource
  /** A staff reply was queued: process the outbox soon. */
  kickProcessing(defer: Defer): void
  /** The bot's FAQ matcher (shared with the chat router). */
  faqAnswerer: FaqAnswerer
}) {
  const { repositories, uow, clock, ids, logger } = input
  const handover: SupportDeps = {
    conversations: repositories.conversations,
    alerts: repositories.staffAlerts,
    settings: repositories.settings,
    uow,
    clock,
    timeZone: input.timeZone,
    sandbox: input.sandbox,
    // The acknowledgements in the shop's wording ({shop} is filled by the hand-over itself).
    texts: shopTextSource(repositories.shopTexts),
  }
  const now = () => clock.now()
  const service: SupportService = {
    inbox: createInboxService({
      store: createInboxStore(input.db, input.atomic),
      support: handover,
      contents: repositories.contents,
      content: input.content,
      context: {
        directory: repositories.directory,
        points: repositories.points,
        loyalty: repositories.loyalty,
        coupons: repositories.coupons,
        surveys: createMemberSurveyResponses(input.db),
      },
      uow,
      clock,
      ids,
      logger,
      kickProcessing: input.kickProcessing,
    }),
    alerts: createStaffAlertService({ alerts: repositories.staffAlerts, uow, now }),
    faq: createFaqService({
      faq: repositories.faq,
      keywordRules: repositories.keywordRules,
      uow,
      now,
      answerer: input.faqAnswerer,
    }),
    faqLearning: createFaqLearningService({
      asks: repositories.faqAsks,
      faq: repositories.faq,
      uow,
      clock,
      answerer: input.faqAnswerer,
    }),
  }
  return { handover, hooks: supportEventHooks(handover), service }
}

export type SupportComposition = ReturnType<typeof composeSupport>
