import { backoffDelay } from '../backoff.ts'
import type { Clock, Ids, Logger } from '../ports.ts'

/** LINE keeps a message's content for a while; 10 MB covers photos (D1 rows cap it lower). */
export const DEFAULT_MAX_CONTENT_BYTES = 10 * 1024 * 1024
export const CONTENT_MAX_ATTEMPTS = 6
const CONTENT_LEASE_MS = 60_000

/** Content types staff may view inline (served with their stored type). */
export const SERVABLE_IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp']

export interface PendingContent {
  chatMessageId: number
  lineMessageId: string
  attempts: number
}

/** What is kept of one inbound message's content (bytes only once stored). */
export interface StoredContent {
  status: 'pending' | 'stored' | 'too_large' | 'failed'
  contentType: string | null
  bytes: Uint8Array | null
}

export interface ContentStore {
  /** The stored bytes of one inbound message's content, for staff. */
  read(chatMessageId: number): Promise<StoredContent | null>
  /** Claims due pending rows (a lease against concurrent runs) and counts the attempt. */
  claimDue(now: number, limit: number, leaseMs: number): Promise<PendingContent[]>
  /** Claims one row if it is pending and due. */
  claimOne(chatMessageId: number, now: number, leaseMs: number): Promise<PendingContent | null>
  markStored(
    chatMessageId: number,
    contentType: string,
    bytes: Uint8Array,
    now: number,
  ): Promise<void>
  markTooLarge(
    chatMessageId: number,
    size: number | null,
    contentType: string | null,
    now: number,
  ): Promise<void>
  markRetry(chatMessageId: number, nextAttemptAt: number, now: number): Promise<void>
  markFailed(chatMessageId: number, now: number): Promise<void>
}

export type FetchedContent =
  | { kind: 'ok'; contentType: string; bytes: Uint8Array }
  | { kind: 'too_large'; size: number | null; contentType: string | null }
  /** LINE no longer has it, or it is not ours: retrying will not help. */
  | { kind: 'gone'; status: number }

/** GET {dataApiBaseUrl}/v2/bot/message/{id}/content, stopping at maxBytes. Throws when retryable. */
export type ContentFetcher = (lineMessageId: string, maxBytes: number) => Promise<FetchedContent>

/** Where customer content comes from: LINE's data API, and the largest image kept. */
export interface ContentSource {
  fetchContent: ContentFetcher
  maxContentBytes: number
}

export interface ContentJobDeps {
  contents: ContentStore
  fetchContent: ContentFetcher
  maxBytes: number
  clock: Clock
  ids: Ids
  logger: Logger
}

/**
 * Fetches pending message content outside the webhook path (the periodic job): stored, marked
 * too large (no bytes kept), retried with backoff, or failed after CONTENT_MAX_ATTEMPTS.
 */
export async function fetchPendingContents(deps: ContentJobDeps, limit = 20): Promise<number> {
  const due = await deps.contents.claimDue(deps.clock.now(), limit, CONTENT_LEASE_MS)
  await fetchClaimed(deps, due)
  return due.length
}

/** Staff opened a pending image: fetch it now rather than wait for the job (if it is due). */
export async function fetchContentNow(deps: ContentJobDeps, chatMessageId: number): Promise<void> {
  const claimed = await deps.contents.claimOne(chatMessageId, deps.clock.now(), CONTENT_LEASE_MS)
  if (claimed) await fetchClaimed(deps, [claimed])
}

async function fetchClaimed(deps: ContentJobDeps, due: PendingContent[]): Promise<void> {
  for (const item of due) {
    try {
      const result = await deps.fetchContent(item.lineMessageId, deps.maxBytes)
      const now = deps.clock.now()
      if (result.kind === 'ok')
        await deps.contents.markStored(item.chatMessageId, result.contentType, result.bytes, now)
      else if (result.kind === 'too_large')
        await deps.contents.markTooLarge(item.chatMessageId, result.size, result.contentType, now)
      else await deps.contents.markFailed(item.chatMessageId, now)
    } catch (error) {
      deps.logger.warn('message content fetch failed', {
        chatMessageId: item.chatMessageId,
        attempts: item.attempts,
        error: String(error),
      })
      const now = deps.clock.now()
      if (item.attempts >= CONTENT_MAX_ATTEMPTS)
        await deps.contents.markFailed(item.chatMessageId, now)
      else
        await deps.contents.markRetry(
          item.chatMessageId,
          now + backoffDelay(item.attempts, deps.ids, 5_000),
          now,
        )
    }
  }
}
