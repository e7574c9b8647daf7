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
  })
  const processorDeps: ProcessorDeps = {
    ...repositories,
    messenger,
    router: registerPointsCommands(
      registerCouponChat(createDefaultRouter().command(memberCardCommand(links)), {
        coupons: repositories.coupons,
        links,
      }),
      { ...repositories, clock: input.clock, timeZone: links.timeZone },
    ),
    onFollowExtras: welcomeCouponHook({ ...input, repositories, links }),
    clock: input.clock,
    ids: input.ids,
    logger: input.logger,
  }
  const cardKey = cardKeyProvider(repositories.settings, input.ids, () => input.clock.now())
  return { db: input.db, atomic: input.atomic, repositories, messenger, processorDeps, cardKey }
}
export type Services = ReturnType<typeof createServices>
