import { and, asc, desc, eq, gt, inArray, lte, sql, type SQL } from 'drizzle-orm'
import type { DomainEvent } from '../../domain/events/events.ts'
import type { ClaimedCursor, CursorState, EventStore } from '../../domain/event-relay/store.ts'
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

/** The relay's statements, prepared once (see createEventStore). */
function relayStatements(db: Database) {
  const p = sql.placeholder
  const typeIn = inArray(domainEvents.type, sql`(select value from json_each(${p('types')}))`)
  const headQuery = db
    .select({ id: sql<number>`coalesce(max(${domainEvents.id}), 0)` })
    .from(domainEvents)
    .prepare()
  const cursorsQuery = db
    .select({
      subscriber: eventCursors.subscriber,
      position: eventCursors.position,
      leaseUntil: eventCursors.leaseUntil,
      retryAt: eventCursors.retryAt,
    })
    .from(eventCursors)
    .prepare()
  const inRange = and(gt(domainEvents.id, p('after')), lte(domainEvents.id, p('upTo')), typeIn)
  const firstQuery = db
    .select({ id: domainEvents.id, recordedAt: domainEvents.recordedAt })
    .from(domainEvents)
    .where(inRange)
    .orderBy(asc(domainEvents.id))
    .limit(1)
    .prepare()
  const readQuery = db
    .select()
    .from(domainEvents)
    .where(inRange)
    .orderBy(asc(domainEvents.id))
    .limit(p('limit'))
    .prepare()
  const skipStatement = db
    .update(eventCursors)
    .set({
      position: sql`max(${eventCursors.position}, ${p('position')})`,
      updatedAt: sql`${p('now')}`,
    })
    .where(
      and(
        eq(eventCursors.subscriber, p('subscriber')),
        lte(eventCursors.leaseUntil, p('now')),
        lte(eventCursors.retryAt, p('now')),
      ),
    )
    .prepare()
  const newCursor = (position: number | SQL) =>
    db
      .insert(eventCursors)
      .values({ subscriber: p('subscriber'), position, updatedAt: p('now') })
      .onConflictDoNothing()
      .prepare()
  const newCursorAtOldest = newCursor(0)
  const newCursorAtLatest = newCursor(
    sql`(select coalesce(max(${domainEvents.id}), 0) from ${domainEvents})`,
  )
  const claimStatement = db
    .update(eventCursors)
    .set({ leaseToken: sql`${p('token')}`, leaseUntil: sql`${p('leaseUntil')}` })
    .where(
      and(
        eq(eventCursors.subscriber, p('subscriber')),
        lte(eventCursors.leaseUntil, p('now')),
        lte(eventCursors.retryAt, p('now')),
      ),
    )
    .returning({ position: eventCursors.position, attempts: eventCursors.attempts })
    .prepare()
  const position = p('position')
  const advanceStatement = db
    .update(eventCursors)
    .set({
      position: sql`max(${eventCursors.position}, ${position})`,
      attempts: sql`case when ${position} > ${eventCursors.position} then 0 else ${eventCursors.attempts} end`,
      lastError: sql`case when ${position} > ${eventCursors.position} then null else ${eventCursors.lastError} end`,
      leaseToken: null,
      leaseUntil: 0,
      updatedAt: sql`${p('now')}`,
    })
    .where(
      and(eq(eventCursors.subscriber, p('subscriber')), eq(eventCursors.leaseToken, p('token'))),
    )
    .prepare()
  const handledInReplyQuery = db
    .select({ at: eventHandledInReply.at })
    .from(eventHandledInReply)
    .where(
      and(
        eq(eventHandledInReply.subscriber, p('subscriber')),
        eq(eventHandledInReply.eventId, p('eventId')),
      ),
    )
    .prepare()
  return {
    headQuery,
    cursorsQuery,
    firstQuery,
    readQuery,
    skipStatement,
    newCursorAtOldest,
    newCursorAtLatest,
    claimStatement,
    advanceStatement,
    handledInReplyQuery,
  }
}

/**
 * The domain event log and subscriber cursors (same SQL on better-sqlite3 and D1). The relay runs
 * after every handled event, so its statements are prepared once (drizzle builds no SQL per call);
 * a list of types is bound as one JSON text.
 */
export function createEventStore(db: Database, atomic: Atomic): EventStore {
  const {
    headQuery,
    cursorsQuery,
    firstQuery,
    readQuery,
    skipStatement,
    newCursorAtOldest,
    newCursorAtLatest,
    claimStatement,
    advanceStatement,
    handledInReplyQuery,
  } = relayStatements(db)
  /** Cursors known to exist (they are never deleted): a claim then skips the insert. */
  const known = new Set<string>()

  return {
    async headId() {
      const row = (await headQuery.get()) as { id: number } | undefined
      return row?.id ?? 0
    },

    async cursors() {
      const rows = (await cursorsQuery.all()) as ({ subscriber: string } & CursorState)[]
      const out = new Map<string, CursorState>()
      for (const { subscriber, ...state } of rows) {
        known.add(subscriber)
        out.set(subscriber, state)
      }
      return out
    },

    async firstOf(after, upTo, types) {
      if (types.length === 0 || upTo <= after) return null
      const row = (await firstQuery.get({ after, upTo, types: JSON.stringify(types) })) as
        | { id: number; recordedAt: number }
        | undefined
      return row ?? null
    },

    async skipTo(subscriber, position, now) {
      await skipStatement.run({ subscriber, position, now })
    },

    async read(after, upTo, types, limit) {
      if (types.length === 0 || upTo <= after) return []
      const rows = (await readQuery.all({
        after,
        upTo,
        types: JSON.stringify(types),
        limit,
      })) as EventRow[]
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
      if (!known.has(subscriber)) {
        await (start === 'latest' ? newCursorAtLatest : newCursorAtOldest).run({ subscriber, now })
        known.add(subscriber)
      }
      const rows = (await claimStatement.all({
        subscriber,
        token,
        now,
        leaseUntil: now + leaseMs,
      })) as ClaimedCursor[]
      return rows[0] ?? null
    },

    async advance(subscriber, token, position, now) {
      await advanceStatement.run({ subscriber, token, position, now })
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
      return (await handledInReplyQuery.get({ subscriber, eventId })) !== undefined
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
