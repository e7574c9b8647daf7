import type { LineStatsStore } from '../line-stats/poll.ts'
import { broadcastUnit } from '../line-stats/units.ts'
import { backoffDelay } from '../backoff.ts'
import { couponCard } from '../coupons/chat.ts'
import { issueCoupon, type CouponDeps } from '../coupons/coupons.ts'
import { DomainError } from '../errors.ts'
import type { NewDomainEvent } from '../events/events.ts'
import type { AppLinks } from '../links.ts'
import { SendFailure, type LineMessage, type Messenger } from '../messaging/messenger.ts'
import { quotaReaderFor, type QuotaReader } from '../messaging/quota.ts'
import type { Clock, Ids, Logger } from '../ports.ts'
import type { UnitOfWork } from '../unit-of-work.ts'
import { BroadcastNotFound, QUOTA_HELD_CHUNK, QUOTA_STOPPED_MESSAGE } from './errors.ts'
import { isCouponSlot, isPersonalised, renderMessages, type RenderedMessage } from './render.ts'
import type { ContactPolicy } from '@joren/shared'
import { CAP_WINDOW_MS } from '../contact-policy/policy.ts'
import type {
  AudienceContext,
  BroadcastStore,
  ChunkOutcome,
  NewChunk,
  StoredBroadcast,
  StoredChunk,
} from './store.ts'
import { formatLineAnswer, lineAnswerInJapanese } from '../messaging/line-errors.ts'

export const MULTICAST_MAX = 500
/** A recipient whose only message was a coupon card that could not be issued. */
const NOTHING_TO_SEND_MESSAGE =
  '送れるメッセージがありませんでした（クーポンの在庫切れ・配布終了でカードを発行できませんでした）。'
/** A chunk in flight longer than this is taken to be abandoned (its sender died). */
export const CHUNK_LEASE_MS = 120_000
export const PLAN_LEASE_MS = 10 * 60_000
/** A chunk handed to the Workers queue is not enqueued again for this long (a lost message is). */
export const QUEUE_HOLD_MS = 3 * 60_000
/** Attempts (each with the client's own quick retries) before a chunk is given up as failed. */
export const MAX_CHUNK_ATTEMPTS = 8
const RENDER_PAGE = 2_000
/**
 * Member IDs frozen per statement batch: on Node a statement blocks the process, and ~100,000
 * members take ~100 ms (webhook acknowledgements must not wait behind a whole audience).
 */
export const FREEZE_MEMBERS_PER_STATEMENT = 100_000

export interface BroadcastDeps {
  store: BroadcastStore
  /** Commits a change with its audit row or domain events. */
  uow: UnitOfWork
  messenger: Messenger
  coupons: CouponDeps
  links: AppLinks
  clock: Clock
  ids: Ids
  logger: Logger
  timeZone: string
  /**
   * Hands a broadcast's due chunks (0: every broadcast's) to a sender: Node wakes its loop,
   * Workers enqueue one queue message per chunk.
   */
  dispatch(broadcastId: number): Promise<void>
  /**
   * Runs a claimed plan (runPlan) off the caller's path: Node on its broadcast sender's own
   * chain, Workers through the JOBS queue. Resolves once handed over, not when planned. A plan
   * that never runs is claimed again by startDueBroadcasts once its lease ran out.
   */
  startPlan(broadcastId: number, token: number): Promise<void>
  /** Member IDs per freeze batch (default FREEZE_MEMBERS_PER_STATEMENT). */
  membersPerStatement?: number
  /** The month's message quota, kept briefly (default: one reader per messenger). */
  quota?: QuotaReader
  /** The shop's contact policy (quiet hours, weekly cap), shared with journeys. */
  contactPolicy(): Promise<ContactPolicy>
  /** LINE's opens and clicks per aggregation unit, as the upkeep job last polled them. */
  lineStats?: Pick<LineStatsStore, 'forCampaigns'>
}

/**
 * Where a broadcast's audience is evaluated at `now`, with the contact policy's weekly cap: a
 * member who already had `weeklyCap` marketing pushes in the last 7 days is left out.
 */
export async function audienceContext(
  deps: Pick<BroadcastDeps, 'contactPolicy' | 'timeZone'>,
  now: number,
): Promise<AudienceContext> {
  const policy = await deps.contactPolicy()
  return {
    now,
    timeZone: deps.timeZone,
    frequencyCap:
      policy.weeklyCap > 0 ? { since: now - CAP_WINDOW_MS + 1, weeklyCap: policy.weeklyCap } : null,
  }
}

