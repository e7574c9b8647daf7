import { createDefaultRouter } from './domain/chat/router.ts'
import { DEFAULT_LINKS, welcomeCouponHook } from './coupon-services.ts'
import { memberCardCommand } from './domain/chat/member-card.ts'
import { registerCouponChat, type AppLinks } from './domain/coupons/chat.ts'
import { registerPointsCommands } from './domain/loyalty/summary.ts'
import type { Clock, Ids, Logger } from './domain/ports.ts'
import type { ProcessorDeps } from './domain/webhook/processor.ts'
import type { Atomic } from './db/atomic.ts'
import type { Database } from './db/database.ts'
import { createRepositories } from './db/repositories/index.ts'
import { cardKeyProvider } from './domain/members/card-token.ts'
import { createLineMessagingClient } from './line/messaging-client.ts'
import { supportEventHooks } from './domain/support/events.ts'
import { DEFAULT_MAX_CONTENT_BYTES } from './domain/support/contents.ts'
import { createContentFetcher, supportDeps } from './support-services.ts'
import { createPacer, type Pacer } from './line/rate-limiter.ts'
import { registerSupportChat } from './domain/chat/support-chat.ts'
import { createFaqAnswerer, type FaqAnswererOptions } from './domain/faq/answerer.ts'
import { registerSurveyChat } from './domain/chat/survey-chat.ts'
import { surveyDeps } from './survey-services.ts'

export interface LineSettings {
  channelSecret: string
  channelAccessToken: string
  apiBaseUrl: string
  dataApiBaseUrl: string
}

/** Wires the domain to a database and the LINE API; shared by the Node and Workers entries. */
export function createServices(input: {
  db: Database
  /** Statements that commit together: a transaction on better-sqlite3, a batch on D1. */
  atomic: Atomic
  line: LineSettings
  clock: Clock
  ids: Ids
  logger: Logger
  lineTimeoutMs?: number
  /** The Messaging API's HTTP client (default: the global fetch; Node passes a keep-alive one). */
  lineFetch?: typeof fetch
  /** Where chat messages link into the mini-app (LIFF_ID, PUBLIC_URL) and the shop's time zone. */
  links?: AppLinks
  /** Paces push / multicast under LINE's limits (default: one new pacer for these services). */
  pacer?: Pacer
  /** The largest customer image kept (D1 rows hold at most 2 MB). Default 10 MB. */
  maxContentBytes?: number
  /** FAQ matching: the word analyser (Node: lindera) and optional embeddings. Default: light. */
  faq?: FaqAnswererOptions
}) {
  const links = input.links ?? DEFAULT_LINKS
  const repositories = createRepositories(input.db)
  const messenger = createLineMessagingClient({
    apiBaseUrl: input.line.apiBaseUrl,
    channelAccessToken: input.line.channelAccessToken,
    ids: input.ids,
    logger: input.logger,
    timeoutMs: input.lineTimeoutMs,
    fetch: input.lineFetch,
    pacer: input.pacer ?? createPacer(),
  })
  const faq = createFaqAnswerer(repositories.faq, input.faq)
  const processorDeps: ProcessorDeps = {
    ...repositories,
    messenger,
    router: registerSupportChat(
      registerSurveyChat(
        registerPointsCommands(
          registerCouponChat(createDefaultRouter().command(memberCardCommand(links)), {
            coupons: repositories.coupons,
            links,
          }),
          { ...repositories, clock: input.clock, timeZone: links.timeZone },
        ),
        {
          survey: surveyDeps({ ...input, repositories, timeZone: links.timeZone }),
          links,
        },
      ),
      {
        keywordRules: repositories.keywordRules,
        faq,
        support: supportDeps({ repositories, clock: input.clock, timeZone: links.timeZone }),
        asks: repositories.faqAsks,
        loading: { show: (userId, seconds) => messenger.showLoading(userId, seconds), after: 700 },
      },
    ),
    onFollowExtras: welcomeCouponHook({ ...input, repositories, links }),
    support: supportEventHooks(
      supportDeps({ repositories, clock: input.clock, timeZone: links.timeZone }),
    ),
    clock: input.clock,
    ids: input.ids,
    logger: input.logger,
  }
  const support = {
    fetchContent: createContentFetcher({
      dataApiBaseUrl: input.line.dataApiBaseUrl,
      channelAccessToken: input.line.channelAccessToken,
    }),
    maxContentBytes: input.maxContentBytes ?? DEFAULT_MAX_CONTENT_BYTES,
    /** Staff alert pushes link here. */
    inboxUrl: `${links.publicUrl.replace(/\/+$/, '')}/staff/inbox`,
  }
  const cardKey = cardKeyProvider(repositories.settings, input.ids, () => input.clock.now())
  return {
    db: input.db,
    atomic: input.atomic,
    repositories,
    messenger,
    processorDeps,
    cardKey,
    support,
    faq,
  }
}
export type Services = ReturnType<typeof createServices>
