import { and, eq, inArray, sql, type SQL } from 'drizzle-orm'
import type { ConversationState, ConversationStore } from '../../domain/support/ports.ts'
import type { Database } from '../database.ts'
import { rowRef } from '../row-ref.ts'
import { chatMessages, conversations, messageContents } from '../schema.ts'

/** Unread = the member's inbound messages after read_through_id: a recount, so replays change nothing. */
export const unreadRecount = sql`(select count(*) from ${chatMessages} where ${chatMessages.memberId} = ${conversations.memberId} and ${chatMessages.direction} = 'in' and ${chatMessages.id} > ${conversations.readThroughId})`

/** Everything of the member's read, or everything but their newest inbound message. */
function readThroughFor(memberId: number, countLatestInbound: boolean) {
  return sql`coalesce((select ${chatMessages.id} from ${chatMessages} where ${chatMessages.memberId} = ${memberId} and ${chatMessages.direction} = 'in' order by ${chatMessages.id} desc limit 1 offset ${countLatestInbound ? 1 : 0}), 0)`
}

export function createConversationStore(db: Database): ConversationStore {
  const byMember = db
    .select({
      id: conversations.id,
      memberId: conversations.memberId,
      status: conversations.status,
      cycle: conversations.cycle,
      ackedCycle: conversations.ackedCycle,
      openedAt: conversations.openedAt,
    })
    .from(conversations)
    .where(eq(conversations.memberId, sql.placeholder('memberId')))
    .prepare()

  /** The member's inbound messages after `readThrough`: the unread count an opening starts with. */
  const unreadAfter = (memberId: number, readThrough: SQL) =>
    sql`(select count(*) from ${chatMessages} where ${chatMessages.memberId} = ${memberId} and ${chatMessages.direction} = 'in' and ${chatMessages.id} > ${readThrough})`

  const ofMember = (memberId: number, column: SQL) =>
    sql`(select ${column} from ${conversations} where ${conversations.memberId} = ${memberId})`

  return {
    createWrite({ memberId, reason, at, countLatestInbound }) {
      const readThroughId = readThroughFor(memberId, countLatestInbound)
      return db
        .insert(conversations)
        .values({
          memberId,
          status: 'open',
          openReason: reason,
          cycle: 1,
          ackedCycle: 0,
          readThroughId,
          unread: unreadAfter(memberId, readThroughId),
          lastMessageAt: at,
          openedAt: at,
          updatedAt: at,
        })
        .onConflictDoNothing({ target: conversations.memberId })
    },

    reopenWrite({ memberId, reason, at, countLatestInbound, fromCycle }) {
      // A closed conversation comes back as a new cycle: one conditional statement, so two
      // concurrent hand-overs reopen it once.
      const readThroughId = readThroughFor(memberId, countLatestInbound)
      return db
        .update(conversations)
        .set({
          status: 'open',
          openReason: reason,
          cycle: sql`${conversations.cycle} + 1`,
          readThroughId,
          unread: unreadAfter(memberId, readThroughId),
          lastMessageAt: sql`max(${conversations.lastMessageAt}, ${at})`,
          openedAt: at,
          closedAt: null,
          updatedAt: at,
        })
        .where(
          and(
            eq(conversations.memberId, memberId),
            eq(conversations.status, 'closed'),
            eq(conversations.cycle, fromCycle),
          ),
        )
    },

    idOf: (memberId) => rowRef(ofMember(memberId, sql`${conversations.id}`)),

    cycleKeyOf: (memberId) =>
      rowRef(
        ofMember(
          memberId,
          sql`'conversation:' || ${conversations.id} || ':cycle:' || ${conversations.cycle}`,
        ),
      ),

    async findByMember(memberId) {
      return ((await byMember.get({ memberId })) as ConversationState | undefined) ?? null
    },

    async claimAck(conversationId, at) {
      const rows = await db
        .update(conversations)
        .set({ ackedCycle: sql`${conversations.cycle}`, updatedAt: at })
        .where(
          and(
            eq(conversations.id, conversationId),
            sql`${conversations.ackedCycle} < ${conversations.cycle}`,
          ),
        )
        .returning({ id: conversations.id })
      return rows.length > 0
    },

    async noteInbound({ memberId, at, now, unusedReplyToken }) {
      const rows = await db
        .update(conversations)
        .set({
          status: 'open',
          unread: unreadRecount,
          lastMessageAt: sql`max(${conversations.lastMessageAt}, ${at})`,
          lastInboundAt: sql`max(coalesce(${conversations.lastInboundAt}, 0), ${at})`,
          ...(unusedReplyToken
            ? {
                replyToken: unusedReplyToken.token,
                replyTokenExpiresAt: unusedReplyToken.expiresAt,
              }
            : {}),
          updatedAt: now,
        })
        .where(
          and(
            eq(conversations.memberId, memberId),
            inArray(conversations.status, ['open', 'pending']),
          ),
        )
        .returning({ id: conversations.id })
      return rows.length > 0
    },

    async queueContent({ eventId, lineMessageId, at }) {
      // Insert-select names every column, in the table's order.
      await db
        .insert(messageContents)
        .select(
          db
            .select({
              chatMessageId: chatMessages.id,
              lineMessageId: sql<string>`${lineMessageId}`.as('line_message_id'),
              status: sql<'pending'>`'pending'`.as('status'),
              contentType: sql<null>`null`.as('content_type'),
              size: sql<null>`null`.as('size'),
              bytes: sql<null>`null`.as('bytes'),
              attempts: sql<number>`0`.as('attempts'),
              nextAttemptAt: sql<number>`0`.as('next_attempt_at'),
              updatedAt: sql<number>`${at}`.as('updated_at'),
            })
            .from(chatMessages)
            .where(eq(chatMessages.sourceKey, `event:${eventId}`)),
        )
        .onConflictDoNothing({ target: messageContents.chatMessageId })
    },
  }
}
