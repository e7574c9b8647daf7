import { and, asc, eq, gt, inArray, isNull, lte, sql } from 'drizzle-orm'
import type { LineMessage } from '../../domain/messaging/messenger.ts'
import {
  isStaffMessageKey,
  type OutboxItem,
  type NewOutboxItem,
  type OutboxRepository,
  type UndeliveredProblem,
} from '../../domain/messaging/outbox.ts'
import type { Write, UnitOfWork } from '../../domain/unit-of-work.ts'
import type { Database } from '../database.ts'
import { insertSelectList } from '../insert-select.ts'
import { preparedWrite } from '../prepared-write.ts'
import { chatMessages, members, outbox } from '../schema.ts'

/** Statements on the way in: is the member blocked, their ID, the enqueue itself. */
function intakeStatements(db: Database) {
  const blockedQuery = db
    .select({ followState: members.followState })
    .from(members)
    .where(eq(members.lineUserId, sql.placeholder('lineUserId')))
    .prepare()
  const memberIdQuery = db
    .select({ id: members.id })
    .from(members)
    .where(eq(members.lineUserId, sql.placeholder('lineUserId')))
    .prepare()
  const enqueueStatement = db
    .insert(outbox)
    .values({
      dedupeKey: sql.placeholder('dedupeKey'),
      lineUserId: sql.placeholder('lineUserId'),
      replyToken: sql.placeholder('replyToken'),
      replyTokenExpiresAt: sql.placeholder('replyTokenExpiresAt'),
      retryKey: sql.placeholder('retryKey'),
      messages: sql.placeholder('messages'),
      nextAttemptAt: sql.placeholder('now'),
      createdAt: sql.placeholder('now'),
      aggregationUnit: sql.placeholder('aggregationUnit'),
    })
    .onConflictDoNothing({ target: outbox.dedupeKey })
    .prepare()
  return { blockedQuery, memberIdQuery, enqueueStatement }
}

/**
 * One outbox row, as a statement for a batch: the same dedupe key queues nothing twice. Every store
 * that queues a message with its own writes (staff replies, resends, alert pushes) uses this.
 */
export function outboxInsert(
  db: Database,
  item: NewOutboxItem & { retryKey: string; now: number },
) {
  return db
    .insert(outbox)
    .values({
      dedupeKey: item.dedupeKey,
      lineUserId: item.lineUserId,
      replyToken: item.replyToken,
      replyTokenExpiresAt: item.replyTokenExpiresAt,
      retryKey: item.retryKey,
      messages: JSON.stringify(item.messages),
      nextAttemptAt: item.now,
      createdAt: item.now,
      aggregationUnit: item.aggregationUnit ?? null,
    })
    .onConflictDoNothing({ target: outbox.dedupeKey })
}

/** The outbox rows planned for a commit with other writes: one item, or a batch in one statement. */
function outboxWrites(db: Database): Pick<OutboxRepository, 'enqueueWrite' | 'enqueueManyWrite'> {
  return {
    enqueueWrite: (item) => outboxInsert(db, item),

    enqueueManyWrite(items) {
      // One statement whatever the count: the rows travel as one JSON parameter (D1 binds at
      // most 100 parameters).
      const rows = JSON.stringify(
        items.map((i) => [
          i.dedupeKey,
          i.lineUserId,
          i.replyToken,
          i.replyTokenExpiresAt,
          i.retryKey,
          JSON.stringify(i.messages),
          i.now,
          i.aggregationUnit ?? null,
        ]),
      )
      const at = (i: number) => sql.raw(`json_extract(v, '$[${i}]')`)
      const select = insertSelectList(outbox, {
        dedupeKey: at(0),
        lineUserId: at(1),
        replyToken: at(2),
        replyTokenExpiresAt: at(3),
        retryKey: at(4),
        messages: at(5),
        nextAttemptAt: at(6),
        createdAt: at(6),
        aggregationUnit: at(7),
      })
      return db
        .insert(outbox)
        .select(sql`${select} FROM (SELECT value AS v FROM json_each(${rows})) WHERE true`)
        .onConflictDoNothing({ target: outbox.dedupeKey })
    },
  }
}

