import type { Broadcast, BroadcastSummary } from '@joren/shared'
import type { StaffActor } from '../audit/audit.ts'
import type { UnitOfWork, Write } from '../unit-of-work.ts'
import type { StoredBroadcast } from './store.ts'

/* A broadcast as staff read it, and the audit row their commands write. */

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
export function toSummary(b: StoredBroadcast): BroadcastSummary {
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

/** The audit row of a staff command on broadcast `id`. */
export const broadcastAudit =
  (uow: UnitOfWork) =>
  (actor: StaffActor, action: string, id: number, after: unknown): Write =>
    uow.audit({
      staffId: actor.id,
      action,
      targetType: 'broadcast',
      targetId: String(id),
      before: null,
      after,
    })
