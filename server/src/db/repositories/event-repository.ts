import { and, asc, desc, eq, gt, inArray, lte, sql } from 'drizzle-orm'
import type { DomainEvent } from '../../domain/events/events.ts'
import type { EventStore } from '../../domain/event-relay/store.ts'
import type { Atomic } from '../atomic.ts'
import type { Database } from '../database.ts'
import { domainEvents, eventCursors, eventFailures, eventHandledInReply } from '../schema.ts'

type EventRow = typeof domainEvents.$inferSelect

function toEvent(row: EventRow): DomainEvent {
  return {
    id: row.id,
    type: row.type,
    memberId: row.memberId,
    data: JSON.parse(row.data) as never,
    occurredAt: row.occurredAt,
    recordedAt: row.recordedAt,
  } as DomainEvent
}

/** The domain event log and subscriber cursors (same SQL on better-sqlite3 and D1). */
export function createEventStore(db: Database, atomic: Atomic): EventStore {
  return {
    async headId() {
      const row = await db
        .select({ id: sql<number>`coalesce(max(${domainEvents.id}), 0)` })
        .from(domainEvents)
        .get()
      return row?.id ?? 0
    },

    async read(after, upTo, types, limit) {
      if (types.length === 0 || upTo <= after) return []
      const rows = await db
        .select()
        .from(domainEvents)
        .where(
          and(
            gt(domainEvents.id, after),
            lte(domainEvents.id, upTo),
            inArray(domainEvents.type, [...types]),
          ),
        )
        .orderBy(asc(domainEvents.id))
        .limit(limit)
      return rows.map(toEvent)
    },

    async byDedupeKeys(keys) {
      if (keys.length === 0) return []
      const rows = await db
        .select()
        .from(domainEvents)
        .where(inArray(domainEvents.dedupeKey, keys))
        .orderBy(asc(domainEvents.id))
      return rows.map(toEvent)
    },

    async claim(subscriber, token, now, leaseMs, start) {
      // A new cursor starts at 0 or at the head; an existing one is taken only when free and due.
      await db
        .insert(eventCursors)
        .values({
          subscriber,
          position:
            start === 'latest'
              ? sql`(select coalesce(max(${domainEvents.id}), 0) from ${domainEvents})`
              : 0,
          updatedAt: now,
        })
        .onConflictDoNothing()
      const rows = await db
        .update(eventCursors)
        .set({ leaseToken: token, leaseUntil: now + leaseMs })
        .where(
          and(
            eq(eventCursors.subscriber, subscriber),
            lte(eventCursors.leaseUntil, now),
            lte(eventCursors.retryAt, now),
          ),
        )
        .returning({ position: eventCursors.position, attempts: eventCursors.attempts })
      return rows[0] ?? null
    },

    async advance(subscriber, token, position, now) {
      await db
        .update(eventCursors)
        .set({
          position: sql`max(${eventCursors.position}, ${position})`,
          attempts: sql`case when ${position} > ${eventCursors.position} then 0 else ${eventCursors.attempts} end`,
          lastError: sql`case when ${position} > ${eventCursors.position} then null else ${eventCursors.lastError} end`,
          leaseToken: null,
          leaseUntil: 0,
          updatedAt: now,
        })
        .where(and(eq(eventCursors.subscriber, subscriber), eq(eventCursors.leaseToken, token)))
    },

    async retryLater(subscriber, token, position, attempts, retryAt, error, now) {
      await db
        .update(eventCursors)
        .set({
          position: sql`max(${eventCursors.position}, ${position})`,
          attempts,
          retryAt,
          lastError: error.slice(0, 1_000),
          leaseToken: null,
          leaseUntil: 0,
          updatedAt: now,
        })
        .where(and(eq(eventCursors.subscriber, subscriber), eq(eventCursors.leaseToken, token)))
    },

    async park(subscriber, token, event, attempts, error, now) {
      await atomic([
        db
          .insert(eventFailures)
          .values({
            subscriber,
            eventId: event.id,
            eventType: event.type,
            error: error.slice(0, 1_000),
            attempts,
            failedAt: now,
          })
          .onConflictDoNothing(),
        db
          .update(eventCursors)
          .set({
            position: sql`max(${eventCursors.position}, ${event.id})`,
            attempts: 0,
            retryAt: 0,
            lastError: null,
            leaseToken: null,
            leaseUntil: 0,
            updatedAt: now,
          })
          .where(and(eq(eventCursors.subscriber, subscriber), eq(eventCursors.leaseToken, token))),
      ])
    },

    async handledInReply(subscriber, eventId) {
      const row = await db
        .select({ at: eventHandledInReply.at })
        .from(eventHandledInReply)
        .where(
          and(
            eq(eventHandledInReply.subscriber, subscriber),
            eq(eventHandledInReply.eventId, eventId),
          ),
        )
        .get()
      return row !== undefined
    },

    handledInReplyWrite(subscriber, eventId, now) {
      // A plain insert: if the relay got there first, the reply's commit fails and is retried
      // without the contribution (never two copies).
      return db.insert(eventHandledInReply).values({ subscriber, eventId, at: now })
    },

    async prune(before, subscribers, limit) {
      if (subscribers.length === 0) return 0
      const positions = await db
        .select({ subscriber: eventCursors.subscriber, position: eventCursors.position })
        .from(eventCursors)
        .where(inArray(eventCursors.subscriber, [...subscribers]))
      // A subscriber without a cursor has seen nothing yet.
      const floor =
        positions.length < subscribers.length ? 0 : Math.min(...positions.map((p) => p.position))
      if (floor <= 0) return 0
      const doomed = db
        .select({ id: domainEvents.id })
        .from(domainEvents)
        .where(and(lte(domainEvents.id, floor), sql`${domainEvents.recordedAt} < ${before}`))
        .orderBy(asc(domainEvents.id))
        .limit(limit)
      const deleted = await db
        .delete(domainEvents)
        .where(inArray(domainEvents.id, doomed))
        .returning({ id: domainEvents.id })
      if (deleted.length > 0) {
        const last = deleted.reduce((m, r) => Math.max(m, r.id), 0)
        await db.delete(eventHandledInReply).where(lte(eventHandledInReply.eventId, last))
      }
      return deleted.length
    },

    async parked(limit) {
      const rows = await db
        .select()
        .from(eventFailures)
        .orderBy(desc(eventFailures.failedAt))
        .limit(limit)
      return rows.map(({ id: _id, ...row }) => row)
    },
  }
}
