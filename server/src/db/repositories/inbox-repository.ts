import { parseWebhookEvent, type WebhookEvent } from '@joren/shared'
import { and, asc, eq, gt, inArray, isNotNull, lte, sql } from 'drizzle-orm'
import type { InboxEvent, InboxRepository, NewInboxEvent } from '../../domain/webhook/inbox.ts'
import type { Database } from '../database.ts'
import { webhookEvents } from '../schema.ts'

/**
 * D1 allows 100 bound parameters a statement; one inbox row binds 13 (drizzle binds the defaulted
 * attempts too).
 */
const ROWS_PER_INSERT = Math.floor(100 / 13)

interface ClaimedRow {
  eventId: string
  payload: string
  receivedAt: number
  attempts: number
  eventAt: number
}

/** The inbox's hot statements, prepared once per database (claims, single inserts, done marks). */
function prepareInboxStatements(db: Database) {
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
      status: sql.placeholder('status'),
      lastError: sql.placeholder('lastError'),
      processedAt: sql.placeholder('processedAt'),
    })
    .onConflictDoNothing()
    .returning({ eventId: webhookEvents.eventId })
    .prepare()

  // Claims walk the (status, next_attempt_at) index in order and stop at `limit`: no sort of the
  // backlog. Due events are taken in the order they became due (received, or their retry time);
  // within a batch they are handled by event time.
  const claimed = {
    eventId: webhookEvents.eventId,
    payload: webhookEvents.payload,
    receivedAt: webhookEvents.receivedAt,
    attempts: webhookEvents.attempts,
    eventAt: webhookEvents.eventAt,
  }
  const claimSet = {
    status: 'processing' as const,
    lockedUntil: sql`${sql.placeholder('lockedUntil')}`,
    attempts: sql`${webhookEvents.attempts} + 1`,
  }
  const pendingDue = and(
    eq(webhookEvents.status, 'pending'),
    lte(webhookEvents.nextAttemptAt, sql.placeholder('now')),
  )
  const leaseExpired = and(
    eq(webhookEvents.status, 'processing'),
    lte(webhookEvents.lockedUntil, sql.placeholder('now')),
  )
  // One statement claims the rows (SQLite and D1 run it atomically), so two drains never take the
  // same event; the outer update finds the claimed rows by primary key.
  const claimPending = db
    .update(webhookEvents)
    .set(claimSet)
    .where(
      inArray(
        webhookEvents.eventId,
        db
          .select({ eventId: webhookEvents.eventId })
          .from(webhookEvents)
          .where(pendingDue)
          .orderBy(asc(webhookEvents.nextAttemptAt))
          .limit(sql.placeholder('limit')),
      ),
    )
    .returning(claimed)
    .prepare()
  // Events whose reply token is still fresh, the one expiring first first: while a backlog lasts,
  // an answer that can still go as a free reply goes before one whose token ran out anyway (that
  // one is pushed, a little later). Their receipt times are a range of the due index; an event
  // waits its turn when an older one of the same member is still pending (the member's events
  // stay in order; webhook_events_member_pending_idx).
  const freshDue = and(
    sql`${webhookEvents.status} = 'pending'`,
    gt(webhookEvents.nextAttemptAt, sql.placeholder('freshAfter')),
    lte(webhookEvents.nextAttemptAt, sql.placeholder('now')),
    isNotNull(webhookEvents.replyToken),
    gt(webhookEvents.eventAt, sql.placeholder('freshAfter')),
    sql`NOT EXISTS (SELECT 1 FROM ${webhookEvents} AS older WHERE older.status = 'pending' AND older.line_user_id = ${webhookEvents.lineUserId} AND older.event_at < ${webhookEvents.eventAt})`,
  )
  const claimFresh = db
    .update(webhookEvents)
    .set(claimSet)
    .where(
      inArray(
        webhookEvents.eventId,
        db
          .select({ eventId: webhookEvents.eventId })
          .from(webhookEvents)
          .where(freshDue)
          .orderBy(asc(webhookEvents.nextAttemptAt))
          .limit(sql.placeholder('limit')),
      ),
    )
    .returning(claimed)
    .prepare()
  // A read first: an update (even of no row) costs a write transaction.
  const anyDue = db
    .select({ eventId: webhookEvents.eventId })
    .from(webhookEvents)
    .where(pendingDue)
    .limit(1)
    .prepare()
  const claimExpired = db
    .update(webhookEvents)
    .set(claimSet)
    .where(
      inArray(
        webhookEvents.eventId,
        db
          .select({ eventId: webhookEvents.eventId })
          .from(webhookEvents)
          .where(leaseExpired)
          .limit(sql.placeholder('limit')),
      ),
    )
    .returning(claimed)
    .prepare()
  const markDoneStatement = db
    .update(webhookEvents)
    .set({
      status: sql`${sql.placeholder('status')}`,
      processedAt: sql`${sql.placeholder('now')}`,
      lockedUntil: null,
      lastError: null,
    })
    .where(
      inArray(
        webhookEvents.eventId,
        sql`(select value from json_each(${sql.placeholder('eventIds')}))`,
      ),
    )
    .prepare()
  return { insertOne, claimPending, claimFresh, anyDue, claimExpired, markDoneStatement }
}

