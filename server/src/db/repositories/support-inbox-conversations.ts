import type { ConversationStatus, ConversationSummary } from '@joren/shared'
import { and, asc, desc, eq, gt, gte, inArray, lt, or, sql, type SQL } from 'drizzle-orm'
import { alias } from 'drizzle-orm/sqlite-core'
import type { ConversationFilter, InboxStore } from '../../domain/support/inbox-ports.ts'
import { previewOf } from '../../domain/support/thread.ts'
import type { Database } from '../database.ts'
import { chatMessages, conversations, members, staff } from '../schema.ts'

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`)

const assignee = alias(staff, 'assignee')
const latest = alias(chatMessages, 'latest')
const hasUnread = sql<number>`(${conversations.unread} > 0)`
const summaryColumns = {
  id: conversations.id,
  memberId: conversations.memberId,
  memberNumber: members.memberNumber,
  memberName: members.displayName,
  pictureUrl: members.pictureUrl,
  language: members.language,
  followState: members.followState,
  status: conversations.status,
  openReason: conversations.openReason,
  assignedId: assignee.id,
  assignedName: assignee.displayName,
  unread: conversations.unread,
  lastMessageAt: conversations.lastMessageAt,
  lastInboundAt: conversations.lastInboundAt,
  latestKind: latest.kind,
  latestText: latest.text,
  latestDirection: latest.direction,
  openedAt: conversations.openedAt,
  closedAt: conversations.closedAt,
  updatedAt: conversations.updatedAt,
}
// The customer's newest message (what they said, not the bot's answer to it), through
// chat_messages_member_idx: the member's rows newest first until the first inbound one.
const latestOfMember = sql`${latest.id} = (select ${chatMessages.id} from ${chatMessages} where ${chatMessages.memberId} = ${conversations.memberId} and ${chatMessages.direction} = 'in' order by ${chatMessages.createdAt} desc, ${chatMessages.id} desc limit 1)`

type SummaryRow = {
  [K in keyof typeof summaryColumns]: unknown
}
const toSummary = (row: SummaryRow): ConversationSummary => {
  const r = row as unknown as {
    id: number
    memberId: number
    memberNumber: string
    memberName: string | null
    pictureUrl: string | null
    language: string | null
    followState: 'following' | 'blocked'
    status: ConversationStatus
    openReason: ConversationSummary['openReason']
    assignedId: number | null
    assignedName: string | null
    unread: number
    lastMessageAt: number
    lastInboundAt: number | null
    latestKind: string | null
    latestText: string | null
    latestDirection: 'in' | 'out' | null
    openedAt: number
    closedAt: number | null
    updatedAt: number
  }
  return {
    id: r.id,
    memberId: r.memberId,
    memberNumber: r.memberNumber,
    memberName: r.memberName,
    pictureUrl: r.pictureUrl,
    language: r.language,
    followState: r.followState,
    status: r.status,
    openReason: r.openReason,
    assignedTo:
      r.assignedId !== null && r.assignedName !== null
        ? { id: r.assignedId, displayName: r.assignedName }
        : null,
    unread: r.unread,
    lastMessageAt: r.lastMessageAt,
    lastInboundAt: r.lastInboundAt,
    lastMessagePreview:
      r.latestKind !== null && r.latestDirection !== null
        ? previewOf({ kind: r.latestKind, text: r.latestText, direction: r.latestDirection })
        : null,
    openedAt: r.openedAt,
    closedAt: r.closedAt,
    updatedAt: r.updatedAt,
  }
}

const summaries = (db: Database, where: SQL | undefined) =>
  db
    .select(summaryColumns)
    .from(conversations)
    .innerJoin(members, eq(members.id, conversations.memberId))
    .leftJoin(assignee, eq(assignee.id, conversations.assignedTo))
    .leftJoin(latest, latestOfMember)
    .where(where)

/** Conversations as staff list and change them: filters, status, assignment, read markers. */
export function createInboxConversations(
  db: Database,
): Pick<
  InboxStore,
  | 'list'
  | 'summary'
  | 'changedSince'
  | 'replyState'
  | 'unreadConversations'
  | 'markRead'
  | 'setStatusWrite'
  | 'assignWrite'
  | 'memberIdByNumber'
  | 'assignableStaff'
  | 'staffExists'
> {
  return {
    /** Unread first, then newest message first; keyset on (unread > 0, last_message_at, id). */
    async list(filter: ConversationFilter): Promise<ConversationSummary[]> {
      const conditions: (SQL | undefined)[] = []
      if (filter.statuses) conditions.push(inArray(conversations.status, filter.statuses))
      if (filter.assignedTo === null) conditions.push(sql`${conversations.assignedTo} is null`)
      else if (filter.assignedTo !== undefined)
        conditions.push(eq(conversations.assignedTo, filter.assignedTo))
      if (filter.q) {
        const like = `%${escapeLike(filter.q)}%`
        conditions.push(
          or(
            sql`${members.displayName} like ${like} escape '\\'`,
            sql`${members.memberNumber} like ${`${escapeLike(filter.q)}%`} escape '\\'`,
            sql`exists (select 1 from ${chatMessages} where ${chatMessages.memberId} = ${conversations.memberId} and ${chatMessages.text} like ${like} escape '\\')`,
          ),
        )
      }
      const after = filter.after
      if (after) {
        conditions.push(
          or(
            lt(hasUnread, after.unread),
            and(eq(hasUnread, after.unread), lt(conversations.lastMessageAt, after.lastMessageAt)),
            and(
              eq(hasUnread, after.unread),
              eq(conversations.lastMessageAt, after.lastMessageAt),
              lt(conversations.id, after.id),
            ),
          ),
        )
      }
      const rows = await summaries(db, and(...conditions))
        .orderBy(desc(hasUnread), desc(conversations.lastMessageAt), desc(conversations.id))
        .limit(filter.limit)
      return rows.map(toSummary)
    },

    async summary(id: number): Promise<ConversationSummary | null> {
      const [row] = await summaries(db, eq(conversations.id, id))
      return row ? toSummary(row) : null
    },

    /** Conversations changed at or after `since` (a clock time), oldest change first. */
    async changedSince(since: number, limit: number): Promise<ConversationSummary[]> {
      const rows = await summaries(db, gte(conversations.updatedAt, since))
        .orderBy(asc(conversations.updatedAt))
        .limit(limit)
      return rows.map(toSummary)
    },

    async replyState(id: number) {
      const [row] = await db
        .select({
          replyToken: conversations.replyToken,
          replyTokenExpiresAt: conversations.replyTokenExpiresAt,
        })
        .from(conversations)
        .where(eq(conversations.id, id))
      return row ?? null
    },

    /** The member's messages, newest `limit` before `beforeId`, returned oldest first. */

    async unreadConversations(): Promise<number> {
      const row = await db
        .select({ n: sql<number>`count(*)` })
        .from(conversations)
        .where(and(inArray(conversations.status, ['open', 'pending']), gt(conversations.unread, 0)))
        .get()
      return row?.n ?? 0
    },

    async markRead(id: number, now: number): Promise<boolean> {
      const rows = await db
        .update(conversations)
        .set({
          readThroughId: sql`coalesce((select max(${chatMessages.id}) from ${chatMessages} where ${chatMessages.memberId} = ${conversations.memberId} and ${chatMessages.direction} = 'in'), 0)`,
          unread: 0,
          updatedAt: now,
        })
        .where(eq(conversations.id, id))
        .returning({ id: conversations.id })
      return rows.length > 0
    },

    setStatusWrite(id, status, now) {
      return db
        .update(conversations)
        .set({
          status,
          closedAt: status === 'closed' ? now : null,
          updatedAt: now,
        })
        .where(eq(conversations.id, id))
    },

    assignWrite(id, staffId, now) {
      return db
        .update(conversations)
        .set({ assignedTo: staffId, updatedAt: now })
        .where(eq(conversations.id, id))
    },

    async memberIdByNumber(memberNumber) {
      const [row] = await db
        .select({ id: members.id })
        .from(members)
        .where(eq(members.memberNumber, memberNumber))
      return row?.id ?? null
    },
    /** Staff a conversation can be assigned to. */
    async assignableStaff() {
      return db
        .select({ id: staff.id, displayName: staff.displayName })
        .from(staff)
        .orderBy(asc(staff.displayName), asc(staff.id))
        .limit(500)
    },

    async staffExists(id: number): Promise<boolean> {
      const [row] = await db.select({ id: staff.id }).from(staff).where(eq(staff.id, id))
      return row !== undefined
    },
  }
}
