import {
  isInQuietHours,
  type Broadcast,
  type BroadcastAttribution,
  type BroadcastDraftParsed,
  type BroadcastEstimate,
  type BroadcastList,
  type BroadcastProgress,
  type BroadcastResult,
  type FailedRecipientPage,
  type BroadcastStatus,
  type BroadcastSummary,
  type ComposerMessage,
  type ReachBreakdown,
} from '@joren/shared'
import type { StaffActor } from '../audit/audit.ts'
import { InvalidRequest } from '../errors.ts'
import type { LineMessage } from '../messaging/messenger.ts'
import type { Write } from '../unit-of-work.ts'
import { quietHoursEnd } from '../contact-policy/policy.ts'
import {
  audienceContext,
  loadBroadcast as load,
  PLAN_LEASE_MS,
  quotaOf,
  type BroadcastDeps,
} from './engine.ts'
import {
  BroadcastEmptyAudience,
  BroadcastInvalidMessages,
  BroadcastInvalidTransition,
  BroadcastNotEditable,
  BroadcastOverQuota,
  BroadcastSegmentMissing,
} from './errors.ts'
import { computeLift } from '../lift/lift.ts'
import { isCouponSlot, LINE_TEXT_MAX, maxRenderedLength, renderMessages } from './render.ts'
import type { StoredBroadcast } from './store.ts'

/** A draft or a scheduled broadcast can still be edited (a scheduled one goes back to draft). */
const EDITABLE: BroadcastStatus[] = ['draft', 'scheduled']
/** Every status a broadcast can be cancelled from (planning too: a stuck plan can be stopped). */
const CANCELLABLE: BroadcastStatus[] = [
  'draft',
  'scheduled',
  'planning',
  'sending',
  'paused',
  'quota_stopped',
]

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

