import type { Config } from './config.ts'
import type { Messenger } from './domain/messaging/messenger.ts'
import type { Atomic } from './db/atomic.ts'
import type { Database } from './db/database.ts'
import type { Repositories } from './db/repositories/index.ts'
import type { InboxRepository } from './domain/webhook/inbox.ts'
import type { Clock, Defer, Ids, Logger } from './domain/ports.ts'
import type { UnitOfWork } from './domain/unit-of-work.ts'
import type { BotInfo } from './line/bot-info.ts'
import type { IdTokenVerifier } from './line/id-token-verifier.ts'
import type { SignatureVerifier } from './line/signature.ts'

/** What HTTP handlers need; each runtime's entry builds it and sets it as `c.var.deps`. */
export interface AppDeps {
  config: Config
  verifySignature: SignatureVerifier
  inbox: InboxRepository
  clock: Clock
  logger: Logger
  /** Starts processing stored events after the response: a drain in-process, or waitUntil. */
  kickProcessing(defer?: Defer): void
  /** Repositories the API routes use (through domain functions). */
  repositories: Repositories
  db: Database
  /** Statements that commit together: a transaction on better-sqlite3, a batch on D1. */
  atomic: Atomic
  /** Commits a change with its audit row and domain events. */
  uow: UnitOfWork
  ids: Ids
  /** Verifies LIFF ID tokens (LINE's keys cached); null when LINE_LOGIN_CHANNEL_ID is unset. */
  idTokens: IdTokenVerifier | null
  /** The account's add-friend URL (GET /v2/bot/info, cached). */
  botInfo: BotInfo
  /** The member card's HMAC key: made on first use, kept in `settings`, never logged. */
  cardKey(): Promise<CryptoKey>
  /** The Messaging API, for reads on a request path (never the webhook's). */
  messenger: Messenger
}

export type { AppEnv, MemberPrincipal, StaffPrincipal } from './middleware/env.ts'