/** The claims and the cheap "anything due?" read that saves most of them. */
function claimStatements(db: Database) {
  // Claims walk the (status, next_attempt_at) index (its rowid is the id) and stop at `limit`: no
  // sort of the backlog. One statement each, so two drains never take the same item.
  const claimSet = {
    status: 'sending' as const,
    lockedUntil: sql`${sql.placeholder('lockedUntil')}`,
    attempts: sql`${outbox.attempts} + 1`,
  }
  const claimPending = db
    .update(outbox)
    .set(claimSet)
    .where(
      inArray(
        outbox.id,
        db
          .select({ id: outbox.id })
          .from(outbox)
          .where(
            and(eq(outbox.status, 'pending'), lte(outbox.nextAttemptAt, sql.placeholder('now'))),
          )
          .orderBy(asc(outbox.nextAttemptAt), asc(outbox.id))
          .limit(sql.placeholder('limit')),
      ),
    )
    .returning()
    .prepare()
  // Replies whose token is fresh, the one expiring first first (outbox_reply_due_idx).
  const claimReplies = db
    .update(outbox)
    .set(claimSet)
    .where(
      inArray(
        outbox.id,
        db
          .select({ id: outbox.id })
          .from(outbox)
          .where(
            and(
              eq(outbox.status, 'pending'),
              gt(outbox.replyTokenExpiresAt, sql.placeholder('now')),
              lte(outbox.nextAttemptAt, sql.placeholder('now')),
              isNull(outbox.via),
            ),
          )
          .orderBy(asc(outbox.replyTokenExpiresAt), asc(outbox.id))
          .limit(sql.placeholder('limit')),
      ),
    )
    .returning()
    .prepare()
  const claimExpired = db
    .update(outbox)
    .set(claimSet)
    .where(
      inArray(
        outbox.id,
        db
          .select({ id: outbox.id })
          .from(outbox)
          .where(and(eq(outbox.status, 'sending'), lte(outbox.lockedUntil, sql.placeholder('now'))))
          .limit(sql.placeholder('limit')),
      ),
    )
    .returning()
    .prepare()
  // A read first: most claims of a busy sender find nothing new, and an update (even of no row)
  // costs a write transaction.
  const anyDue = db
    .select({ id: outbox.id })
    .from(outbox)
    .where(and(eq(outbox.status, 'pending'), lte(outbox.nextAttemptAt, sql.placeholder('now'))))
    .limit(1)
    .prepare()
  return { claimPending, claimReplies, claimExpired, anyDue }
}

/** Records what the outbox sent (or could not deliver) in the member's chat history. */
function chatRecorder(
  db: Database,
  memberIdQuery: ReturnType<typeof intakeStatements>['memberIdQuery'],
) {
  /**
   * A reply holds at most 5 messages: one prepared insert per message count. How it went (via,
   * or the delivery problem) is set on a row a staff reply recorded at enqueue (origin, staff ID).
   */
  const recordStatements = new Map<number, (values: Record<string, unknown>) => Write>()
  const recordStatement = (count: number) => {
    let statement = recordStatements.get(count)
    if (!statement) {
      statement = preparedWrite<Record<string, unknown>>(
        db
          .insert(chatMessages)
          .values(
            Array.from({ length: count }, (_, index) => ({
              memberId: sql.placeholder('memberId'),
              direction: 'out' as const,
              kind: sql.placeholder(`kind${index}`),
              text: sql.placeholder(`text${index}`),
              payload: sql.placeholder(`payload${index}`),
              sourceKey: sql.placeholder(`sourceKey${index}`),
              origin: 'bot' as const,
              via: sql.placeholder('via'),
              delivery: sql.placeholder('delivery'),
              deliveryReason: sql.placeholder('deliveryReason'),
              deliveryDetail: sql.placeholder('deliveryDetail'),
              createdAt: sql.placeholder('now'),
            })),
          )
          .onConflictDoUpdate({
            target: chatMessages.sourceKey,
            set: {
              via: sql`excluded.via`,
              delivery: sql`excluded.delivery`,
              deliveryReason: sql`excluded.delivery_reason`,
              deliveryDetail: sql`excluded.delivery_detail`,
            },
          }),
      )
      recordStatements.set(count, statement)
    }
    return statement
  }
  /** The chat record's write (null: no such member any more, or nothing to record). */
  return async (
    id: number,
    lineUserId: string,
    messages: LineMessage[],
    now: number,
    via: 'reply' | 'push' | null,
    problem: UndeliveredProblem | null,
  ): Promise<Write | null> => {
    const member = (await memberIdQuery.get({ lineUserId })) as { id: number } | undefined
    if (!member || messages.length === 0) return null
    const values: Record<string, unknown> = {
      memberId: member.id,
      now,
      via,
      delivery: problem?.state ?? null,
      deliveryReason: problem?.reason ?? null,
      deliveryDetail: problem?.detail ?? null,
    }
    messages.forEach((message, index) => {
      values[`kind${index}`] = message.type
      values[`text${index}`] = message.type === 'text' ? message.text : null
      values[`payload${index}`] = JSON.stringify(message)
      values[`sourceKey${index}`] = `outbox:${id}:${index}`
    })
    return recordStatement(messages.length)(values)
  }
}

const toItem = (r: typeof outbox.$inferSelect, interrupted: boolean): OutboxItem => ({
  id: r.id,
  lineUserId: r.lineUserId,
  replyToken: r.replyToken,
  replyTokenExpiresAt: r.replyTokenExpiresAt,
  retryKey: r.retryKey,
  messages: JSON.parse(r.messages) as LineMessage[],
  attempts: r.attempts,
  replyAttemptedAt: r.replyAttemptedAt,
  interrupted,
  pushing: r.via === 'push',
  fromStaff: isStaffMessageKey(r.dedupeKey),
  aggregationUnit: r.aggregationUnit,
})

