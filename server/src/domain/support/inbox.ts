import type {
  CannedReply,
  CannedReplyInput,
  ConversationDetail,
  ConversationStatus,
  ConversationSummary,
  InboxUpdates,
  MemberContext,
  ReplyInput,
  ReplyResult,
  ResendResult,
} from '@joren/shared'
import type { StaffActor } from '../audit/audit.ts'
import { InvalidRequest } from '../errors.ts'
import type { Clock, Defer, Ids, Logger } from '../ports.ts'
import type { RowRef, UnitOfWork, Write } from '../unit-of-work.ts'
import {
  fetchContentNow,
  SERVABLE_IMAGE_TYPES,
  type ContentSource,
  type ContentStore,
} from './contents.ts'
import {
  CannedReplyNotFound,
  ContentNotAvailable,
  ConversationNotFound,
  MemberNotFound,
  StaffNotFound,
} from './errors.ts'
import { openConversation, type SupportDeps } from './handover.ts'
import { memberContext, type MemberContextSources } from './member-context.ts'
import { replyToConversation, type ReplyStore } from './reply.ts'
import { resendAsPush, type ResendStore } from './resend.ts'
import { toThreadMessage, type ThreadRow } from './thread.ts'

export interface ConversationCursor {
  unread: 0 | 1
  lastMessageAt: number
  id: number
}

export interface ConversationFilter {
  statuses: ConversationStatus[] | null
  /** A staff ID, or null for unassigned; undefined for anyone. */
  assignedTo?: number | null
  q?: string
  after: ConversationCursor | null
  limit: number
}

/**
 * The staff inbox's storage: conversations as staff list them, threads, canned replies. Reads
 * answer now; `…Write` methods plan one statement for a commit with its audit row.
 */
export interface InboxStore extends ReplyStore, ResendStore {
  /** Unread first, then newest message first; keyset on (unread > 0, last_message_at, id). */
  list(filter: ConversationFilter): Promise<ConversationSummary[]>
  summary(id: number): Promise<ConversationSummary | null>
  /** Conversations changed at or after `since` (a clock time), oldest change first. */
  changedSince(since: number, limit: number): Promise<ConversationSummary[]>
  replyState(
    id: number,
  ): Promise<{ replyToken: string | null; replyTokenExpiresAt: number | null } | null>
  /** The member's messages, newest `limit` before `beforeId`, returned oldest first. */
  thread(memberId: number, beforeId: number | null, limit: number): Promise<ThreadRow[]>
  /** New messages of members who have a conversation, in (afterId, throughId]. */
  messagesAfter(afterId: number, throughId: number, limit: number): Promise<ThreadRow[]>
  maxMessageId(): Promise<number>
  unreadConversations(): Promise<number>
  /** Everything inbound so far is read; false when there is no such conversation. */
  markRead(id: number, now: number): Promise<boolean>
  setStatusWrite(id: number, status: ConversationStatus, now: number): Write
  assignWrite(id: number, staffId: number | null, now: number): Write
  memberIdByNumber(memberNumber: string): Promise<number | null>
  /** Staff a conversation can be assigned to. */
  assignableStaff(): Promise<{ id: number; displayName: string }[]>
  staffExists(id: number): Promise<boolean>
  listCanned(): Promise<CannedReply[]>
  findCanned(id: number): Promise<CannedReply | null>
  createCannedWrite(input: CannedReplyInput, now: number): Write
  /** The row the previous insert of the same commit made. */
  insertedId(): RowRef
  /** The newest canned reply with exactly this title and body (after its commit). */
  latestCanned(input: CannedReplyInput): Promise<CannedReply | null>
  /** Changes a row only when it exists. */
  updateCannedWrite(id: number, input: CannedReplyInput, now: number): Write
  /** Changes a row only when it exists. */
  deleteCannedWrite(id: number): Write
}

export interface InboxDeps {
  store: InboxStore
  /** The hand-over's stores: staff open conversations the way the bot does. */
  support: SupportDeps
  contents: ContentStore
  content: ContentSource
  context: MemberContextSources
  uow: UnitOfWork
  clock: Clock
  ids: Ids
  logger: Logger
  /** A reply was queued: send it soon (after the response on Workers). */
  kickProcessing(defer: Defer): void
}

const STATUS_FILTER: Record<string, ConversationStatus[] | null> = {
  active: ['open', 'pending'],
  open: ['open'],
  pending: ['pending'],
  closed: ['closed'],
  all: null,
}

const UPDATES_LIMIT = 200
const CHANGED_LIMIT = 100

function decodeListCursor(cursor: string | undefined): ConversationCursor | null {
  if (!cursor) return null
  const match = /^([01])_(\d{1,15})_(\d{1,12})$/.exec(cursor)
  if (!match) throw new InvalidRequest('cursor: 正しくないカーソルです')
  return { unread: match[1] === '1' ? 1 : 0, lastMessageAt: Number(match[2]), id: Number(match[3]) }
}