/** The list's row: a CSV audience of up to 100,000 member numbers only as its size. */
function toSummary(b: StoredBroadcast): BroadcastSummary {
  const {
    messages: _m,
    holdoutPercent: _h,
    attributionDays: _a,
    error: _e,
    audience,
    ...summary
  } = toView(b)
  return {
    ...summary,
    audience:
      audience.kind === 'members'
        ? { kind: 'members' as const, memberCount: audience.memberNumbers.length }
        : audience,
  }
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

/** Recipients, holdout, billing and quota before a send (LINE bills one message per recipient). */
async function estimate(
  deps: BroadcastDeps,
  b: Pick<StoredBroadcast, 'id' | 'audience' | 'holdoutPercent' | 'scheduledAt'>,
): Promise<BroadcastEstimate> {
  const now = deps.clock.now()
  const policy = await deps.contactPolicy()
  const requested = b.scheduledAt !== null && b.scheduledAt > now ? b.scheduledAt : now
  // In the contact policy's quiet hours the send is deferred to their end (see send()): the
  // audience and the cap are counted as of when it will go.
  const deferredTo = quietHoursEnd(requested, policy, deps.timeZone)
  const at = deferredTo ?? requested
  // The quota is kept briefly and never throws: LINE's quota endpoints down → 'unknown', and the
  // recipients are shown anyway (LINE still enforces its limit on the send).
  const [counts, quota] = await Promise.all([
    deps.store.countAudience(
      b.audience,
      { broadcastId: b.id, percent: b.holdoutPercent },
      await audienceContext(deps, at),
    ),
    quotaOf(deps).read(),
  ])
  const recipients = counts.audience - counts.holdout - counts.frequencyCap
  const remaining = quota.remaining
  const over = remaining !== null && recipients > remaining
  const clock = (t: number) =>
    new Intl.DateTimeFormat('ja-JP', {
      timeZone: deps.timeZone,
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).format(new Date(t))
  const localTime = clock(requested)
  return {
    audience: counts.audience,
    holdout: counts.holdout,
    recipients,
    billedMessages: recipients,
    quota,
    needsConfirm: over,
    overQuota: over
      ? { sent: remaining, stopped: recipients - remaining, order: 'earliest_members' as const }
      : null,
    quietHoursWarning:
      deferredTo !== null
        ? {
            localTime,
            message: `${localTime} は配信しない時間帯（${policy.quietStart}〜${policy.quietEnd}）です。送信すると ${quietEndLabel(deferredTo, deps.timeZone)} に配信します。`,
          }
        : isInQuietHours(requested, deps.timeZone)
          ? {
              localTime,
              message: `配信開始が深夜・早朝（${localTime}）です。お客様の迷惑にならない時間帯（8:00〜21:00）をおすすめします。`,
            }
          : null,
    reach: reachBreakdown(counts, policy.weeklyCap),
  }
}

/** 「翌日 9:00」 or 「9:00」: when a deferred send goes, in shop time. */
function quietEndLabel(at: number, timeZone: string): string {
  const f = new Intl.DateTimeFormat('ja-JP', {
    timeZone,
    month: 'numeric',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  })
  return f.format(new Date(at))
}

/** The composer's "why fewer than the segment": counts per reason, and a sentence for each. */
export function reachBreakdown(
  counts: {
    segment: number
    audience: number
    holdout: number
    frequencyCap: number
    blocked: number
    optedOut: number
    notOptedIn: number
  },
  weeklyCap: number,
): ReachBreakdown {
  const n = (v: number) => v.toLocaleString('ja-JP')
  const reasons: string[] = []
  if (counts.blocked > 0) reasons.push(`${n(counts.blocked)}人はブロック中または友だち解除済みです`)
  if (counts.optedOut > 0)
    reasons.push(`${n(counts.optedOut)}人は「お知らせを受け取らない」を選んでいます`)
  if (counts.notOptedIn > 0)
    reasons.push(
      `${n(counts.notOptedIn)}人はお知らせの受け取りを選んでいません（設定: 受け取りを選んだ人にだけ配信）`,
    )
  if (counts.holdout > 0)
    reasons.push(`${n(counts.holdout)}人は効果測定のため配信しません（ホールドアウト）`)
  if (counts.frequencyCap > 0)
    reasons.push(`直近7日間に${weeklyCap}通受け取った方 ${n(counts.frequencyCap)}人`)
  return {
    segment: counts.segment,
    reachable: counts.audience,
    excluded: {
      blocked: counts.blocked,
      optedOut: counts.optedOut,
      notOptedIn: counts.notOptedIn,
      holdout: counts.holdout,
      frequencyCap: counts.frequencyCap,
    },
    frequencyCapApplies: weeklyCap > 0,
    reasons,
  }
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
  const ctx = await audienceContext(deps, deps.clock.now())
  const holdout = { broadcastId: b.id, percent: b.holdoutPercent }
  const quota = await quotaOf(deps).read()
  const remaining = quota.remaining
  const upTo = remaining === null || confirmOverQuota ? 1 : remaining + 1
  const recipients = await deps.store.countRecipients(b.audience, holdout, ctx, Math.max(1, upTo))
  if (recipients === 0) throw new BroadcastEmptyAudience()
  if (remaining !== null && !confirmOverQuota && recipients > remaining) {
    const all = await deps.store.countRecipients(b.audience, holdout, ctx, Infinity)
    throw new BroadcastOverQuota(all, remaining)
  }
}

/**
 * The staff console's broadcasts: compose, estimate, test, send or schedule, pause, resume,
 * cancel, and watch and measure them. Every command commits its change with its audit row
 * (neither is stored without the other); sending itself is the engine's (engine.ts).
 */
export function createBroadcastService(deps: BroadcastDeps) {
  const { store, uow } = deps

  const audit = (actor: StaffActor, action: string, id: number, after: unknown): Write =>
    uow.audit({
      staffId: actor.id,
      action,
      targetType: 'broadcast',
      targetId: String(id),
      before: null,
      after,
    })

  /**
   * A status change and its audit row in one commit, guarded so that it applies only from one of
   * `from`: a rival's change first (another tab, the sender) fails the commit and is reported.
   */
  async function transition(
    actor: StaffActor,
    id: number,
    change: {
      from: BroadcastStatus[]
      to: BroadcastStatus
      /** The Japanese verb of the refusal (「…のため{action}できません」). */
      label: string
      action: string
      patch?: Parameters<typeof store.transitionWrite>[4]
      after?: Record<string, unknown>
      also?: Write[]
    },
  ): Promise<void> {
    const b = await load(deps, id)
    if (!change.from.includes(b.status))
      throw new BroadcastInvalidTransition(change.label, b.status)
    const now = deps.clock.now()
    try {
      await uow.commit([
        store.statusGuardWrite(id, change.from),
        store.transitionWrite(id, change.from, change.to, now, change.patch),
        audit(actor, change.action, id, { status: change.to, ...change.after }),
        ...(change.also ?? []),
      ])
    } catch (error) {
      const current = await load(deps, id)
      if (!change.from.includes(current.status))
        throw new BroadcastInvalidTransition(change.label, current.status)
      throw error
    }
  }

  return {
    async list(query: { status?: BroadcastStatus; limit: number }): Promise<BroadcastList> {
      return { broadcasts: (await store.list(query.status, query.limit)).map(toSummary) }
    },

    async get(id: number): Promise<Broadcast> {
      return toView(await load(deps, id))
    },

    async create(actor: StaffActor, draft: BroadcastDraftParsed): Promise<Broadcast> {
      await assertSendable(deps, draft.messages)
      const now = deps.clock.now()
      await uow.commit([
        store.createWrite(draft, actor.id, now),
        uow.audit({
          staffId: actor.id,
          action: 'broadcast.create',
          targetType: 'broadcast',
          targetId: store.insertedId(),
          before: null,
          after: { title: draft.title },
        }),
      ])
      const created = await store.findCreated(actor.id, draft.title, now)
      if (!created) throw new Error('broadcast committed but not found')
      return toView(created)
    },

    /** Replaces a draft or a scheduled broadcast (which goes back to draft). */
    async update(actor: StaffActor, id: number, draft: BroadcastDraftParsed): Promise<Broadcast> {
      const b = await load(deps, id)
      await assertSendable(deps, draft.messages)
      if (!EDITABLE.includes(b.status)) throw new BroadcastNotEditable()
      try {
        await uow.commit([
          store.statusGuardWrite(id, EDITABLE),
          store.updateWrite(id, draft, deps.clock.now()),
          audit(actor, 'broadcast.update', id, { title: draft.title }),
        ])
      } catch (error) {
        // Sent (or cancelled) meanwhile: the guard failed the commit.
        if (!EDITABLE.includes((await load(deps, id)).status)) throw new BroadcastNotEditable()
        throw error
      }
      return toView(await load(deps, id))
    },

    /** The composer's live numbers for an unsaved draft. */
    estimateDraft: (draft: BroadcastDraftParsed): Promise<BroadcastEstimate> =>
      estimate(deps, {
        id: 0,
        audience: draft.audience,
        holdoutPercent: draft.holdoutPercent,
        scheduledAt: draft.scheduledAt,
      }),

    async estimate(id: number): Promise<BroadcastEstimate> {
      return estimate(deps, await load(deps, id))
    },

    /**
     * Send now or, with a future scheduledAt, schedule. Over the remaining monthly quota it needs
     * `confirmOverQuota`. The audience is frozen when the send starts, not when it is scheduled:
     * a send now only claims the plan (→ planning) and hands it to deps.startPlan, so the request
     * returns at once while the plan runs in the background (the console polls progress).
     */
    async send(
      actor: StaffActor,
      id: number,
      options: { confirmOverQuota: boolean },
    ): Promise<Broadcast> {
      const b = await load(deps, id)
      if (b.status !== 'draft') throw new BroadcastInvalidTransition('送信', b.status)
      if (!(await store.audienceAvailable(b.audience))) throw new BroadcastSegmentMissing()
      await assertWithinQuota(deps, b, options.confirmOverQuota)
      const now = deps.clock.now()
      const requested = b.scheduledAt !== null && b.scheduledAt > now ? b.scheduledAt : now
      // The contact policy's quiet hours: a send confirmed or scheduled inside them is deferred
      // to their end (as a journey step due at night), recorded in the audit row with its reason.
      const deferredTo = quietHoursEnd(requested, await deps.contactPolicy(), deps.timeZone)
      const after = {
        confirmOverQuota: options.confirmOverQuota,
        ...(deferredTo !== null
          ? { deferred: { reason: 'quiet_hours', from: requested, to: deferredTo } }
          : {}),
      }
      if (deferredTo !== null || (b.scheduledAt !== null && b.scheduledAt > now)) {
        await transition(actor, id, {
          from: ['draft'],
          to: 'scheduled',
          label: '予約',
          action: 'broadcast.send',
          after,
          ...(deferredTo !== null ? { patch: { scheduledAt: deferredTo } } : {}),
        })
        return toView(await load(deps, id))
      }
      // The claim's token is its lease's end (see engine.ts planBroadcast).
      const token = now + PLAN_LEASE_MS
      await transition(actor, id, {
        from: ['draft'],
        to: 'planning',
        label: '送信',
        action: 'broadcast.send',
        patch: { lockedUntil: token },
        after,
      })
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
      return toView(claimed)
    },

    async pause(actor: StaffActor, id: number): Promise<Broadcast> {
      await transition(actor, id, {
        from: ['sending'],
        to: 'paused',
        label: '一時停止',
        action: 'broadcast.pause',
      })
      return toView(await load(deps, id))
    },

    async resume(actor: StaffActor, id: number): Promise<Broadcast> {
      await transition(actor, id, {
        from: ['paused', 'quota_stopped'],
        to: 'sending',
        label: '再開',
        action: 'broadcast.resume',
        patch: { error: null },
      })
      // A plan changed or a new month began: the kept quota figure is asked again.
      quotaOf(deps).invalidate()
      await store.finishIfDone(id, deps.clock.now())
      await deps.dispatch(id)
      return toView(await load(deps, id))
    },

    /** Stops a broadcast for good: chunks not yet handed to LINE are cancelled with it. */
    async cancel(actor: StaffActor, id: number): Promise<Broadcast> {
      const now = deps.clock.now()
      await transition(actor, id, {
        from: CANCELLABLE,
        to: 'cancelled',
        label: '中止',
        action: 'broadcast.cancel',
        // A planner still at work loses its claim: its guarded writes fail from now on.
        patch: { finishedAt: now, lockedUntil: null },
        also: [store.cancelPendingChunksWrite(id)],
      })
      return toView(await load(deps, id))
    },

    async progress(id: number): Promise<BroadcastProgress> {
      const b = await load(deps, id)
      const p = await store.progress(id)
      return {
        status: b.status,
        error: b.error,
        startedAt: b.startedAt,
        finishedAt: b.finishedAt,
        ...p,
      }
    },

    async result(id: number): Promise<BroadcastResult> {
      const b = await load(deps, id)
      const [r, line] = await Promise.all([
        store.result(id),
        deps.lineStats?.forCampaigns([{ kind: 'broadcast', refId: id }]) ?? [],
      ])
      const stats = line[0]
      return {
        status: b.status,
        startedAt: b.startedAt,
        finishedAt: b.finishedAt,
        ...r,
        line: stats
          ? {
              unit: stats.unit,
              step: stats.step,
              opened: stats.opened,
              clicked: stats.clicked,
              from: stats.from,
              to: stats.to,
              reportedAt: stats.reportedAt,
            }
          : null,
      }
    },

    /** Who did not get it and why (LINE's reason in Japanese), keyset paged. */
    async failedRecipients(
      id: number,
      query: { cursor?: string; limit: number },
    ): Promise<FailedRecipientPage> {
      await load(deps, id)
      const match = query.cursor ? /^(\d{1,12})_(\d{1,4})$/.exec(query.cursor) : null
      if (query.cursor && !match) throw new InvalidRequest('cursor: 正しくないカーソルです')
      const after = match ? { chunkId: Number(match[1]), position: Number(match[2]) } : null
      const rows = await store.failedRecipients(id, after, query.limit + 1)
      const page = rows.slice(0, query.limit)
      const last = page.at(-1)
      return {
        items: page.map(({ memberId, memberNumber, memberName, reason }) => ({
          memberId,
          memberNumber,
          memberName,
          reason,
        })),
        nextCursor: rows.length > query.limit && last ? `${last.chunkId}_${last.position}` : null,
      }
    },

    async attribution(id: number): Promise<BroadcastAttribution> {
      const b = await load(deps, id)
      const a = await store.attribution(b)
      const lift = computeLift(a.recipients, a.holdout)
      return {
        days: b.attributionDays,
        ...a,
        lift: lift.difference,
        relativeLift: lift.relative,
        liftInterval95: lift.interval95,
      }
    },

    /**
     * Sends the rendered messages (with each staff member's own values) by push; no coupon is
     * issued. The audit row is committed first: no test message goes out unrecorded.
     */
    async testSend(
      actor: StaffActor,
      id: number,
      staffIds: number[],
    ): Promise<{ sent: number; skipped: number[] }> {
      const b = await load(deps, id)
      await uow.commit([audit(actor, 'broadcast.test_send', id, { staffIds })])
      const known = await store.staffLineUsers(staffIds)
      const staff = known.filter((s) => s.following)
      const couponTitle =
        b.couponTemplateId === null ? null : await store.couponTitle(b.couponTemplateId)
      let sent = 0
      const skipped = staffIds.filter((s) => !staff.some((x) => x.id === s))
      for (const s of staff) {
        const values = (await store.valuesForLineUser(s.lineUserId)) ?? {
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
    },
  }
}

export type BroadcastService = ReturnType<typeof createBroadcastService>
