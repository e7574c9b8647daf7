import type { ConversationStatus, ConversationSummary } from '@joren/shared'
import {
  and,
  asc,
  desc,
  eq,
  gt,
  gte,
  inArray,
  isNotNull,
  lt,
  lte,
  or,
  sql,
  type SQL,
} from 'drizzle-orm'
import { alias } from 'drizzle-orm/sqlite-core'
import type { ConversationFilter, InboxStore } from '../../domain/support/inbox.ts'
import { previewOf, type ThreadRow } from '../../domain/support/thread.ts'
import type { LineMessage } from '../../domain/messaging/messenger.ts'
import type { BatchItem } from 'drizzle-orm/batch'
import type { Atomic } from '../atomic.ts'
import type { Database } from '../database.ts'
import { rowRef } from '../row-ref.ts'
import {
  cannedReplies,
  chatMessages,
  conversations,
  members,
  messageContents,
  outbox,
  staff,
} from '../schema.ts'

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`)

export function createInboxStore(db: Database, atomic: Atomic): InboxStore {
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

  const summaries = (where: SQL | undefined) =>
    db
      .select(summaryColumns)
      .from(conversations)
      .innerJoin(members, eq(members.id, conversations.memberId))
      .leftJoin(assignee, eq(assignee.id, conversations.assignedTo))
      .leftJoin(latest, latestOfMember)
      .where(where)

  const cannedColumns = {
    id: cannedReplies.id,
    title: cannedReplies.title,
    body: cannedReplies.body,
    updatedAt: cannedReplies.updatedAt,
  }

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
  const threadRows = (where: SQL | undefined) =>
    db
      .select(threadColumns)
      .from(chatMessages)
      .leftJoin(staff, eq(staff.id, chatMessages.staffId))
      .leftJoin(messageContents, eq(messageContents.chatMessageId, chatMessages.id))
      .where(where)

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
      const rows = await summaries(and(...conditions))
        .orderBy(desc(hasUnread), desc(conversations.lastMessageAt), desc(conversations.id))
        .limit(filter.limit)
      return rows.map(toSummary)
    },

    async summary(id: number): Promise<ConversationSummary | null> {
      const [row] = await summaries(eq(conversations.id, id))
      return row ? toSummary(row) : null
    },

    /** Conversations changed at or after `since` (a clock time), oldest change first. */
    async changedSince(since: number, limit: number): Promise<ConversationSummary[]> {
      const rows = await summaries(gte(conversations.updatedAt, since))
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
    async thread(memberId: number, beforeId: number | null, limit: number): Promise<ThreadRow[]> {
      const rows = await threadRows(
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

    async resendSource(chatMessageId: number) {
      const [row] = await threadRows(eq(chatMessages.id, chatMessageId))
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

    async listCanned() {
      return db
        .select(cannedColumns)
        .from(cannedReplies)
        .orderBy(asc(cannedReplies.title), asc(cannedReplies.id))
        .limit(500)
    },

    async findCanned(id) {
      const [row] = await db
        .select(cannedColumns)
        .from(cannedReplies)
        .where(eq(cannedReplies.id, id))
      return row ?? null
    },

    createCannedWrite(input, now) {
      return db.insert(cannedReplies).values({ ...input, createdAt: now, updatedAt: now })
    },

    insertedId: () => rowRef(sql`last_insert_rowid()`),

    async latestCanned(input) {
      const [row] = await db
        .select(cannedColumns)
        .from(cannedReplies)
        .where(and(eq(cannedReplies.title, input.title), eq(cannedReplies.body, input.body)))
        .orderBy(desc(cannedReplies.id))
        .limit(1)
      return row ?? null
    },

    updateCannedWrite(id, input, now) {
      return db
        .update(cannedReplies)
        .set({ ...input, updatedAt: now })
        .where(eq(cannedReplies.id, id))
    },

    deleteCannedWrite(id) {
      return db.delete(cannedReplies).where(eq(cannedReplies.id, id))
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