export function createOutboxRepository(db: Database, uow: UnitOfWork): OutboxRepository {
  const { blockedQuery, memberIdQuery, enqueueStatement } = intakeStatements(db)
  const { claimPending, claimReplies, claimExpired, anyDue } = claimStatements(db)
  const markReplyAttemptedStatement = db
    .update(outbox)
    .set({ replyAttemptedAt: sql`${sql.placeholder('now')}` })
    .where(eq(outbox.id, sql.placeholder('id')))
    .prepare()
  const markSentWrite = preparedWrite<{
    id: number
    via: string
    requestId: string | null
    now: number
  }>(
    db
      .update(outbox)
      .set({
        status: 'sent',
        via: sql`${sql.placeholder('via')}`,
        lineRequestId: sql`${sql.placeholder('requestId')}`,
        sentAt: sql`${sql.placeholder('now')}`,
        lockedUntil: null,
      })
      .where(eq(outbox.id, sql.placeholder('id'))),
  )
  const recordWrite = chatRecorder(db, memberIdQuery)
  type Row = typeof outbox.$inferSelect

  return {
    ...outboxWrites(db),

    async enqueue(item) {
      await enqueueStatement.run({
        dedupeKey: item.dedupeKey,
        lineUserId: item.lineUserId,
        replyToken: item.replyToken,
        replyTokenExpiresAt: item.replyTokenExpiresAt,
        retryKey: item.retryKey,
        messages: JSON.stringify(item.messages),
        now: item.now,
        aggregationUnit: item.aggregationUnit ?? null,
      })
    },

    async claimDue(now, limit, leaseMs, options) {
      const params = { now, limit, lockedUntil: now + leaseMs }
      // Left by a stopped run first (their reply may be in doubt), then fresh replies by expiry,
      // then everything else that is due.
      const expired =
        options?.interrupted === false
          ? []
          : ((await claimExpired.all(params)) as Row[]).sort((a, b) => a.id - b.id)
      const items = expired.map((r) => toItem(r, true))
      if (items.length === limit || (await anyDue.all({ now })).length === 0) return items
      if (items.length < limit) {
        const replies = (
          (await claimReplies.all({ ...params, limit: limit - items.length })) as Row[]
        ).sort((a, b) => (a.replyTokenExpiresAt ?? 0) - (b.replyTokenExpiresAt ?? 0) || a.id - b.id)
        for (const r of replies) items.push(toItem(r, false))
      }
      if (items.length < limit && (await anyDue.all({ now })).length > 0) {
        const rest = (
          (await claimPending.all({ ...params, limit: limit - items.length })) as Row[]
        ).sort((a, b) => a.nextAttemptAt - b.nextAttemptAt || a.id - b.id)
        for (const r of rest) items.push(toItem(r, false))
      }
      return items
    },

    async markReplyAttempted(id, now) {
      await markReplyAttemptedStatement.run({ id, now })
    },

    async switchToPush(id) {
      await db
        .update(outbox)
        .set({ via: 'push', replyAttemptedAt: null, attempts: 1 })
        .where(eq(outbox.id, id))
    },

    async markSent({ id, lineUserId, messages }, via, requestId, now) {
      // One commit: the row is sent and the member's chat history shows it, or neither.
      const record = await recordWrite(id, lineUserId, messages, now, via, null)
      const sent = markSentWrite({ id, via, requestId: requestId ?? null, now })
      await uow.commit(record ? [sent, record] : [sent])
    },

    async markRetry(id, nextAttemptAt, error, options) {
      await db
        .update(outbox)
        .set({
          status: 'pending',
          nextAttemptAt,
          lockedUntil: null,
          lastError: error.slice(0, 2000),
          ...(options?.forgetReply ? { replyAttemptedAt: null } : {}),
        })
        .where(eq(outbox.id, id))
    },

    async markFinal(id, status, error) {
      await db
        .update(outbox)
        .set({ status, lockedUntil: null, lastError: error.slice(0, 2000) })
        .where(eq(outbox.id, id))
    },

    async isBlocked(lineUserId) {
      const row = (await blockedQuery.get({ lineUserId })) as { followState: string } | undefined
      return row?.followState === 'blocked'
    },

    async recordUndelivered(id, lineUserId, messages, now, problem) {
      const record = await recordWrite(id, lineUserId, messages, now, null, problem)
      if (record) await uow.commit([record])
    },

    async nextDueAt() {
      const [row] = await db
        .select({ at: sql<number | null>`min(${outbox.nextAttemptAt})` })
        .from(outbox)
        .where(eq(outbox.status, 'pending'))
      return row?.at ?? null
    },

    // The lease ends now: the next claim takes them as interrupted (a reply may be in doubt).
    async releaseInterrupted(now) {
      const rows = await db
        .update(outbox)
        .set({ lockedUntil: now })
        .where(eq(outbox.status, 'sending'))
        .returning({ id: outbox.id })
      return rows.length
    },
  }
}
