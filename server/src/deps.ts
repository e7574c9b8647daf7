import type { Role } from '@joren/shared'
import type { Config } from './config.ts'
import type { Messenger } from './domain/messaging/messenger.ts'
import type { ContentSource } from './domain/support/contents.ts'
import type { FaqAnswerer } from './domain/faq/answerer.ts'
import type { Atomic } from './db/atomic.ts'
import type { Database } from './db/database.ts'
import type { Repositories } from './db/repositories/index.ts'
import type { InboxRepository } from './domain/webhook/inbox.ts'
import type { Clock, Ids, Logger } from './domain/ports.ts'
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
  kickProcessing(): void
  /** A broadcast has due chunks: wake the in-process sender (Node) or enqueue them (Workers). */
  dispatchBroadcast(broadcastId: number): Promise<void>
  /**
   * Plans a broadcast the send request claimed (token: its planning lease) off the request: the
   * in-process sender's chain (Node) or a JOBS queue message (Workers). Resolves once handed over.
   */
  startBroadcastPlan(broadcastId: number, token: number): Promise<void>
  /** Repositories the API routes use (through domain functions). */
  repositories: Repositories
  db: Database
  /** Statements that commit together: a transaction on better-sqlite3, a batch on D1. */
  atomic: Atomic
  ids: Ids
  /** Verifies LIFF ID tokens (LINE's keys cached); null when LINE_LOGIN_CHANNEL_ID is unset. */
  idTokens: IdTokenVerifier | null
  /** The account's add-friend URL (GET /v2/bot/info, cached). */
  botInfo: BotInfo
  /** The member card's HMAC key: made on first use, kept in `settings`, never logged. */
  cardKey(): Promise<CryptoKey>
  /** Customer images from the data API: the inbox fetches a pending one when staff open it. */
  support?: ContentSource
  /** The Messaging API, for reads on a request path (never the webhook's). */
  messenger: Messenger
  /** FAQ matching as the bot does it (the staff try-out and the unanswered list use it). */
  faq: FaqAnswerer
}

/** A member signed in through a verified LIFF ID token (the user is the token's `sub`). */
export interface MemberPrincipal {
  memberId: number
  lineUserId: string
  memberNumber: string
}

/** A staff member signed in through a verified LIFF ID token, with their role. */
export interface StaffPrincipal {
  id: number
  lineUserId: string
  displayName: string
  role: Role
}

export type AppEnv = {
  Variables: {
    deps: AppDeps
    member: MemberPrincipal
    staff: StaffPrincipal
    /** The verified token's `sub` and `name` (set by every LIFF / staff auth middleware). */
    lineUserId: string
    lineName: string | null
  }
}
