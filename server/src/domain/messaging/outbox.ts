import type { DeliveryProblem } from '@joren/shared'
import { backoffDelay } from '../backoff.ts'
import { formatLineAnswer } from './line-errors.ts'
import { paced, type Clock, type Ids, type Logger, type Pace } from '../ports.ts'
import type { Write } from '../unit-of-work.ts'
import { SendFailure, type LineMessage, type Messenger } from './messenger.ts'
import {
  decidePushFallback,
  type MonthlyLimitMemo,
  type PushFallbackInput,
} from './push-fallback.ts'

export interface OutboxItem {
  id: number
  lineUserId: string
  replyToken: string | null
  replyTokenExpiresAt: number | null
  retryKey: string
  messages: LineMessage[]
  attempts: number
  /** Set before each reply attempt; cleared when LINE refused it (nothing can have gone). */
  replyAttemptedAt: number | null
  /** Claimed after its lease ran out or at a restart: a previous run stopped while holding it. */
  interrupted: boolean
  /** Its reply could not be used and it goes by push from now on (attempts count the pushes). */
  pushing: boolean
  /**
   * Written by staff (a reply or a resend; see STAFF_MESSAGE_KEY_PREFIXES): when its reply cannot
   * be used it fails and staff decide whether to resend it as a push — never pushed automatically.
   */
  fromStaff: boolean
  /** The customAggregationUnits name its push carries (a journey step's); null: none. */
  aggregationUnit?: string | null
}

/** Dedupe-key prefixes of messages staff wrote (recorded in the thread when queued). */
export const STAFF_REPLY_KEY_PREFIX = 'staff-reply:'
export const STAFF_RESEND_KEY_PREFIX = 'staff-resend:'
export const isStaffMessageKey = (dedupeKey: string): boolean =>
  dedupeKey.startsWith(STAFF_REPLY_KEY_PREFIX) || dedupeKey.startsWith(STAFF_RESEND_KEY_PREFIX)

/** How a message did not go, as stored: with LINE's answer when LINE gave one. */
export type UndeliveredProblem = Pick<DeliveryProblem, 'state' | 'reason'> & {
  /** LINE's answer (formatLineAnswer: "<status> <message>"), or null. */
  detail?: string | null
}

export interface NewOutboxItem {
  /** Makes enqueueing idempotent: the same key is enqueued once, whatever replays happen. */
  dedupeKey: string
  lineUserId: string
  replyToken: string | null
  replyTokenExpiresAt: number | null
  messages: LineMessage[]
  /** For LINE's per-unit statistics (pushes only; replies carry none). */
  aggregationUnit?: string | null
}

export interface OutboxRepository {
  enqueue(item: NewOutboxItem & { retryKey: string; now: number }): Promise<void>
  /** The same, planned for a commit with other writes. */
  enqueueWrite(item: NewOutboxItem & { retryKey: string; now: number }): Write
  /** Many items in one statement (a scheduler's batch), each once per dedupe key. */
  enqueueManyWrite(items: readonly (NewOutboxItem & { retryKey: string; now: number })[]): Write
  /**
   * Claims due items and bumps their attempts: first those a stopped run left holding (expired
   * lease), then replies whose token is fresh, the one expiring first first, then the rest.
   */
  claimDue(
    now: number,
    limit: number,
    leaseMs: number,
    /** `interrupted: false` skips the expired leases (a continuous claimer checks now and then). */
    options?: { interrupted?: boolean },
  ): Promise<OutboxItem[]>
  markReplyAttempted(id: number, now: number): Promise<void>
  /**
   * The reply cannot be used (nothing of it went): the item goes by push from now on, and this
   * attempt is its first push attempt.
   */
  switchToPush(id: number): Promise<void>
  /**
   * LINE accepted the item: marks it sent and adds what was sent to the member's chat log (origin
   * 'bot' unless the message was recorded at enqueue, e.g. a staff reply), in one commit.
   */
  markSent(
    item: Pick<OutboxItem, 'id' | 'lineUserId' | 'messages'>,
    via: 'reply' | 'push',
    requestId: string | undefined,
    now: number,
  ): Promise<void>
  /**
   * Due again at `nextAttemptAt`. `forgetReply`: LINE refused the reply before processing it, so
   * it cannot have been delivered (a later claim has no doubt about it).
   */
  markRetry(
    id: number,
    nextAttemptAt: number,
    error: string,
    options?: { forgetReply?: boolean },
  ): Promise<void>
  markFinal(
    id: number,
    status: 'skipped' | 'failed' | 'dead' | 'unknown',
    error: string,
  ): Promise<void>
  isBlocked(lineUserId: string): Promise<boolean>
  /** Messages that did not simply go, in the chat log: staff see "delivery unknown" or "failed". */
  recordUndelivered(
    id: number,
    lineUserId: string,
    messages: LineMessage[],
    now: number,
    problem: UndeliveredProblem,
  ): Promise<void>
  /** After a restart of the only process using the database: what it had in flight is due again. */
  releaseInterrupted(now: number): Promise<number>
  /** When the next pending item is due (null: none pending). */
  nextDueAt(): Promise<number | null>
}

