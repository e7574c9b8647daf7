import { and, asc, desc, eq, gt, lt, lte, sql, type SQL } from 'drizzle-orm'
import type { InboxStore } from '../../domain/support/inbox-ports.ts'
import type { ThreadRow } from '../../domain/support/thread.ts'
import type { Database } from '../database.ts'
import { chatMessages, conversations, messageContents, outbox, staff } from '../schema.ts'

const threadColumns = {
  id: chatMessages.id,
  memberId: chatMessages.memberId,
  direction: chatMessages.direction,
  kind: chatMessages.kind,
  text: chatMessages.text,
  payload: chatMessages.payload,
  origin: chatMessages.origin,
  staffId: chatMessages.staffId,
  staffName: staff.displayName,
  via: chatMessages.via,
  delivery: chatMessages.delivery,
  deliveryReason: chatMessages.deliveryReason,
  deliveryDetail: chatMessages.deliveryDetail,
  resendOf: chatMessages.resendOf,
  resentAs: sql<
    number | null
  >`(select min(r.id) from ${chatMessages} r where r.resend_of = ${chatMessages.id})`,
  // Outbound messages recorded before they go (staff replies) read their outbox row's state:
  // the source key is 'outbox:<id>:<n>' (SQLite's cast takes the leading number).
  outboxState: sql<
    string | null
  >`case when ${chatMessages.direction} = 'out' and ${chatMessages.sourceKey} like 'outbox:%' then (select o.status || ':' || o.attempts from ${outbox} o where o.id = cast(substr(${chatMessages.sourceKey}, 8) as integer)) end`,
  contentStatus: messageContents.status,
  createdAt: chatMessages.createdAt,
}
/** A thread's messages as staff read them: who sent each, how it went, its resend. */
export const threadRows = (db: Database, where: SQL | undefined) =>
  db
    .select(threadColumns)
    .from(chatMessages)
    .leftJoin(staff, eq(staff.id, chatMessages.staffId))
    .leftJoin(messageContents, eq(messageContents.chatMessageId, chatMessages.id))
    .where(where)

/** The members' threads: a page of one, and what is new across all since a cursor. */
export function createInboxThreads(
  db: Database,
): Pick<InboxStore, 'thread' | 'messagesAfter' | 'maxMessageId'> {
  return {
    /** The member's messages, newest `limit` before `beforeId`, returned oldest first. */
    async thread(memberId: number, beforeId: number | null, limit: number): Promise<ThreadRow[]> {
      const rows = await threadRows(
        db,
        and(
          eq(chatMessages.memberId, memberId),
          beforeId === null ? undefined : lt(chatMessages.id, beforeId),
        ),
      )
        .orderBy(desc(chatMessages.createdAt), desc(chatMessages.id))
        .limit(limit)
      return (rows as ThreadRow[]).reverse()
    },

    /** New messages of members who have a conversation, in (afterId, throughId]. */
    async messagesAfter(afterId: number, throughId: number, limit: number): Promise<ThreadRow[]> {
      const rows = await threadRows(
        db,
        and(
          gt(chatMessages.id, afterId),
          lte(chatMessages.id, throughId),
          sql`exists (select 1 from ${conversations} where ${conversations.memberId} = ${chatMessages.memberId})`,
        ),
      )
        .orderBy(asc(chatMessages.id))
        .limit(limit)
      return rows as ThreadRow[]
    },

    async maxMessageId(): Promise<number> {
      const row = await db
        .select({ id: sql<number>`coalesce(max(${chatMessages.id}), 0)` })
        .from(chatMessages)
        .get()
      return row?.id ?? 0
    },
  }
}
