import {
  isInQuietHours,
  type Broadcast,
  type BroadcastAttribution,
  type BroadcastDraftParsed,
  type BroadcastEstimate,
  type BroadcastProgress,
  type BroadcastResult,
  type ComposerMessage,
} from '@joren/shared'
import { backoffDelay } from '../backoff.ts'
import { couponCard } from '../coupons/chat.ts'
import { issueCoupon, type CouponDeps } from '../coupons/coupons.ts'
import { DomainError } from '../errors.ts'
import type { AppLinks } from '../links.ts'
import { SendFailure, type LineMessage, type Messenger } from '../messaging/messenger.ts'
import type { Clock, Ids, Logger } from '../ports.ts'
import {
  BroadcastEmptyAudience,
  BroadcastInvalidMessages,
  BroadcastInvalidTransition,
  BroadcastNotEditable,
  BroadcastNotFound,
  BroadcastOverQuota,
  BroadcastSegmentMissing,
  QUOTA_STOPPED_MESSAGE,
} from './errors.ts'
import {
  isCouponSlot,
  isPersonalised,
  LINE_TEXT_MAX,
  maxRenderedLength,
  renderMessages,
  type RenderedMessage,
} from './render.ts'
import type { BroadcastStore, NewChunk, StoredBroadcast, StoredChunk } from './store.ts'

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
}

/** Lets other work (webhook acknowledgements, HTTP requests) run between plan statements. */
const yieldToEventLoop = () => new Promise<void>((resolve) => setTimeout(resolve, 0))

export function toView(b: StoredBroadcast): Broadcast {
  return {
    id: b.id,
    title: b.title,
    status: b.status,
    audience: b.audience,
    scheduledAt: b.scheduledAt,
    createdAt: b.createdAt,
    startedAt: b.startedAt,
    finishedAt: b.finishedAt,
    recipientCount: b.recipientCount,
    messages: b.messages,
    holdoutPercent: b.holdoutPercent,
    attributionDays: b.attributionDays,
    error: b.error,
  }
}

async function load(deps: BroadcastDeps, id: number): Promise<StoredBroadcast> {
  const b = await deps.store.find(id)
  if (!b) throw new BroadcastNotFound()
  return b
}

/** LINE's limits the composer schema cannot see: text after expansion, an issuable coupon. */
async function assertSendable(deps: BroadcastDeps, messages: ComposerMessage[]): Promise<void> {
  for (const [i, m] of messages.entries()) {
    if (m.type === 'text' && maxRenderedLength(m.text) > LINE_TEXT_MAX)
      throw new BroadcastInvalidMessages(
        `差し込み後の本文が LINE の上限（5,000文字）を超えるおそれがあります。本文を短くしてください。`,
        `messages.${i}.text`,
      )
    if (m.type === 'coupon') {
      const template = await deps.coupons.coupons.findTemplate(m.templateId)
      if (!template || template.status !== 'active')
        throw new BroadcastInvalidMessages(
          'クーポンが見つからないか、配布を終了しています。',
          `messages.${i}.templateId`,
        )
    }
  }
}

export async function createBroadcast(
  deps: BroadcastDeps,
  draft: BroadcastDraftParsed,
  staffId: number,
): Promise<StoredBroadcast> {
  await assertSendable(deps, draft.messages)
  return deps.store.create(draft, staffId, deps.clock.now())
}

export async function updateBroadcast(
  deps: BroadcastDeps,
  id: number,
  draft: BroadcastDraftParsed,
): Promise<StoredBroadcast> {
  await load(deps, id)
  await assertSendable(deps, draft.messages)
  const updated = await deps.store.update(id, draft, deps.clock.now())
  if (!updated) throw new BroadcastNotEditable()
  return updated
}