function decodeUpdatesCursor(cursor: string): { messageId: number; at: number } {
  const match = /^(\d{1,15})_(\d{1,15})$/.exec(cursor)
  if (!match) throw new InvalidRequest('since: 正しくないカーソルです')
  return { messageId: Number(match[1]), at: Number(match[2]) }
}

/**
 * The support inbox (staff console): conversations, threads, the member beside them, replies,
 * assignment, status and canned replies. Staff changes commit with their audit row.
 */
export function createInboxService(deps: InboxDeps) {
  const { store, uow } = deps
  const now = () => deps.clock.now()

  async function requireSummary(id: number): Promise<ConversationSummary> {
    const summary = await store.summary(id)
    if (!summary) throw new ConversationNotFound()
    return summary
  }

  return {
    async list(
      actor: StaffActor,
      query: {
        status: string
        assignedTo?: 'me' | 'none' | number
        q?: string
        cursor?: string
        limit: number
      },
    ): Promise<{ items: ConversationSummary[]; nextCursor: string | null }> {
      const assignedTo =
        query.assignedTo === 'me' ? actor.id : query.assignedTo === 'none' ? null : query.assignedTo
      const items = await store.list({
        statuses: STATUS_FILTER[query.status] ?? null,
        assignedTo,
        q: query.q || undefined,
        after: decodeListCursor(query.cursor),
        limit: query.limit + 1,
      })
      const page = items.slice(0, query.limit)
      const last = page.at(-1)
      const nextCursor =
        items.length > query.limit && last
          ? `${last.unread > 0 ? 1 : 0}_${last.lastMessageAt}_${last.id}`
          : null
      return { items: page, nextCursor }
    },

    /**
     * Staff start (or reopen) the member's conversation; `created` when this made it. The
     * opening, its `conversation.opened` event and its audit row commit together.
     */
    async open(
      actor: StaffActor,
      memberNumber: string,
    ): Promise<{ conversation: ConversationSummary; created: boolean }> {
      const memberId = await store.memberIdByNumber(memberNumber)
      if (memberId === null) throw new MemberNotFound()
      const opened = await openConversation(deps.support, {
        memberId,
        reason: 'staff',
        at: now(),
        audit: {
          staffId: actor.id,
          action: 'conversation.open',
          before: null,
          after: { memberNumber, reason: 'staff' },
        },
      })
      return { conversation: await requireSummary(opened.conversationId), created: opened.created }
    },

    async detail(
      id: number,
      query: { before?: number; limit: number },
    ): Promise<ConversationDetail> {
      const { limit } = query
      const conversation = await requireSummary(id)
      const rows = await store.thread(conversation.memberId, query.before ?? null, limit + 1)
      const older = rows.length > limit
      const shown = older ? rows.slice(1) : rows
      const replyState = await store.replyState(id)
      const at = now()
      const tokenFresh =
        !!replyState?.replyToken &&
        replyState.replyTokenExpiresAt !== null &&
        replyState.replyTokenExpiresAt > at
      return {
        conversation,
        messages: shown.map(toThreadMessage),
        olderCursor: older ? (shown[0]?.id ?? null) : null,
        replyMode: tokenFresh ? 'reply' : 'push',
        replyTokenExpiresAt: tokenFresh ? (replyState?.replyTokenExpiresAt ?? null) : null,
      }
    },

    /** A read marker (not audited: opening a thread reads it). */
    async markRead(id: number): Promise<ConversationSummary> {
      if (!(await store.markRead(id, now()))) throw new ConversationNotFound()
      return requireSummary(id)
    },

    async setStatus(
      actor: StaffActor,
      id: number,
      status: ConversationStatus,
    ): Promise<ConversationSummary> {
      const before = await requireSummary(id)
      await uow.commit([
        store.setStatusWrite(id, status, now()),
        uow.audit(
          {
            staffId: actor.id,
            action: 'conversation.status',
            targetType: 'conversation',
            targetId: String(id),
            before: before.status,
            after: status,
          },
          { onlyIfChanged: true },
        ),
      ])
      return requireSummary(id)
    },

    async assign(
      actor: StaffActor,
      id: number,
      staffId: number | null,
    ): Promise<ConversationSummary> {
      if (staffId !== null && !(await store.staffExists(staffId))) throw new StaffNotFound()
      const before = await requireSummary(id)
      await uow.commit([
        store.assignWrite(id, staffId, now()),
        uow.audit(
          {
            staffId: actor.id,
            action: 'conversation.assign',
            targetType: 'conversation',
            targetId: String(id),
            before: before.assignedTo?.id ?? null,
            after: staffId,
          },
          { onlyIfChanged: true },
        ),
      ])
      return requireSummary(id)
    },

    /**
     * A staff reply (the thread records who sent it): by the member's unused reply token while it
     * is fresh, by push otherwise; sending starts after the response.
     */
    async reply(
      actor: StaffActor,
      id: number,
      input: ReplyInput,
      defer: Defer,
    ): Promise<ReplyResult> {
      const result = await replyToConversation(
        { store, clock: deps.clock, ids: deps.ids },
        { conversationId: id, staffId: actor.id, ...input },
      )
      deps.kickProcessing(defer)
      return result
    },

    /**
     * A failed staff reply sent again as a push (staff decided; billed: one message). Once per
     * failed message; its audit row commits with it; sending starts after the response.
     */
    async resend(actor: StaffActor, chatMessageId: number, defer: Defer): Promise<ResendResult> {
      const result = await resendAsPush(
        { store, uow, clock: deps.clock, ids: deps.ids },
        actor,
        chatMessageId,
      )
      deps.kickProcessing(defer)
      return result
    },

    /** The member beside the thread (one domain query over the features that own the parts). */
    async memberContext(id: number): Promise<MemberContext> {
      const summary = await requireSummary(id)
      return memberContext(deps.context, summary, now())
    },

    /** What changed since the cursor (the console polls it); without one, the cursor and counts. */
    async updates(since: string | undefined): Promise<InboxUpdates> {
      const at = now()
      const [unreadConversations, alerts] = await Promise.all([
        store.unreadConversations(),
        deps.support.alerts.countOpen(),
      ])
      if (!since) {
        return {
          cursor: `${await store.maxMessageId()}_${at}`,
          conversations: [],
          messages: [],
          unreadConversations,
          openAlerts: alerts,
        }
      }
      const from = decodeUpdatesCursor(since)
      // Bounded by the newest ID now, so the cursor passes messages outside the inbox too.
      const throughId = await store.maxMessageId()
      const [rows, changed] = await Promise.all([
        store.messagesAfter(from.messageId, throughId, UPDATES_LIMIT),
        store.changedSince(from.at, CHANGED_LIMIT),
      ])
      const lastId = rows.length === UPDATES_LIMIT ? (rows.at(-1)?.id ?? from.messageId) : throughId
      return {
        // A conversation updated within the same millisecond is sent again next time, never missed.
        cursor: `${lastId}_${changed.length > 0 ? Math.min(at, Math.max(...changed.map((s) => s.updatedAt))) : from.at}`,
        conversations: changed,
        messages: rows.map(toThreadMessage),
        unreadConversations,
        openAlerts: alerts,
      }
    },

    /** A customer's image, fetched from LINE now if it is still pending; why not, in Japanese. */
    async content(chatMessageId: number): Promise<{ contentType: string; bytes: Uint8Array }> {
      let content = await deps.contents.read(chatMessageId)
      if (content?.status === 'pending') {
        await fetchContentNow(
          {
            contents: deps.contents,
            fetchContent: deps.content.fetchContent,
            maxBytes: deps.content.maxContentBytes,
            clock: deps.clock,
            ids: deps.ids,
            logger: deps.logger,
          },
          chatMessageId,
        )
        content = await deps.contents.read(chatMessageId)
      }
      if (!content) throw new ContentNotAvailable('この画像は見つかりません。')
      if (content.status === 'pending')
        throw new ContentNotAvailable(
          '画像を LINE から取得中です。しばらくしてから開いてください。',
        )
      if (content.status === 'too_large')
        throw new ContentNotAvailable('画像が大きすぎるため保存していません。')
      if (content.status === 'failed' || !content.bytes || !content.contentType)
        throw new ContentNotAvailable('画像を LINE から取得できませんでした。')
      if (!SERVABLE_IMAGE_TYPES.includes(content.contentType))
        throw new ContentNotAvailable('画像以外の内容は表示できません。')
      return { contentType: content.contentType, bytes: content.bytes }
    },

    assignableStaff: () => store.assignableStaff(),

    cannedReplies: () => store.listCanned(),

    async createCanned(actor: StaffActor, input: CannedReplyInput): Promise<CannedReply> {
      await uow.commit([
        store.createCannedWrite(input, now()),
        uow.audit({
          staffId: actor.id,
          action: 'canned_reply.create',
          targetType: 'canned_reply',
          targetId: store.insertedId(),
          before: null,
          after: input,
        }),
      ])
      const saved = await store.latestCanned(input)
      if (!saved) throw new Error('canned reply committed but not found')
      return saved
    },

    async updateCanned(
      actor: StaffActor,
      id: number,
      input: CannedReplyInput,
    ): Promise<CannedReply> {
      await uow.commit([
        store.updateCannedWrite(id, input, now()),
        uow.audit(
          {
            staffId: actor.id,
            action: 'canned_reply.update',
            targetType: 'canned_reply',
            targetId: String(id),
            before: null,
            after: input,
          },
          { onlyIfChanged: true },
        ),
      ])
      const saved = await store.findCanned(id)
      if (!saved) throw new CannedReplyNotFound()
      return saved
    },

    async deleteCanned(actor: StaffActor, id: number): Promise<void> {
      if (!(await store.findCanned(id))) throw new CannedReplyNotFound()
      await uow.commit([
        store.deleteCannedWrite(id),
        uow.audit(
          {
            staffId: actor.id,
            action: 'canned_reply.delete',
            targetType: 'canned_reply',
            targetId: String(id),
            before: null,
            after: null,
          },
          { onlyIfChanged: true },
        ),
      ])
    },
  }
}

export type InboxService = ReturnType<typeof createInboxService>
