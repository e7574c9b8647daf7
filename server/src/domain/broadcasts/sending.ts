import type { Broadcast, BroadcastStatus } from '@joren/shared'
import type { StaffActor } from '../audit/audit.ts'
import { quietHoursEnd } from '../contact-policy/policy.ts'
import type { Write } from '../unit-of-work.ts'
import {
  audienceContext,
  loadBroadcast as load,
  PLAN_LEASE_MS,
  quotaOf,
  type BroadcastDeps,
} from './engine.ts'
import {
  BroadcastEmptyAudience,
  BroadcastInvalidTransition,
  BroadcastOverQuota,
  BroadcastSegmentMissing,
} from './errors.ts'
import type { StoredBroadcast } from './store.ts'
import { broadcastAudit, toView } from './views.ts'

/** Every status a broadcast can be cancelled from (planning too: a stuck plan can be stopped). */
const CANCELLABLE: BroadcastStatus[] = [
  'draft',
  'scheduled',
  'planning',
  'sending',
  'paused',
  'quota_stopped',
]

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

/** Sending: send now or schedule, pause, resume and cancel, each a guarded status change. */
export function createSendCommands(deps: BroadcastDeps) {
  const { store, uow } = deps
  const audit = broadcastAudit(uow)

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
  }
}
