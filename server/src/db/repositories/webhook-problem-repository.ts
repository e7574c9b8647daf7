import { and, desc, eq, inArray, lt, sql } from 'drizzle-orm'
import type { ProblemRow, WebhookProblemReader } from '../../domain/webhook/problems.ts'
import type { Database } from '../database.ts'
import { members, webhookEvents } from '../schema.ts'

/** Parked and dead inbox rows for staff; the (status, next_attempt_at) index finds them. */
export function createWebhookProblemReader(db: Database): WebhookProblemReader {
  const rowId = sql<number>`${webhookEvents}.rowid`
  return {
    async list({ statuses, before, limit }) {
      const rows = await db
        .select({
          rowId,
          eventId: webhookEvents.eventId,
          type: webhookEvents.type,
          status: webhookEvents.status,
          lastError: webhookEvents.lastError,
          receivedAt: webhookEvents.receivedAt,
          eventAt: webhookEvents.eventAt,
          attempts: webhookEvents.attempts,
          memberNumber: members.memberNumber,
          memberName: members.displayName,
          payload: webhookEvents.payload,
        })
        .from(webhookEvents)
        .leftJoin(members, eq(members.lineUserId, webhookEvents.lineUserId))
        .where(
          and(
            inArray(webhookEvents.status, [...statuses]),
            before === null ? undefined : lt(rowId, before),
          ),
        )
        .orderBy(desc(rowId))
        .limit(limit)
      return rows as ProblemRow[]
    },
  }
}
