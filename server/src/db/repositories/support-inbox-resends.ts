import { eq, sql } from 'drizzle-orm'
import type { ResendStore } from '../../domain/support/resend.ts'
import type { ThreadRow } from '../../domain/support/thread.ts'
import type { Database } from '../database.ts'
import { chatMessages, members, outbox } from '../schema.ts'
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
        db
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
          .onConflictDoNothing({ target: outbox.dedupeKey }),
        db
          .insert(chatMessages)
          .select(
            db
              .select({
                id: sql<number>`null`.as('id'),
                memberId: sql<number>`${input.memberId}`.as('member_id'),
                direction: sql<'out'>`'out'`.as('direction'),
                kind: sql<string>`${input.message.type}`.as('kind'),
                text: sql<
                  string | null
                >`${input.message.type === 'text' ? input.message.text : null}`.as('text'),
                payload: sql<string>`${JSON.stringify(input.message)}`.as('payload'),
                sourceKey: sql<string>`'outbox:' || ${outbox.id} || ':0'`.as('source_key'),
                origin: sql<'staff'>`'staff'`.as('origin'),
                staffId: sql<number>`${input.staffId}`.as('staff_id'),
                via: sql<null>`null`.as('via'),
                delivery: sql<null>`null`.as('delivery'),
                deliveryReason: sql<null>`null`.as('delivery_reason'),
                deliveryDetail: sql<null>`null`.as('delivery_detail'),
                resendOf: sql<number>`${input.original}`.as('resend_of'),
                createdAt: sql<number>`${input.now}`.as('created_at'),
              })
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
