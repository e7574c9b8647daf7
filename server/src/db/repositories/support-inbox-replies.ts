import { and, eq, gt, isNotNull, sql } from 'drizzle-orm'
import type { BatchItem } from 'drizzle-orm/batch'
import type { LineMessage } from '../../domain/messaging/messenger.ts'
import type { ReplyStore } from '../../domain/support/reply.ts'
import type { Atomic } from '../atomic.ts'
import type { Database } from '../database.ts'
import { insertSelectFields } from '../insert-select.ts'
import { chatMessages, conversations, members, outbox } from '../schema.ts'
import { outboxInsert } from './outbox-repository.ts'

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
                  .select(
                    insertSelectFields(outbox, {
                      dedupeKey: input.dedupeKey,
                      lineUserId: input.lineUserId,
                      replyToken: token.token,
                      replyTokenExpiresAt: token.expiresAt,
                      retryKey: input.retryKey,
                      messages: JSON.stringify([input.message]),
                      nextAttemptAt: input.now,
                      createdAt: input.now,
                    }),
                  )
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
      const pushUnlessQueued = outboxInsert(db, {
        dedupeKey: input.dedupeKey,
        lineUserId: input.lineUserId,
        replyToken: null,
        replyTokenExpiresAt: null,
        retryKey: input.retryKey,
        messages: [input.message],
        now: input.now,
      })
      const recordInThread: BatchItem<'sqlite'>[] = [
        db
          .insert(chatMessages)
          .select(
            db
              // Delivery columns stay null: the outbox sets them once sent (or if it never went).
              .select(
                insertSelectFields(chatMessages, {
                  memberId: input.memberId,
                  direction: 'out',
                  kind: 'text',
                  text: input.message.text,
                  payload: JSON.stringify(input.message),
                  sourceKey: sql`'outbox:' || ${outbox.id} || ':0'`,
                  origin: 'staff',
                  staffId: input.staffId,
                  createdAt: input.now,
                }),
              )
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