export interface OutboxDeps {
  outbox: OutboxRepository
  messenger: Messenger
  clock: Clock
  ids: Ids
  logger: Logger
  /** LINE's last "monthly limit" answer (per process); automatic fallbacks stop while it holds. */
  monthlyLimit?: MonthlyLimitMemo
  /** The decision on billed pushes in place of replies (default: decidePushFallback). */
  pushFallback?: (input: PushFallbackInput) => ReturnType<typeof decidePushFallback>
  /**
   * Awaited when LINE's answer arrives, before its outcome is written: on Node the many sends in
   * flight take turns with requests for the thread, like every other background step.
   */
  pace?: Pace
}

export const OUTBOX_MAX_ATTEMPTS = 8
export const OUTBOX_LEASE_MS = 60_000
/**
 * LINE calls in flight at once while a batch is delivered (Workers: an invocation may hold at most
 * six connections). Node delivers continuously instead (outbox-sender.ts).
 */
const BATCH_CONCURRENCY = 6
/** Reply retries come quickly (the token expires): 250 ms, 500 ms, 1 s, then every ~2 s. */
const REPLY_RETRY_BASE_MS = 250
const REPLY_RETRY_CAP_MS = 2_000

export function enqueueMessages(deps: OutboxDeps, item: NewOutboxItem): Promise<void> {
  return deps.outbox.enqueue({ ...item, retryKey: deps.ids.uuid(), now: deps.clock.now() })
}

/**
 * Sends what is due, a batch at a time (Workers, tools, tests). Returns how many items it handled,
 * so a drain loop knows when to stop.
 */
export async function deliverDueMessages(
  deps: OutboxDeps,
  limit = 50,
  /** Called before each message; lets the runtime yield the thread (see processor.ts `Pace`). */
  pace?: () => Promise<void> | undefined,
): Promise<number> {
  const items = await deps.outbox.claimDue(deps.clock.now(), limit, OUTBOX_LEASE_MS)
  // A few members' messages go out concurrently (each waits on LINE, not on the CPU); one member's
  // messages stay in order.
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
        await pace?.()
        await deliverOne(deps, item)
      }
    }
  }
  const results = await Promise.allSettled(
    Array.from({ length: Math.min(BATCH_CONCURRENCY, queues.length) }, sender),
  )
  for (const result of results) if (result.status === 'rejected') throw result.reason
  return items.length
}

/** Why an earlier reply attempt of an item may have been delivered. */
type Doubt = 'reply_in_doubt' | 'interrupted'

/**
 * Delivers one claimed item under the reply policy:
 *
 * - A reply goes while its token is fresh. LINE takes no retry key on replies, so what a failure
 *   means depends on whether LINE can have processed the call:
 *   - refused before processing (rate-limit 429, connection refused): nothing went; try the reply
 *     again while the token is fresh, then fall back to a push (with the row's retry key);
 *   - a 5xx, a timeout or a lost connection: it may have gone. Try the reply again while the token
 *     is fresh: a delivered one answers 400 "Invalid reply token" (the token is used), which then
 *     means *maybe delivered* — the row ends 'unknown' (shown to staff), never pushed, since a
 *     push could deliver it twice. A token that goes stale while in doubt ends the same way;
 *   - a process that stopped with a reply in flight (a crash) leaves the same doubt: the reply
 *     is tried again while fresh, else the row ends 'unknown' as interrupted.
 * - "Invalid reply token" without any doubt (stale, or used by someone else): fall back to a push.
 * - Fallback pushes go through one decision (decidePushFallback): blocked members are never
 *   messaged, a used-up monthly quota is not asked again, and the shop's switches are obeyed.
 * - Pushes carry the row's retry key, so a retry after a timeout is recognised by LINE (409).
 */