export function quotaOf(deps: Pick<BroadcastDeps, 'quota' | 'messenger' | 'clock' | 'logger'>) {
  return deps.quota ?? quotaReaderFor(deps.messenger, deps.clock, deps.logger)
}

/** Lets other work (webhook acknowledgements, HTTP requests) run between plan statements. */
const yieldToEventLoop = () => new Promise<void>((resolve) => setTimeout(resolve, 0))

export async function loadBroadcast(deps: BroadcastDeps, id: number): Promise<StoredBroadcast> {
  const b = await deps.store.find(id)
  if (!b) throw new BroadcastNotFound()
  return b
}

/**
 * Plans a claimed broadcast and hands its chunks to a sender: the one path every runtime runs
 * (Node's sender, the Workers queue consumer, the periodic sweep). Errors are logged, not thrown.
 */
export async function runPlan(deps: BroadcastDeps, id: number, token: number): Promise<void> {
  try {
    if (!(await planBroadcast(deps, id, token))) return
  } catch (error) {
    deps.logger.error('broadcast planning failed', { broadcastId: id, error: String(error) })
    // The lease runs out and the next sweep plans again; a bad plan does not send anything.
    return
  }
  try {
    await deps.dispatch(id)
  } catch (error) {
    // The plan is committed: the periodic sweep hands its chunks to a sender later.
    deps.logger.error('broadcast dispatch failed', { broadcastId: id, error: String(error) })
  }
}

export const SEGMENT_MISSING_MESSAGE =
  '配信先のセグメントが削除されていたため、配信できませんでした。対象を選び直して新しく配信を作成してください。'

const PLAN_CHUNK_BATCH = 500

/**
 * Freezes the audience and writes the chunks; only then does the broadcast become `sending`, so
 * a plan interrupted by a crash is simply made again (nothing of it was sent).
 *
 * `token` is this planner's claim (the locked_until it set; by default the current one). Every
 * write is guarded by it and the lease is moved on between pages, so a planner that lost its
 * claim (its lease ran out and another took over, or staff cancelled) stops without writing.
 * Returns whether this planner finished the plan.
 */
