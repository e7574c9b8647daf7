import { backoffDelay } from '../backoff.ts'
import type { Clock, Ids, Logger } from '../ports.ts'
import type { Write } from '../unit-of-work.ts'
import { SendFailure, type LineMessage, type Messenger } from './messenger.ts'

export interface OutboxItem {
  id: number
  lineUserId: string
  replyToken: string | null
  replyTokenExpiresAt: number | null
  retryKey: string
  messages: LineMessage[]
  attempts: number
  replyAttemptedAt: number | null
}

export interface NewOutboxItem {
  /** Makes enqueueing idempotent: the same key is enqueued once, whatever replays happen. */
  dedupeKey: string
  lineUserId: string
  replyToken: string | null
  replyTokenExpiresAt: number | null
  messages: LineMessage[]
}

export interface OutboxRepository {
  enqueue(item: NewOutboxItem & { retryKey: string; now: number }): Promise<void>
  /** The same, planned for a commit with other writes. */
  enqueueWrite(item: NewOutboxItem & { retryKey: string; now: number }): Write
  /** Claims due items (pending, or sending with an expired lease after a crash); bumps attempts. */
  claimDue(now: number, limit: number, leaseMs: number): Promise<OutboxItem[]>
  markReplyAttempted(id: number, now: number): Promise<void>
  markSent(
    id: number,
    via: 'reply' | 'push',
    requestId: string | undefined,
    now: number,
  ): Promise<void>
  markRetry(id: number, nextAttemptAt: number, error: string): Promise<void>
  markFinal(id: number, status: 'skipped' | 'failed' | 'dead', error: string): Promise<void>
  isBlocked(lineUserId: string): Promise<boolean>
  /**
   * Adds what was sent to the member's chat log (origin 'bot' unless the message was recorded at
   * enqueue, e.g. a staff reply) with how it went.
   */
  recordSent(
    id: number,
    lineUserId: string,
    messages: LineMessage[],
    now: number,
    via: 'reply' | 'push',
  ): Promise<void>
  /** After a restart of the only process using the database: what it had in flight is due again. */
  releaseInterrupted(now: number): Promise<number>
}

export interface OutboxDeps {
  outbox: OutboxRepository
  messenger: Messenger
  clock: Clock
  ids: Ids
  logger: Logger
}

export const OUTBOX_MAX_ATTEMPTS = 8
const LEASE_MS = 60_000
/** LINE calls in flight at once while delivering a batch. */
const DELIVERY_CONCURRENCY = 4

export function enqueueMessages(deps: OutboxDeps, item: NewOutboxItem): Promise<void> {
  return deps.outbox.enqueue({ ...item, retryKey: deps.ids.uuid(), now: deps.clock.now() })
}

/** Sends what is due. Returns how many items it handled, so a drain loop knows when to stop. */
export async function deliverDueMessages(
  deps: OutboxDeps,
  limit = 50,
  /** Called before each message; lets the runtime yield the thread (see processor.ts `Pace`). */
  pace?: () => Promise<void> | undefined,
): Promise<number> {
  const items = await deps.outbox.claimDue(deps.clock.now(), limit, LEASE_MS)
  // A few members' messages go out concurrently (each waits on LINE, not on the CPU); one member's
  // messages stay in order. Few, so a runtime that paces the drain (`pace`) bounds each burst.
  const byMember = new Map<string, OutboxItem[]>()
  for (const item of items) {
    const queue = byMember.get(item.lineUserId)
    if (queue) queue.push(item)
    else byMember.set(item.lineUserId, [item])
  }
  const queues = [...byMember.values()]
  let next = 0
  const sender = async () => {
    for (let queue = queues[next++]; queue; queue = queues[next++]) {
      for (const item of queue) {
        for (let wait = pace?.(); wait; wait = pace?.()) await wait
        await deliverOne(deps, item)
      }
    }
  }
  const results = await Promise.allSettled(
    Array.from({ length: Math.min(DELIVERY_CONCURRENCY, queues.length) }, sender),
  )
  for (const result of results) if (result.status === 'rejected') throw result.reason
  return items.length
}

async function deliverOne(deps: OutboxDeps, item: OutboxItem): Promise<void> {
  const { outbox, messenger, clock } = deps
  if (await outbox.isBlocked(item.lineUserId)) {
    await outbox.markFinal(item.id, 'skipped', 'member has blocked the account')
    return
  }
  if (item.replyAttemptedAt !== null && item.attempts > 1) {
    // A reply was in flight when the process stopped. Reply tokens are single use and LINE gives
    // no way to ask whether it went through, so resending could double-deliver: stop here.
    await outbox.markFinal(item.id, 'failed', 'reply outcome unknown after an interruption')
    return
  }
  const replyFresh =
    item.replyToken !== null &&
    item.replyTokenExpiresAt !== null &&
    clock.now() < item.replyTokenExpiresAt
  try {
    if (replyFresh && item.replyToken !== null) {
      await outbox.markReplyAttempted(item.id, clock.now())
      try {
        const { requestId } = await messenger.reply(item.replyToken, item.messages)
        await finishSent(deps, item, 'reply', requestId)
        return
      } catch (error) {
        if (!(error instanceof SendFailure && error.kind === 'invalid_reply_token')) throw error
      }
    }
    const { requestId } = await messenger.push(item.lineUserId, item.messages, item.retryKey)
    await finishSent(deps, item, 'push', requestId)
  } catch (error) {
    await handleFailure(deps, item, error)
  }
}

async function finishSent(
  deps: OutboxDeps,
  item: OutboxItem,
  via: 'reply' | 'push',
  requestId: string | undefined,
): Promise<void> {
  const now = deps.clock.now()
  await deps.outbox.markSent(item.id, via, requestId, now)
  await deps.outbox.recordSent(item.id, item.lineUserId, item.messages, now, via)
}

async function handleFailure(deps: OutboxDeps, item: OutboxItem, error: unknown): Promise<void> {
  const { outbox, logger } = deps
  if (!(error instanceof SendFailure)) {
    logger.error('outbox: unexpected error', { id: item.id, error: String(error) })
    await retryOrDie(deps, item, String(error))
    return
  }
  switch (error.kind) {
    case 'already_accepted':
      await finishSent(deps, item, 'push', error.requestId)
      return
    case 'retryable':
      await retryOrDie(deps, item, error.message)
      return
    case 'monthly_limit':
    case 'rejected':
    case 'invalid_reply_token':
      logger.warn('outbox: send failed', {
        id: item.id,
        kind: error.kind,
        status: error.status,
        lineRequestId: error.requestId,
      })
      await outbox.markFinal(item.id, 'failed', error.message)
      return
  }
}

async function retryOrDie(deps: OutboxDeps, item: OutboxItem, message: string): Promise<void> {
  if (item.attempts >= OUTBOX_MAX_ATTEMPTS) {
    await deps.outbox.markFinal(item.id, 'dead', message)
    return
  }
  const next = deps.clock.now() + backoffDelay(item.attempts, deps.ids, 1_000)
  await deps.outbox.markRetry(item.id, next, message)
}
