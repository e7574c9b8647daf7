import { and, asc, eq, inArray, lte, or, sql } from 'drizzle-orm'
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

  return {
    async enqueue(item) {
      await db
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

    async claimDue(now, limit, leaseMs) {
      const due = db
        .select({ id: outbox.id })
        .from(outbox)
        .where(
          or(
            and(eq(outbox.status, 'pending'), lte(outbox.nextAttemptAt, now)),
            and(eq(outbox.status, 'sending'), lte(outbox.lockedUntil, now)),
          ),
        )
        .orderBy(asc(outbox.nextAttemptAt), asc(outbox.id))
        .limit(limit)
      const rows = await db
        .update(outbox)
        .set({
          status: 'sending',
          lockedUntil: now + leaseMs,
          attempts: sql`${outbox.attempts} + 1`,
        })
        .where(
          and(
            inArray(outbox.id, due),
            or(
              eq(outbox.status, 'pending'),
              and(eq(outbox.status, 'sending'), lte(outbox.lockedUntil, now)),
            ),
          ),
        )
        .returning()
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
      await db.update(outbox).set({ replyAttemptedAt: now }).where(eq(outbox.id, id))
    },

    async markSent(id, via, requestId, now) {
      await db
        .update(outbox)
        .set({
          status: 'sent',
          via,
          lineRequestId: requestId ?? null,
          sentAt: now,
          lockedUntil: null,
        })
        .where(eq(outbox.id, id))
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

    async recordSent(id, lineUserId, messages, now) {
      const member = await db
        .select({ id: members.id })
        .from(members)
        .where(eq(members.lineUserId, lineUserId))
        .get()
      if (!member) return
      await db
        .insert(chatMessages)
        .values(
          messages.map((message, index) => ({
            memberId: member.id,
            direction: 'out' as const,
            kind: message.type,
            text: message.type === 'text' ? message.text : null,
            payload: JSON.stringify(message),
            sourceKey: `outbox:${id}:${index}`,
            createdAt: now,
          })),
        )
        .onConflictDoNothing({ target: chatMessages.sourceKey })
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
