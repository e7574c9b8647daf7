import { and, eq, gt, isNotNull, sql } from 'drizzle-orm'
import type { BatchItem } from 'drizzle-orm/batch'
import type { LineMessage } from '../../domain/messaging/messenger.ts'
import type { ReplyStore } from '../../domain/support/reply.ts'
import type { Atomic } from '../atomic.ts'
import type { Database } from '../database.ts'
import { chatMessages, conversations, members, outbox } from '../schema.ts'

/** Staff replies: whom to, by which reply token, queued in the outbox and recorded in the thread. */
export function createInboxReplies(db: Database, atomic: Atomic): ReplyStore {
  return {
    async replyTarget(id: number) {
      const [row] = await db
        .select({
          conversationId: conversations.id,
          memberId: conversations.memberId,
          lineUserId: members.lineUserId,
          followState: members.followState,
        })
        .from(conversations)
        .innerJoin(members, eq(members.id, conversations.memberId))
        .where(eq(conversations.id, id))
      return row ?? null
    },

    /** A reply already queued under this dedupe key (a double-click, a retry). */
    async queuedReply(dedupeKey: string) {
      const [row] = await db
        .select({ messageId: chatMessages.id, replyToken: outbox.replyToken })
        .from(outbox)
        .innerJoin(chatMessages, eq(chatMessages.sourceKey, sql`'outbox:' || ${outbox.id} || ':0'`))
        .where(eq(outbox.dedupeKey, dedupeKey))
      return row ? { messageId: row.messageId, via: row.replyToken ? 'reply' : 'push' } : null
    },

    async freshReplyToken(
      id: number,
      now: number,
    ): Promise<{ token: string; expiresAt: number } | null> {
      const [row] = await db
        .select({ token: conversations.replyToken, expiresAt: conversations.replyTokenExpiresAt })
        .from(conversations)
        .where(
          and(
            eq(conversations.id, id),
            isNotNull(conversations.replyToken),
            gt(conversations.replyTokenExpiresAt, now),
          ),
        )
      return row?.token && row.expiresAt !== null
        ? { token: row.token, expiresAt: row.expiresAt }
        : null
    },

    /**
     * Queues a staff reply and records it in the thread (origin staff, who; how once sent) in
     * one atomic batch; the same dedupe key queues nothing twice. The outbox adds how it went.
     */
    async queueStaffReply(input: {
      conversationId: number
      memberId: number
      staffId: number
      dedupeKey: string
      lineUserId: string
      replyToken: { token: string; expiresAt: number } | null
      message: LineMessage & { type: 'text' }
      retryKey: string
      now: number
    }): Promise<void> {
      const token = input.replyToken
      // A reply token is single use. It is taken in the same batch that queues the reply, and
      // only while the conversation still holds it: if another reply took it first, the second
      // insert below queues a push instead. A crash leaves neither or both.
      const byReply = token
        ? [
            db
              .insert(outbox)
              .select(
                db
                  .select({
                    id: sql<number>`null`.as('id'),
                    dedupeKey: sql<string>`${input.dedupeKey}`.as('dedupe_key'),
                    lineUserId: sql<string>`${input.lineUserId}`.as('line_user_id'),
                    replyToken: sql<string>`${token.token}`.as('reply_token'),
                    replyTokenExpiresAt: sql<number>`${token.expiresAt}`.as(
                      'reply_token_expires_at',
                    ),
                    retryKey: sql<string>`${input.retryKey}`.as('retry_key'),
                    messages: sql<string>`${JSON.stringify([input.message])}`.as('messages'),
                    status: sql<'pending'>`'pending'`.as('status'),
                    attempts: sql<number>`0`.as('attempts'),
                    nextAttemptAt: sql<number>`${input.now}`.as('next_attempt_at'),
                    lockedUntil: sql<null>`null`.as('locked_until'),
                    replyAttemptedAt: sql<null>`null`.as('reply_attempted_at'),
                    via: sql<null>`null`.as('via'),
                    lineRequestId: sql<null>`null`.as('line_request_id'),
                    lastError: sql<null>`null`.as('last_error'),
                    createdAt: sql<number>`${input.now}`.as('created_at'),
                    sentAt: sql<null>`null`.as('sent_at'),
                    aggregationUnit: sql<null>`null`.as('aggregation_unit'),
                  })
                  .from(conversations)
                  .where(
                    and(
                      eq(conversations.id, input.conversationId),
                      eq(conversations.replyToken, token.token),
                    ),
                  ),
              )
              .onConflictDoNothing({ target: outbox.dedupeKey }),
            db
              .update(conversations)
              .set({ replyToken: null, replyTokenExpiresAt: null })
              .where(
                and(
                  eq(conversations.id, input.conversationId),
                  eq(conversations.replyToken, token.token),
                  sql`exists (select 1 from ${outbox} where ${outbox.dedupeKey} = ${input.dedupeKey} and ${outbox.replyToken} = ${token.token})`,
                ),
              ),
          ]
        : []
      const pushUnlessQueued = db
        .insert(outbox)
        .values({
          dedupeKey: input.dedupeKey,
          lineUserId: input.lineUserId,
          replyToken: null,
          replyTokenExpiresAt: null,
          retryKey: input.retryKey,
          messages: JSON.stringify([input.message]),
          nextAttemptAt: input.now,
          createdAt: input.now,
        })
        .onConflictDoNothing({ target: outbox.dedupeKey })
      const recordInThread: BatchItem<'sqlite'>[] = [
        db
          .insert(chatMessages)
          .select(
            db
              // Insert-select names every column, in the table's order (a null ID autoincrements).
              .select({
                id: sql<number>`null`.as('id'),
                memberId: sql<number>`${input.memberId}`.as('member_id'),
                direction: sql<'out'>`'out'`.as('direction'),
                kind: sql<string>`'text'`.as('kind'),
                text: sql<string>`${input.message.text}`.as('text'),
                payload: sql<string>`${JSON.stringify(input.message)}`.as('payload'),
                sourceKey: sql<string>`'outbox:' || ${outbox.id} || ':0'`.as('source_key'),
                origin: sql<'staff'>`'staff'`.as('origin'),
                staffId: sql<number>`${input.staffId}`.as('staff_id'),
                // Set by the outbox once sent: null while queued (or if it never went).
                via: sql<null>`null`.as('via'),
                delivery: sql<null>`null`.as('delivery'),
                deliveryReason: sql<null>`null`.as('delivery_reason'),
                deliveryDetail: sql<null>`null`.as('delivery_detail'),
                resendOf: sql<null>`null`.as('resend_of'),
                createdAt: sql<number>`${input.now}`.as('created_at'),
              })
              .from(outbox)
              .where(eq(outbox.dedupeKey, input.dedupeKey)),
          )
          .onConflictDoNothing({ target: chatMessages.sourceKey }),
        // Replying reads the thread: everything up to now is read.
        db
          .update(conversations)
          .set({
            lastMessageAt: sql`max(${conversations.lastMessageAt}, ${input.now})`,
            readThroughId: sql`coalesce((select max(${chatMessages.id}) from ${chatMessages} where ${chatMessages.memberId} = ${conversations.memberId} and ${chatMessages.direction} = 'in'), 0)`,
            unread: 0,
            updatedAt: input.now,
          })
          .where(eq(conversations.id, input.conversationId)),
      ]
      await atomic([...byReply, pushUnlessQueued, ...recordInThread] as Parameters<Atomic>[0])
    },
  }
}
