import { and, asc, eq, inArray, lte, sql } from 'drizzle-orm'
import type { LineMessage } from '../../domain/messaging/messenger.ts'
import type { OutboxItem, OutboxRepository } from '../../domain/messaging/outbox.ts'
import type { Database } from '../database.ts'
import { chatMessages, members, outbox } from '../schema.ts'

export function createOutboxRepository(db: Database): OutboxRepository {
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
    })
    .onConflictDoNothing({ target: outbox.dedupeKey })
    .prepare()
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
  const markReplyAttemptedStatement = db
    .update(outbox)
    .set({ replyAttemptedAt: sql`${sql.placeholder('now')}` })
    .where(eq(outbox.id, sql.placeholder('id')))
    .prepare()
  const markSentStatement = db
    .update(outbox)
    .set({
      status: 'sent',
      via: sql`${sql.placeholder('via')}`,
      lineRequestId: sql`${sql.placeholder('requestId')}`,
      sentAt: sql`${sql.placeholder('now')}`,
      lockedUntil: null,
    })
    .where(eq(outbox.id, sql.placeholder('id')))
    .prepare()
  /** A reply holds at most 5 messages: one prepared insert per message count. */
  const recordSentStatements = new Map<number, { run(values: Record<string, unknown>): unknown }>()
  const recordSentStatement = (count: number) => {
    let statement = recordSentStatements.get(count)
    if (!statement) {
      statement = db
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
            createdAt: sql.placeholder('now'),
          })),
        )
        // A staff reply is recorded when enqueued (origin, staff ID): only how it went is added.
        .onConflictDoUpdate({ target: chatMessages.sourceKey, set: { via: sql`excluded.via` } })
        .prepare()
      recordSentStatements.set(count, statement)
    }
    return statement
  }

  return {
    enqueueWrite(item) {
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
        })
        .onConflictDoNothing({ target: outbox.dedupeKey })
    },

    async enqueue(item) {
      await enqueueStatement.run({
        dedupeKey: item.dedupeKey,
        lineUserId: item.lineUserId,
        replyToken: item.replyToken,
        replyTokenExpiresAt: item.replyTokenExpiresAt,
        retryKey: item.retryKey,
        messages: JSON.stringify(item.messages),
        now: item.now,
      })
    },

    async claimDue(now, limit, leaseMs) {
      const params = { now, limit, lockedUntil: now + leaseMs }
      const expired = (await claimExpired.all(params)) as (typeof outbox.$inferSelect)[]
      const rows =
        expired.length < limit
          ? expired.concat(
              (await claimPending.all({
                ...params,
                limit: limit - expired.length,
              })) as (typeof outbox.$inferSelect)[],
            )
          : expired
      rows.sort((a, b) => a.id - b.id)
      return rows.map(
        (r): OutboxItem => ({
          id: r.id,
          lineUserId: r.lineUserId,
          replyToken: r.replyToken,
          replyTokenExpiresAt: r.replyTokenExpiresAt,
          retryKey: r.retryKey,
          messages: JSON.parse(r.messages) as LineMessage[],
          attempts: r.attempts,
          replyAttemptedAt: r.replyAttemptedAt,
        }),
      )
    },

    async markReplyAttempted(id, now) {
      await markReplyAttemptedStatement.run({ id, now })
    },

    async markSent(id, via, requestId, now) {
      await markSentStatement.run({ id, via, requestId: requestId ?? null, now })
    },

    async markRetry(id, nextAttemptAt, error) {
      await db
        .update(outbox)
        .set({
          status: 'pending',
          nextAttemptAt,
          lockedUntil: null,
          lastError: error.slice(0, 2000),
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

    async recordSent(id, lineUserId, messages, now, via) {
      const member = (await memberIdQuery.get({ lineUserId })) as { id: number } | undefined
      if (!member || messages.length === 0) return
      const values: Record<string, unknown> = { memberId: member.id, now, via }
      messages.forEach((message, index) => {
        values[`kind${index}`] = message.type
        values[`text${index}`] = message.type === 'text' ? message.text : null
        values[`payload${index}`] = JSON.stringify(message)
        values[`sourceKey${index}`] = `outbox:${id}:${index}`
      })
      await recordSentStatement(messages.length).run(values)
    },

    async releaseInterrupted(now) {
      const rows = await db
        .update(outbox)
        .set({ status: 'pending', lockedUntil: null, nextAttemptAt: now })
        .where(eq(outbox.status, 'sending'))
        .returning({ id: outbox.id })
      return rows.length
    },
  }
}