export async function planBroadcast(
  deps: BroadcastDeps,
  id: number,
  token?: number | null,
): Promise<boolean> {
  const b = await loadBroadcast(deps, id)
  if (b.status !== 'planning') return false
  let lease = token === undefined ? b.lockedUntil : token
  const lost = (): false => {
    deps.logger.warn('broadcast plan stopped: the claim was lost', { broadcastId: id })
    return false
  }
  const renew = async (): Promise<boolean> => {
    const until = deps.clock.now() + PLAN_LEASE_MS
    if (!(await deps.store.extendPlanLease(id, lease, until))) return false
    lease = until
    return true
  }
  if (!(await renew())) return lost()
  const now = deps.clock.now()
  if (!(await deps.store.audienceAvailable(b.audience))) {
    await deps.store.transition(id, ['planning'], 'failed', now, {
      error: SEGMENT_MISSING_MESSAGE,
      finishedAt: now,
      lockedUntil: null,
    })
    deps.logger.warn('broadcast failed: its segment was deleted', { broadcastId: id })
    return false
  }
  const ctx = await audienceContext(deps, now)
  const couponTitle =
    b.couponTemplateId === null ? null : await deps.store.couponTitle(b.couponTemplateId)
  const uniform = isPersonalised(b.messages)
    ? null
    : {
        messages: renderMessages(b.messages, {
          name: null,
          points: null,
          tier: null,
          coupon: couponTitle,
        }),
        retryKeyBase: deps.ids.uuid(),
        now,
      }
  // Whatever an interrupted plan wrote goes first; then the audience is frozen range by range
  // (each range one atomic batch under the claim), yielding between ranges.
  if (!(await deps.store.clearPlan(id, lease))) return lost()
  const span = await deps.store.memberIdSpan()
  const step = deps.membersPerStatement ?? FREEZE_MEMBERS_PER_STATEMENT
  for (let from = span?.lo ?? 1; span && from <= span.hi; from += step) {
    if (!(await renew())) return lost()
    const range = { fromId: from, toId: Math.min(from + step, span.hi + 1) }
    if (!(await deps.store.freezeRange(b, range, { ctx, token: lease, uniform }))) return lost()
    await yieldToEventLoop()
  }
  if (uniform) {
    if (!(await deps.store.finishPlanning(id, deps.clock.now(), lease))) return lost()
    deps.logger.info('broadcast planned', { broadcastId: id })
    // An audience of holdout members only has no chunk: done at once.
    await deps.store.finishIfDone(id, deps.clock.now())
    return true
  }
  const hasCard = b.messages.some((m) => m.type === 'coupon')
  // Identical rendered messages share multicast chunks; a coupon card is each member's own.
  const groups = new Map<
    string,
    { messages: RenderedMessage[]; to: string[]; memberIds: number[] }
  >()
  const pushes: NewChunk[] = []
  let after = 0
  for (;;) {
    if (!(await renew())) return lost()
    const page = await deps.store.recipientsPage(id, after, RENDER_PAGE)
    if (page.length === 0) break
    after = page[page.length - 1]?.memberId ?? after
    for (const r of page) {
      const messages = renderMessages(b.messages, { ...r, coupon: couponTitle })
      if (hasCard) {
        pushes.push({
          kind: 'push',
          to: [r.lineUserId],
          memberIds: [r.memberId],
          messages,
          retryKey: deps.ids.uuid(),
        })
        continue
      }
      const key = JSON.stringify(messages)
      let group = groups.get(key)
      if (!group) groups.set(key, (group = { messages, to: [], memberIds: [] }))
      group.to.push(r.lineUserId)
      group.memberIds.push(r.memberId)
    }
  }
  const chunks: NewChunk[] = [...pushes]
  for (const g of groups.values()) {
    if (g.to.length === 1) {
      chunks.push({ kind: 'push', ...g, retryKey: deps.ids.uuid() })
      continue
    }
    for (let i = 0; i < g.to.length; i += MULTICAST_MAX)
      chunks.push({
        kind: 'multicast',
        messages: g.messages,
        to: g.to.slice(i, i + MULTICAST_MAX),
        memberIds: g.memberIds.slice(i, i + MULTICAST_MAX),
        retryKey: deps.ids.uuid(),
      })
  }
  for (let i = 0; i < chunks.length; i += PLAN_CHUNK_BATCH) {
    if (!(await renew())) return lost()
    const slice = chunks.slice(i, i + PLAN_CHUNK_BATCH)
    if (!(await deps.store.insertChunks(id, slice, now, lease))) return lost()
  }
  if (!(await deps.store.finishPlanning(id, deps.clock.now(), lease))) return lost()
  deps.logger.info('broadcast planned', { broadcastId: id, chunks: chunks.length })
  if (chunks.length === 0) await deps.store.finishIfDone(id, deps.clock.now())
  return true
}

/** Scheduled broadcasts now due (and plans a crash left behind): each claimed once, then sent. */
export async function startDueBroadcasts(deps: BroadcastDeps): Promise<number> {
  const claims = await deps.store.claimForPlanning(deps.clock.now(), PLAN_LEASE_MS)
  for (const { id, token } of claims) await runPlan(deps, id, token)
  return claims.length
}

/** Claims one chunk by ID and sends it (the Workers queue consumer). */
export async function runChunk(deps: BroadcastDeps, chunkId: number): Promise<void> {
  const chunk = await deps.store.claimChunk(chunkId, deps.clock.now(), CHUNK_LEASE_MS)
  if (chunk) await deliverChunk(deps, chunk)
}

/** The recipient's coupon card: issued once per (broadcast, member) whatever the retries. */
async function fillCouponSlots(deps: BroadcastDeps, chunk: StoredChunk): Promise<LineMessage[]> {
  const out: LineMessage[] = []
  for (const message of chunk.messages) {
    if (!isCouponSlot(message)) {
      out.push(message)
      continue
    }
    const memberId = chunk.memberIds[0]
    if (chunk.kind !== 'push' || memberId === undefined) continue
    try {
      const coupon = await issueCoupon(deps.coupons, {
        templateId: message.templateId,
        memberId,
        source: 'broadcast',
        sourceRef: `broadcast:${chunk.broadcastId}`,
        dedupeKey: `broadcast:${chunk.broadcastId}:${memberId}`,
      })
      out.push(couponCard(coupon, deps.links, 'ja'))
    } catch (error) {
      // Out of stock or archived since: the message goes without the card.
      if (!(error instanceof DomainError)) throw error
      deps.logger.warn('broadcast coupon not issued', {
        broadcastId: chunk.broadcastId,
        memberId,
        reason: error.code,
      })
    }
  }
  return out
}