export async function deliverOne(deps: OutboxDeps, item: OutboxItem): Promise<void> {
  const { outbox, messenger, clock } = deps
  const blocked = await outbox.isBlocked(item.lineUserId)
  if (blocked) {
    // Staff see their own message as not sent (it is in the thread since it was queued).
    if (item.fromStaff)
      await outbox.recordUndelivered(item.id, item.lineUserId, item.messages, clock.now(), {
        state: 'failed',
        reason: 'blocked',
      })
    await outbox.markFinal(item.id, 'skipped', 'member has blocked the account')
    return
  }
  const doubt: Doubt | null =
    item.replyAttemptedAt === null ? null : item.interrupted ? 'interrupted' : 'reply_in_doubt'
  let cause: PushFallbackInput['cause'] | null = null
  /** LINE's answer to the last reply attempt, if any. */
  let lastAnswer: string | null = null
  if (item.replyToken !== null && !item.pushing) {
    if (tokenFresh(item, clock.now())) {
      await outbox.markReplyAttempted(item.id, clock.now())
      try {
        const { requestId } = await answered(deps, messenger.reply(item.replyToken, item.messages))
        await finishSent(deps, item, 'reply', requestId)
        return
      } catch (error) {
        const failure = asSendFailure(error)
        lastAnswer = formatLineAnswer(failure.status, failure.message)
        switch (failure.kind) {
          case 'invalid_reply_token':
            if (doubt) return await deliveryUnknown(deps, item, doubt, failure.message)
            cause = 'token_invalid'
            break
          case 'refused':
          case 'retryable': {
            const inDoubt = doubt ?? (failure.kind === 'retryable' ? 'reply_in_doubt' : null)
            const next = clock.now() + replyRetryDelay(deps, item.attempts)
            if (tokenFresh(item, next)) {
              await outbox.markRetry(item.id, next, failure.message, { forgetReply: !inDoubt })
              return
            }
            if (inDoubt) return await deliveryUnknown(deps, item, inDoubt, failure.message)
            cause = 'token_stale'
            break
          }
          default:
            return await failed(deps, item, failure)
        }
      }
    } else {
      if (doubt) return await deliveryUnknown(deps, item, doubt, 'reply token expired')
      cause = 'token_stale'
    }
  }
  let pushItem = item
  if (cause !== null && item.fromStaff) {
    // Nothing went; a push costs a message, so staff decide (the thread offers the resend).
    await outbox.recordUndelivered(item.id, item.lineUserId, item.messages, clock.now(), {
      state: 'failed',
      reason: 'reply_token',
      detail: lastAnswer,
    })
    await outbox.markFinal(
      item.id,
      'failed',
      `staff reply not sent: ${cause === 'token_stale' ? 'reply token expired' : 'reply token refused'}${lastAnswer ? ` (${lastAnswer})` : ''}`,
    )
    return
  }
  if (cause !== null) {
    // Nothing of the reply went: a billed push in its place, if allowed.
    const decision = (deps.pushFallback ?? decidePushFallback)({
      cause,
      blocked,
      monthlyLimitReached: deps.monthlyLimit?.reached(clock.now()) ?? false,
    })
    if (!decision.push) {
      const message = `no push in place of the reply: ${decision.reason}`
      if (decision.status === 'failed')
        await outbox.recordUndelivered(item.id, item.lineUserId, item.messages, clock.now(), {
          state: 'failed',
          reason: decision.reason === 'monthly_limit' ? 'monthly_limit' : 'not_allowed',
        })
      await outbox.markFinal(item.id, decision.status, message)
      return
    }
    await outbox.switchToPush(item.id)
    pushItem = { ...item, pushing: true, replyAttemptedAt: null, attempts: 1 }
  }
  try {
    const { requestId } = await answered(
      deps,
      messenger.push(
        item.lineUserId,
        item.messages,
        item.retryKey,
        item.aggregationUnit ? { aggregationUnit: item.aggregationUnit } : undefined,
      ),
    )
    await finishSent(deps, item, 'push', requestId)
  } catch (error) {
    await pushFailed(deps, pushItem, asSendFailure(error))
  }
}

