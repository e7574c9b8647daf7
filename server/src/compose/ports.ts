import type { Config } from '../config.ts'
import type { Atomic } from '../db/atomic.ts'
import type { Database } from '../db/database.ts'
import type { SummaryRebuild } from '../domain/segments/store.ts'
import type { FaqAnswererOptions } from '../domain/faq/answerer.ts'
import type { Clock, Defer, Ids, Logger } from '../domain/ports.ts'
import type { InboxRepository } from '../domain/webhook/inbox.ts'
import type { Pacer } from '../line/rate-limiter.ts'
import type { SignatureVerifier } from '../line/signature.ts'

/** Where the product reaches LINE (api.line.me, or the sandbox's stand-in). */
export interface LineSettings {
  channelSecret: string
  channelAccessToken: string
  apiBaseUrl: string
  dataApiBaseUrl: string
}

/**
 * How background work reaches a worker on this runtime (Node: in-process loops; Workers: waitUntil
 * and the JOBS queue). Bound late by the entry: its loops are built from the services.
 */
export interface JobDispatch {
  /** Events or messages were stored: process them soon. */
  kickProcessing(defer: Defer): void
  /** A broadcast has due chunks: wake the in-process sender (Node) or enqueue them (Workers). */
  dispatchBroadcast(broadcastId: number): Promise<void>
  /** Plans a broadcast a send request claimed, off the request (token: its planning lease). */
  startBroadcastPlan(broadcastId: number, token: number): Promise<void>
}

/** What a runtime's entry hands the composition root; the only place drivers come in. */
export interface RuntimePorts {
  config: Config
  db: Database
  /** Statements that commit together: a transaction on better-sqlite3, a batch on D1. */
  atomic: Atomic
  line: LineSettings
  clock: Clock
  ids: Ids
  logger: Logger
  verifySignature: SignatureVerifier
  jobs: JobDispatch
  /** The Messaging API's HTTP client (default: the global fetch; Node passes a keep-alive one). */
  lineFetch?: typeof fetch
  lineTimeoutMs?: number
  /** Paces push / multicast under LINE's limits (default: one new pacer). */
  pacer?: Pacer
  /** The largest customer image kept (D1 rows hold at most 2 MB). Default 10 MB. */
  maxContentBytes?: number
  /** Wraps the webhook inbox (Node: group commit of deliveries read in one turn). */
  wrapInbox?: (inbox: InboxRepository) => InboxRepository
  /** How this runtime rebuilds the segment summary (default: set-based SQL in ranges). */
  rebuildSummary?: SummaryRebuild
  /** Learns every issued channel access token, so the log redaction layer cuts it. */
  secrets?: { add(secret: string): void }
  /** FAQ matching: the word analyser (Node: lindera) and optional embeddings. Default: light. */
  faq?: FaqAnswererOptions
}
