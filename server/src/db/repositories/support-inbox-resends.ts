import { eq, sql } from 'drizzle-orm'
import type { ResendStore } from '../../domain/support/resend.ts'
import type { ThreadRow } from '../../domain/support/thread.ts'
import type { Database } from '../database.ts'
import { insertSelectFields } from '../insert-select.ts'
import { chatMessages, members, outbox } from '../schema.ts'
import { outboxInsert } from './outbox-repository.ts'
import { threadRows } from './support-inbox-thread.ts'

/** A failed staff reply sent again as a push, recorded in the thread as its resend. */
export function createInboxResends(db: Database): ResendStore {
  return {
    async resendSource(chatMessageId: number) {
      const [row] = await threadRows(db, eq(chatMessages.id, chatMessageId))
      if (!row) return null
      const [member] = await db
        .select({ lineUserId: members.lineUserId, followState: members.followState })
        .from(members)
        .where(eq(members.id, row.memberId))
      return member ? { row: row as ThreadRow, ...member } : null
    },

    resendWrites(input) {
      return [
        outboxInsert(db, {
          dedupeKey: input.dedupeKey,
          lineUserId: input.lineUserId,
          replyToken: null,
          replyTokenExpiresAt: null,
          retryKey: input.retryKey,
          messages: [input.message],
          now: input.now,
        }),
        db
          .insert(chatMessages)
          .select(
            db
              .select(
                insertSelectFields(chatMessages, {
                  memberId: input.memberId,
                  direction: 'out',
                  kind: input.message.type,
                  text: input.message.type === 'text' ? input.message.text : null,
                  payload: JSON.stringify(input.message),
                  sourceKey: sql`'outbox:' || ${outbox.id} || ':0'`,
                  origin: 'staff',
                  staffId: input.staffId,
                  resendOf: input.original,
                  createdAt: input.now,
                }),
              )
              .from(outbox)
              .where(eq(outbox.dedupeKey, input.dedupeKey)),
          )
          .onConflictDoNothing({ target: chatMessages.sourceKey }),
      ]
    },

    async resentMessage(dedupeKey: string) {
      const [row] = await db
        .select({ messageId: chatMessages.id })
        .from(outbox)
        .innerJoin(chatMessages, eq(chatMessages.sourceKey, sql`'outbox:' || ${outbox.id} || ':0'`))
        .where(eq(outbox.dedupeKey, dedupeKey))
      return row?.messageId ?? null
    },
  }
}
