import type { Repositories } from '../db/repositories/index.ts'
import type { EventStore } from '../domain/event-relay/store.ts'
import { replyContributions, type EventRelayDeps } from '../domain/event-relay/relay.ts'
import type { FaqAnswerer } from '../domain/faq/answerer.ts'
import type { AppLinks } from '../domain/links.ts'
import type { Messenger } from '../domain/messaging/messenger.ts'
import { MonthlyLimitMemo } from '../domain/messaging/push-fallback.ts'
import type { SupportDeps } from '../domain/support/handover.ts'
import type { SurveyDeps } from '../domain/surveys/deps.ts'
import type { ShopTextSource } from '../domain/texts/texts.ts'
import type { UnitOfWork } from '../domain/unit-of-work.ts'
import { acceptWebhook } from '../domain/webhook/accept.ts'
import type { ProcessorDeps } from '../domain/webhook/processor.ts'
import type { Services } from '../middleware/env.ts'
import { createChatRouter, menuPublished } from './chat.ts'
import type { RuntimePorts } from './ports.ts'

/**
 * LINE's webhook, both halves: the request path that verifies, sorts and stores a delivery (and
 * only kicks processing), and what processes the stored events afterwards — the chat router, the
 * follow's reply contributions, the support hooks and the shop's texts.
 */
export function composeWebhook(input: {
  ports: RuntimePorts
  repositories: Repositories
  uow: UnitOfWork
  messenger: Messenger
  links: AppLinks
  support: { handover: SupportDeps; hooks: ProcessorDeps['support'] }
  survey: SurveyDeps
  faq: FaqAnswerer
  texts: ShopTextSource
  relay: EventRelayDeps
  eventStore: Pick<EventStore, 'byDedupeKeys'>
}): { processorDeps: ProcessorDeps; webhook: Services['webhook'] } {
  const { ports, repositories, uow, messenger, links, relay } = input
  const { clock, ids, logger } = ports
  const processorDeps: ProcessorDeps = {
    ...repositories,
    messenger,
    router: createChatRouter({
      clock,
      repositories,
      uow,
      links,
      support: input.support.handover,
      survey: input.survey,
      faq: input.faq,
      messenger,
    }),
    followEffects: {
      replyContributions: async (eventKey) =>
        replyContributions(relay, await input.eventStore.byDedupeKeys([eventKey])),
    },
    uow,
    support: input.support.hooks,
    texts: input.texts,
    menuPublished: menuPublished(repositories.settings),
    // Remembers LINE's "monthly limit reached" for a while: no push in place of a reply meanwhile.
    monthlyLimit: new MonthlyLimitMemo(),
    relay,
    clock,
    ids,
    logger,
  }
  const inbox = ports.wrapInbox ? ports.wrapInbox(repositories.inbox) : repositories.inbox
  const webhook: Services['webhook'] = {
    accept: (body, signature, defer) =>
      acceptWebhook(
        {
          verifySignature: ports.verifySignature,
          inbox,
          clock,
          kickProcessing: () => ports.jobs.kickProcessing(defer),
        },
        body,
        signature,
      ),
  }
  return { processorDeps, webhook }
}