/** LINE accepted the chunk: one event for its recipients (never one per recipient). */
function chunkAccepted(
  chunk: StoredChunk,
  now: number,
): NewDomainEvent<'broadcast.chunk_accepted'> {
  return {
    type: 'broadcast.chunk_accepted',
    memberId: null,
    data: { broadcastId: chunk.broadcastId, chunkId: chunk.id, recipients: chunk.memberIds.length },
    occurredAt: now,
    // A chunk sent again (a lost lease, a crash before its commit: LINE answers 409) records none.
    dedupeKey: `broadcast.chunk_accepted:${chunk.id}`,
  }
}

/**
 * The chunk and its recipients are sent (or failed for good) in one commit; a sent chunk's
 * `broadcast.chunk_accepted` event commits with them.
 */
async function completeChunk(
  deps: BroadcastDeps,
  chunk: StoredChunk,
  outcome: ChunkOutcome,
): Promise<void> {
  const now = deps.clock.now()
  const writes = deps.store.completeChunkWrites(chunk, outcome, now)
  if (outcome.status === 'sent') writes.push(deps.uow.event(chunkAccepted(chunk, now)))
  await deps.uow.commit(writes)
}

/**
 * A chunk's last attempt left LINE's answer for it unknown unless it was never sent or LINE
 * refused it at the monthly limit: only then may it be cut in two under new retry keys (a request
 * LINE may have accepted keeps its key, so a resend is answered 409 and never delivered twice).
 */
function neverAccepted(chunk: StoredChunk): boolean {
  return chunk.attempts <= 1 || chunk.lastError === QUOTA_HELD_CHUNK
}

/** The chunk's recipients go to LINE in one request (a coupon card is filled in first). */
async function send(deps: BroadcastDeps, chunk: StoredChunk, messages: LineMessage[]) {
  // One aggregation unit per broadcast: LINE counts its opens and clicks across every chunk.
  const aggregationUnit = broadcastUnit(chunk.broadcastId)
  return chunk.kind === 'multicast'
    ? deps.messenger.multicast(chunk.to, messages, chunk.retryKey, { aggregationUnit })
    : deps.messenger.push(chunk.to[0] ?? '', messages, chunk.retryKey, {
        priority: 'bulk',
        aggregationUnit,
      })
}

const asFailure = (error: unknown): SendFailure =>
  error instanceof SendFailure
    ? error
    : new SendFailure('retryable', error instanceof Error ? error.message : String(error))

/** The month's quota is used up: the broadcast stops until staff resume it (never a loop). */
async function stopAtQuota(deps: BroadcastDeps, broadcastId: number): Promise<void> {
  if (
    await deps.store.transition(broadcastId, ['sending'], 'quota_stopped', deps.clock.now(), {
      error: QUOTA_STOPPED_MESSAGE,
    })
  )
    deps.logger.warn('broadcast stopped at the monthly limit', { broadcastId })
}

/**
 * LINE refused a chunk at the monthly limit (it refuses a whole request that does not fit what is
 * left, and its usage figure can lag behind): the chunk is split once — the part that fits LINE's
 * fresh figure (at most half) is tried once more — and the broadcast stops either way. The rest
 * stays pending for staff to resume; nothing is retried in a loop.
 */
async function afterMonthlyLimit(
  deps: BroadcastDeps,
  chunk: StoredChunk,
  messages: LineMessage[],
  failure: SendFailure,
): Promise<void> {
  const quota = quotaOf(deps)
  quota.invalidate()
  const size = chunk.memberIds.length
  let released = false
  if (size > 1) {
    const fresh = await quota.read({ fresh: true })
    const half = Math.floor(size / 2)
    const keep = fresh.remaining === null ? half : Math.min(half, fresh.remaining)
    const first =
      keep > 0
        ? await deps.store.splitChunk(
            { ...chunk, lastError: QUOTA_HELD_CHUNK },
            keep,
            [deps.ids.uuid(), deps.ids.uuid()],
            deps.clock.now(),
          )
        : null
    if (first) {
      deps.logger.warn('broadcast chunk refused at the monthly limit: split once', {
        broadcastId: chunk.broadcastId,
        chunkId: chunk.id,
        recipients: size,
        retried: keep,
      })
      try {
        const result = await send(deps, first, messages)
        quota.consumed(keep)
        await completeChunk(deps, first, { status: 'sent', requestId: result.requestId })
      } catch (error) {
        const again = asFailure(error)
        if (again.kind === 'already_accepted')
          await completeChunk(deps, first, { status: 'sent', requestId: again.requestId })
        else
          await deps.store.releaseChunk(
            first.id,
            deps.clock.now(),
            again.kind === 'monthly_limit' ? QUOTA_HELD_CHUNK : again.message,
          )
      }
      released = true
    }
  }
  if (!released) await deps.store.releaseChunk(chunk.id, deps.clock.now(), QUOTA_HELD_CHUNK)
  deps.logger.warn('LINE answered monthly limit', {
    broadcastId: chunk.broadcastId,
    error: failure.message,
  })
  await stopAtQuota(deps, chunk.broadcastId)
}