export function createInboxRepository(db: Database): InboxRepository {
  const { insertOne, claimPending, claimFresh, anyDue, claimExpired, markDoneStatement } =
    prepareInboxStatements(db)
  return {
    async store(events: NewInboxEvent[], now: number) {
      const [event] = events
      if (events.length === 1 && event) {
        const rows = (await insertOne.all({ ...inboxValues(event, now), now })) as unknown[]
        return rows.length
      }
      let stored = 0
      for (let i = 0; i < events.length; i += ROWS_PER_INSERT) {
        const chunk = events.slice(i, i + ROWS_PER_INSERT)
        const rows = await db
          .insert(webhookEvents)
          .values(chunk.map((e) => inboxValues(e, now)))
          .onConflictDoNothing()
          .returning({ eventId: webhookEvents.eventId })
        stored += rows.length
      }
      return stored
    },

    async claimDue(now, limit, leaseMs, options) {
      // Leases that ran out (a drain that died mid-batch) first: rare, and few rows ever hold one.
      const expired =
        options?.interrupted === false
          ? []
          : ((await claimExpired.all({
              now,
              limit,
              lockedUntil: now + leaseMs,
            })) as ClaimedRow[])
      const lockedUntil = now + leaseMs
      const due = expired.length < limit && (await anyDue.all({ now })).length > 0
      const fresh =
        due && options?.freshAfter !== undefined
          ? ((await claimFresh.all({
              now,
              freshAfter: options.freshAfter,
              limit: limit - expired.length,
              lockedUntil,
            })) as ClaimedRow[])
          : []
      const taken = expired.length + fresh.length
      // The rest in the order they became due (an empty claim of fresh ones already said whether
      // anything is due: the update costs the same write as the claim).
      const pending =
        due && taken < limit
          ? ((await claimPending.all({ now, limit: limit - taken, lockedUntil })) as ClaimedRow[])
          : []
      const rows = expired.concat(fresh, pending)
      rows.sort((a, b) => a.eventAt - b.eventAt || a.receivedAt - b.receivedAt)
      const claimed: InboxEvent[] = []
      for (const r of rows) {
        const event = parseStoredEvent(r.payload)
        if (event) {
          claimed.push({
            eventId: r.eventId,
            event,
            receivedAt: r.receivedAt,
            attempts: r.attempts,
          })
          continue
        }
        // A row no schema version can read would otherwise hold its whole batch hostage.
        await db
          .update(webhookEvents)
          .set({
            status: 'dead',
            processedAt: now,
            lockedUntil: null,
            lastError: '保存されたイベントが、このバージョンの受け付ける形と合わなくなりました',
          })
          .where(eq(webhookEvents.eventId, r.eventId))
      }
      return claimed
    },

    async markDone(outcomes, now) {
      for (const status of ['done', 'ignored'] as const) {
        const eventIds = outcomes.filter((o) => o.status === status).map((o) => o.eventId)
        if (eventIds.length > 0)
          await markDoneStatement.run({ eventIds: JSON.stringify(eventIds), status, now })
      }
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

/** A new row: pending for the processor, or parked (done with, with its reason) on arrival. */
export function inboxValues(event: NewInboxEvent, now: number) {
  const { parkedReason, ...row } = event
  return {
    ...row,
    receivedAt: now,
    nextAttemptAt: now,
    status: parkedReason === null ? ('pending' as const) : ('parked' as const),
    lastError: parkedReason,
    processedAt: parkedReason === null ? null : now,
  }
}

function parseStoredEvent(payload: string): WebhookEvent | null {
  try {
    const result = parseWebhookEvent(JSON.parse(payload))
    return result.success ? result.event : null
  } catch {
    return null
  }
}
