import { WebhookEventSchema } from '@joren/shared'
import { and, asc, eq, inArray, lte, or, sql } from 'drizzle-orm'
import type { InboxEvent, InboxRepository, NewInboxEvent } from '../../domain/webhook/inbox.ts'
import type { Database } from '../database.ts'
import { webhookEvents } from '../schema.ts'

/** D1 allows 100 bound parameters a statement; one inbox row binds 9. */
const ROWS_PER_INSERT = 10

export function createInboxRepository(db: Database): InboxRepository {
  const insertOne = db
    .insert(webhookEvents)
    .values({
      eventId: sql.placeholder('eventId'),
      type: sql.placeholder('type'),
      lineUserId: sql.placeholder('lineUserId'),
      replyToken: sql.placeholder('replyToken'),
      eventAt: sql.placeholder('eventAt'),
      isRedelivery: sql.placeholder('isRedelivery'),
      payload: sql.placeholder('payload'),
      receivedAt: sql.placeholder('now'),
      nextAttemptAt: sql.placeholder('now'),
    })
    .onConflictDoNothing()
    .returning({ eventId: webhookEvents.eventId })
    .prepare()

  return {
    async store(events: NewInboxEvent[], now: number) {
      if (events.length === 1) {
        const [event] = events
        const rows = (await insertOne.all({ ...event, now })) as unknown[]
        return rows.length
      }
      let stored = 0
      for (let i = 0; i < events.length; i += ROWS_PER_INSERT) {
        const chunk = events.slice(i, i + ROWS_PER_INSERT)
        const rows = await db
          .insert(webhookEvents)
          .values(chunk.map((e) => ({ ...e, receivedAt: now, nextAttemptAt: now })))
          .onConflictDoNothing()
          .returning({ eventId: webhookEvents.eventId })
        stored += rows.length
      }
      return stored
    },

    async claimDue(now, limit, leaseMs) {
      const due = db
        .select({ eventId: webhookEvents.eventId })
        .from(webhookEvents)
        .where(
          or(
            and(eq(webhookEvents.status, 'pending'), lte(webhookEvents.nextAttemptAt, now)),
            and(eq(webhookEvents.status, 'processing'), lte(webhookEvents.lockedUntil, now)),
          ),
        )
        .orderBy(asc(webhookEvents.eventAt), asc(webhookEvents.receivedAt))
        .limit(limit)
      // One conditional statement claims the rows, so two drains never take the same event.
      const rows = await db
        .update(webhookEvents)
        .set({
          status: 'processing',
          lockedUntil: now + leaseMs,
          attempts: sql`${webhookEvents.attempts} + 1`,
        })
        .where(
          and(
            inArray(webhookEvents.eventId, due),
            or(
              eq(webhookEvents.status, 'pending'),
              and(eq(webhookEvents.status, 'processing'), lte(webhookEvents.lockedUntil, now)),
            ),
          ),
        )
        .returning({
          eventId: webhookEvents.eventId,
          payload: webhookEvents.payload,
          receivedAt: webhookEvents.receivedAt,
          attempts: webhookEvents.attempts,
          eventAt: webhookEvents.eventAt,
        })
      rows.sort((a, b) => a.eventAt - b.eventAt || a.receivedAt - b.receivedAt)
      return rows.map(
        (r): InboxEvent => ({
          eventId: r.eventId,
          event: WebhookEventSchema.parse(JSON.parse(r.payload)),
          receivedAt: r.receivedAt,
          attempts: r.attempts,
        }),
      )
    },

    async markDone(eventId, status, now) {
      await db
        .update(webhookEvents)
        .set({ status, processedAt: now, lockedUntil: null, lastError: null })
        .where(eq(webhookEvents.eventId, eventId))
    },

    async markRetry(eventId, nextAttemptAt, error) {
      await db
        .update(webhookEvents)
        .set({
          status: 'pending',
          nextAttemptAt,
          lockedUntil: null,
          lastError: error.slice(0, 2000),
        })
        .where(eq(webhookEvents.eventId, eventId))
    },

    async markDead(eventId, error, now) {
      await db
        .update(webhookEvents)
        .set({
          status: 'dead',
          processedAt: now,
          lockedUntil: null,
          lastError: error.slice(0, 2000),
        })
        .where(eq(webhookEvents.eventId, eventId))
    },

    async releaseInterrupted(now) {
      const rows = await db
        .update(webhookEvents)
        .set({ status: 'pending', lockedUntil: null, nextAttemptAt: now })
        .where(eq(webhookEvents.status, 'processing'))
        .returning({ eventId: webhookEvents.eventId })
      return rows.length
    },
  }
}