/**
 * Sends one claimed chunk with its stored retry key. Under a monthly limit the chunk is first
 * sized to what is left of the quota (the chunk is cut, the rest waits): a send over the remainder
 * delivers exactly the remainder, in chunk order (the plan's order), then stops as quota_stopped;
 * with nothing left the chunk is not sent at all. 200 or 409 (accepted before) → sent;
 * 5xx / timeouts / rate-limit 429s → due again later with the same key; LINE's monthly limit →
 * split once (afterMonthlyLimit), then quota_stopped; other 4xx → failed.
 */
export async function deliverChunk(deps: BroadcastDeps, claimed: StoredChunk): Promise<void> {
  const { store } = deps
  const quota = quotaOf(deps)
  let chunk = claimed
  let reserved = 0
  let messages: LineMessage[] = []
  try {
    const size = chunk.memberIds.length
    const granted = await quota.reserve(size)
    if (granted !== null) {
      reserved = granted
      if (granted === 0) {
        await store.releaseChunk(
          chunk.id,
          deps.clock.now(),
          neverAccepted(chunk) ? QUOTA_HELD_CHUNK : (chunk.lastError ?? null),
        )
        await stopAtQuota(deps, chunk.broadcastId)
        return
      }
      if (granted < size && neverAccepted(chunk)) {
        const first = await store.splitChunk(
          chunk,
          granted,
          [deps.ids.uuid(), deps.ids.uuid()],
          deps.clock.now(),
        )
        if (!first) {
          // Another sender took the chunk over (our lease ran out): it is theirs now.
          quota.release(reserved)
          return
        }
        chunk = first
      } else if (granted < size) {
        // LINE may have this request under its key already: it is sent whole (a refusal follows
        // if it does not fit), never cut.
        quota.release(granted)
        reserved = 0
      }
    }
    messages = await fillCouponSlots(deps, chunk)
    if (messages.length === 0) {
      quota.release(reserved)
      await completeChunk(deps, chunk, { status: 'failed', error: NOTHING_TO_SEND_MESSAGE })
    } else {
      const result = await send(deps, chunk, messages)
      await completeChunk(deps, chunk, { status: 'sent', requestId: result.requestId })
      // Sized to what was left: nothing remains this month, the rest waits for staff.
      if (chunk !== claimed) await stopAtQuota(deps, chunk.broadcastId)
    }
  } catch (error) {
    const failure = asFailure(error)
    if (failure.kind !== 'already_accepted') quota.release(reserved)
    const now = deps.clock.now()
    switch (failure.kind) {
      case 'already_accepted':
        await completeChunk(deps, chunk, { status: 'sent', requestId: failure.requestId })
        break
      case 'monthly_limit':
        await afterMonthlyLimit(deps, chunk, messages, failure)
        return
      case 'refused':
      case 'retryable':
      case 'invalid_reply_token':
        if (chunk.attempts >= MAX_CHUNK_ATTEMPTS) {
          await completeChunk(deps, chunk, {
            status: 'failed',
            error: lineAnswerInJapanese(formatLineAnswer(failure.status, failure.message)) ?? '',
          })
          break
        }
        await store.releaseChunk(
          chunk.id,
          now + backoffDelay(chunk.attempts, deps.ids, 1_000, 60_000),
          failure.message,
        )
        return
      case 'rejected':
        await completeChunk(deps, chunk, {
          status: 'failed',
          error: lineAnswerInJapanese(formatLineAnswer(failure.status, failure.message)) ?? '',
        })
        break
    }
  }
  await store.finishIfDone(chunk.broadcastId, deps.clock.now())
}