/** LINE's answer (or failure), once the pace lets its outcome be written. */
async function answered<T>(deps: OutboxDeps, call: Promise<T>): Promise<T> {
  try {
    return await call
  } finally {
    await paced(deps.pace)
  }
}

function tokenFresh(item: OutboxItem, at: number): boolean {
  return (
    item.replyToken !== null && item.replyTokenExpiresAt !== null && at < item.replyTokenExpiresAt
  )
}

function replyRetryDelay(deps: OutboxDeps, attempts: number): number {
  return backoffDelay(attempts, deps.ids, REPLY_RETRY_BASE_MS, REPLY_RETRY_CAP_MS)
}

function asSendFailure(error: unknown): SendFailure {
  if (error instanceof SendFailure) return error
  return new SendFailure('retryable', error instanceof Error ? error.message : String(error))
}

async function finishSent(
  deps: OutboxDeps,
  item: OutboxItem,
  via: 'reply' | 'push',
  requestId: string | undefined,
): Promise<void> {
  const now = deps.clock.now()
  await deps.outbox.markSent(item, via, requestId, now)
}

/** Maybe delivered: never resent; staff see it in the member's thread. */
async function deliveryUnknown(
  deps: OutboxDeps,
  item: OutboxItem,
  doubt: Doubt,
  detail: string,
): Promise<void> {
  const now = deps.clock.now()
  deps.logger.warn('outbox: reply outcome unknown', { id: item.id, doubt })
  // The thread first: a stop in between leaves the row to be settled again, never unseen.
  await deps.outbox.recordUndelivered(item.id, item.lineUserId, item.messages, now, {
    state: 'unknown',
    reason: doubt,
  })
  await deps.outbox.markFinal(
    item.id,
    'unknown',
    doubt === 'interrupted'
      ? `reply outcome unknown after a crash (${detail})`
      : `reply outcome unknown: LINE answered an error after the reply may have been delivered (${detail})`,
  )
}

async function failed(deps: OutboxDeps, item: OutboxItem, failure: SendFailure): Promise<void> {
  deps.logger.warn('outbox: send failed', {
    id: item.id,
    kind: failure.kind,
    status: failure.status,
    lineRequestId: failure.requestId,
  })
  if (failure.kind === 'monthly_limit') deps.monthlyLimit?.note(deps.clock.now())
  await deps.outbox.recordUndelivered(item.id, item.lineUserId, item.messages, deps.clock.now(), {
    state: 'failed',
    reason: failure.kind === 'monthly_limit' ? 'monthly_limit' : 'rejected',
    detail: formatLineAnswer(failure.status, failure.message),
  })
  await deps.outbox.markFinal(item.id, 'failed', failure.message)
}

async function pushFailed(deps: OutboxDeps, item: OutboxItem, failure: SendFailure): Promise<void> {
  switch (failure.kind) {
    case 'already_accepted':
      await finishSent(deps, item, 'push', failure.requestId)
      return
    case 'refused':
    case 'retryable':
      if (item.attempts >= OUTBOX_MAX_ATTEMPTS) {
        await deps.outbox.recordUndelivered(
          item.id,
          item.lineUserId,
          item.messages,
          deps.clock.now(),
          {
            state: 'failed',
            reason: 'gave_up',
            detail: formatLineAnswer(failure.status, failure.message),
          },
        )
        await deps.outbox.markFinal(item.id, 'dead', failure.message)
        return
      }
      await deps.outbox.markRetry(
        item.id,
        deps.clock.now() + backoffDelay(item.attempts, deps.ids, 1_000),
        failure.message,
      )
      return
    default:
      await failed(deps, item, failure)
  }
}
