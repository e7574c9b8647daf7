import type { Config } from './config.ts'
import type { InboxRepository } from './domain/webhook/inbox.ts'
import type { Clock, Logger } from './domain/ports.ts'
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
}

export type AppEnv = { Variables: { deps: AppDeps } }
