import { createDefaultRouter } from './domain/chat/router.ts'
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
}) {
  const repositories = createRepositories(input.db)
  const messenger = createLineMessagingClient({
    apiBaseUrl: input.line.apiBaseUrl,
    channelAccessToken: input.line.channelAccessToken,
    ids: input.ids,
    logger: input.logger,
    timeoutMs: input.lineTimeoutMs,
  })
  const processorDeps: ProcessorDeps = {
    ...repositories,
    messenger,
    router: createDefaultRouter(),
    clock: input.clock,
    ids: input.ids,
    logger: input.logger,
  }
  const cardKey = cardKeyProvider(repositories.settings, input.ids, () => input.clock.now())
  return { db: input.db, atomic: input.atomic, repositories, messenger, processorDeps, cardKey }
}
export type Services = ReturnType<typeof createServices>