/** Recipients, holdout, billing and quota before a send (LINE bills one message per recipient). */
export async function estimateBroadcast(
  deps: BroadcastDeps,
  b: Pick<StoredBroadcast, 'id' | 'audience' | 'holdoutPercent' | 'scheduledAt'>,
): Promise<BroadcastEstimate> {
  const now = deps.clock.now()
  const [counts, quota] = await Promise.all([
    deps.store.countAudience(
      b.audience,
      { broadcastId: b.id, percent: b.holdoutPercent },
      { now, timeZone: deps.timeZone },
    ),
    deps.messenger.messageQuota(),
  ])
  const recipients = counts.audience - counts.holdout
  const remaining = quota.limit === null ? null : Math.max(0, quota.limit - quota.used)
  const at = b.scheduledAt !== null && b.scheduledAt > now ? b.scheduledAt : now
  const localTime = new Intl.DateTimeFormat('ja-JP', {
    timeZone: deps.timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(at))
  return {
    audience: counts.audience,
    holdout: counts.holdout,
    recipients,
    billedMessages: recipients,
    quota: { type: quota.type, limit: quota.limit, used: quota.used, remaining },
    needsConfirm: remaining !== null && recipients > remaining,
    quietHoursWarning: isInQuietHours(at, deps.timeZone)
      ? {
          localTime,
          message: `配信開始が深夜・早朝（${localTime}）です。お客様の迷惑にならない時間帯（8:00〜21:00）をおすすめします。`,
        }
      : null,
  }
}

/**
 * Send now or, with a future scheduledAt, schedule. Over the remaining monthly quota it needs
 * `confirmOverQuota`. The audience is frozen when the send starts, not when it is scheduled: a
 * send now only claims the plan (→ planning) and hands it to deps.startPlan, so the request
 * returns at once while the plan runs in the background (the console polls progress).
 */
export async function sendBroadcast(
  deps: BroadcastDeps,
  id: number,
  options: { confirmOverQuota: boolean },
): Promise<StoredBroadcast> {
  const b = await load(deps, id)
  if (b.status !== 'draft') throw new BroadcastInvalidTransition('送信', b.status)
  if (!(await deps.store.audienceAvailable(b.audience))) throw new BroadcastSegmentMissing()
  await assertWithinQuota(deps, b, options.confirmOverQuota)
  const now = deps.clock.now()
  if (b.scheduledAt !== null && b.scheduledAt > now) {
    if (!(await deps.store.transition(id, ['draft'], 'scheduled', now)))
      throw new BroadcastInvalidTransition('予約', b.status)
    return load(deps, id)
  }
  const token = now + PLAN_LEASE_MS
  if (!(await deps.store.transition(id, ['draft'], 'planning', now, { lockedUntil: token })))
    throw new BroadcastInvalidTransition('送信', b.status)
  const claimed = await load(deps, id)
  try {
    await deps.startPlan(id, token)
  } catch (error) {
    // The claim stays: once its lease runs out the periodic sweep plans it (nothing was sent).
    deps.logger.error('broadcast plan could not be started', {
      broadcastId: id,
      error: String(error),
    })
  }
  return claimed
}

/**
 * The send's checks without counting the whole audience: someone to send to (the count stops at
 * one) and, under a monthly limit, no more recipients than remain (it stops just past the
 * remainder; the full count only for the refusal's message).
 */
async function assertWithinQuota(
  deps: BroadcastDeps,
  b: StoredBroadcast,
  confirmOverQuota: boolean,
): Promise<void> {
  const ctx = { now: deps.clock.now(), timeZone: deps.timeZone }
  const holdout = { broadcastId: b.id, percent: b.holdoutPercent }
  const quota = await deps.messenger.messageQuota()
  const remaining = quota.limit === null ? null : Math.max(0, quota.limit - quota.used)
  const upTo = remaining === null || confirmOverQuota ? 1 : remaining + 1
  const recipients = await deps.store.countRecipients(b.audience, holdout, ctx, Math.max(1, upTo))
  if (recipients === 0) throw new BroadcastEmptyAudience()
  if (remaining !== null && !confirmOverQuota && recipients > remaining) {
    const all = await deps.store.countRecipients(b.audience, holdout, ctx, Infinity)
    throw new BroadcastOverQuota(all, remaining)
  }
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
  const b = await load(deps, id)
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
  const ctx = { now, timeZone: deps.timeZone }
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

/**
 * Sends one claimed chunk with its stored retry key. 200 or 409 (accepted before) → sent;
 * 5xx / timeouts / rate-limit 429s → due again later with the same key; the monthly limit →
 * the broadcast stops as quota_stopped (the chunk stays pending for a resume); other 4xx → failed.
 */
export async function deliverChunk(deps: BroadcastDeps, chunk: StoredChunk): Promise<void> {
  const { store } = deps
  try {
    const messages = await fillCouponSlots(deps, chunk)
    if (messages.length === 0) {
      await store.completeChunk(
        chunk,
        { status: 'failed', error: NOTHING_TO_SEND_MESSAGE },
        deps.clock.now(),
      )
      return
    }
    const result =
      chunk.kind === 'multicast'
        ? await deps.messenger.multicast(chunk.to, messages, chunk.retryKey)
        : await deps.messenger.push(chunk.to[0] ?? '', messages, chunk.retryKey, {
            priority: 'bulk',
          })
    await store.completeChunk(
      chunk,
      { status: 'sent', requestId: result.requestId },
      deps.clock.now(),
    )
  } catch (error) {
    const failure =
      error instanceof SendFailure
        ? error
        : new SendFailure('retryable', error instanceof Error ? error.message : String(error))
    const now = deps.clock.now()
    switch (failure.kind) {
      case 'already_accepted':
        await store.completeChunk(chunk, { status: 'sent', requestId: failure.requestId }, now)
        break
      case 'monthly_limit':
        await store.releaseChunk(chunk.id, now, failure.message)
        if (
          await store.transition(chunk.broadcastId, ['sending'], 'quota_stopped', now, {
            error: QUOTA_STOPPED_MESSAGE,
          })
        )
          deps.logger.warn('broadcast stopped at the monthly limit', {
            broadcastId: chunk.broadcastId,
          })
        return
      case 'refused':
      case 'retryable':
      case 'invalid_reply_token':
        if (chunk.attempts >= MAX_CHUNK_ATTEMPTS) {
          await store.completeChunk(
            chunk,
            { status: 'failed', error: `LINE が応答しませんでした（${failure.message}）` },
            now,
          )
          break
        }
        await store.releaseChunk(
          chunk.id,
          now + backoffDelay(chunk.attempts, deps.ids, 1_000, 60_000),
          failure.message,
        )
        return
      case 'rejected':
        await store.completeChunk(
          chunk,
          { status: 'failed', error: `LINE が受け付けませんでした: ${failure.message}` },
          now,
        )
        break
    }
  }
  await store.finishIfDone(chunk.broadcastId, deps.clock.now())
}

export async function pauseBroadcast(deps: BroadcastDeps, id: number): Promise<StoredBroadcast> {
  const b = await load(deps, id)
  if (!(await deps.store.transition(id, ['sending'], 'paused', deps.clock.now())))
    throw new BroadcastInvalidTransition('一時停止', b.status)
  return load(deps, id)
}

export async function resumeBroadcast(deps: BroadcastDeps, id: number): Promise<StoredBroadcast> {
  const b = await load(deps, id)
  const now = deps.clock.now()
  if (
    !(await deps.store.transition(id, ['paused', 'quota_stopped'], 'sending', now, { error: null }))
  )
    throw new BroadcastInvalidTransition('再開', b.status)
  await deps.store.finishIfDone(id, now)
  await deps.dispatch(id)
  return load(deps, id)
}

export async function cancelBroadcast(deps: BroadcastDeps, id: number): Promise<StoredBroadcast> {
  const b = await load(deps, id)
  const now = deps.clock.now()
  if (
    !(await deps.store.transition(
      id,
      // From planning too: a stuck plan can be stopped (its planner's guarded writes then fail).
      ['draft', 'scheduled', 'planning', 'sending', 'paused', 'quota_stopped'],
      'cancelled',
      now,
      { finishedAt: now, lockedUntil: null },
    ))
  )
    throw new BroadcastInvalidTransition('中止', b.status)
  await deps.store.cancelPendingChunks(id)
  return load(deps, id)
}

export async function broadcastProgress(
  deps: BroadcastDeps,
  id: number,
): Promise<BroadcastProgress> {
  const b = await load(deps, id)
  const p = await deps.store.progress(id)
  return {
    status: b.status,
    error: b.error,
    startedAt: b.startedAt,
    finishedAt: b.finishedAt,
    ...p,
  }
}

export async function broadcastResult(deps: BroadcastDeps, id: number): Promise<BroadcastResult> {
  const b = await load(deps, id)
  const r = await deps.store.result(id)
  return { status: b.status, startedAt: b.startedAt, finishedAt: b.finishedAt, ...r }
}

export async function broadcastAttribution(
  deps: BroadcastDeps,
  id: number,
): Promise<BroadcastAttribution> {
  const b = await load(deps, id)
  const a = await deps.store.attribution(b)
  const rc = a.recipients.conversion
  const hc = a.holdout.conversion
  return {
    days: b.attributionDays,
    ...a,
    lift: rc === null || hc === null || a.holdout.members === 0 ? null : rc - hc,
    relativeLift: rc === null || hc === null || hc === 0 ? null : rc / hc - 1,
  }
}

/** Sends the rendered messages (with the staff member's own values) by push; no coupon is issued. */
export async function testSendBroadcast(
  deps: BroadcastDeps,
  id: number,
  staffIds: number[],
): Promise<{ sent: number; skipped: number[] }> {
  const b = await load(deps, id)
  const known = await deps.store.staffLineUsers(staffIds)
  const staff = known.filter((s) => s.following)
  const couponTitle =
    b.couponTemplateId === null ? null : await deps.store.couponTitle(b.couponTemplateId)
  let sent = 0
  const skipped = staffIds.filter((s) => !staff.some((x) => x.id === s))
  for (const s of staff) {
    const values = (await deps.store.valuesForLineUser(s.lineUserId)) ?? {
      name: null,
      points: null,
      tier: null,
    }
    const messages: LineMessage[] = renderMessages(b.messages, {
      ...values,
      coupon: couponTitle,
    }).map((m) =>
      isCouponSlot(m)
        ? {
            type: 'text',
            text: `【テスト送信】ここにクーポン「${couponTitle ?? ''}」のカードが入ります。`,
          }
        : m,
    )
    try {
      await deps.messenger.push(s.lineUserId, messages, deps.ids.uuid())
      sent++
    } catch (error) {
      deps.logger.warn('broadcast test send failed', { broadcastId: id, error: String(error) })
      skipped.push(s.id)
    }
  }
  return { sent, skipped }
}
