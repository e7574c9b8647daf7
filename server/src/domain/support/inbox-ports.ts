import type {
  CannedReply,
  CannedReplyInput,
  ConversationStatus,
  ConversationSummary,
} from '@joren/shared'
import type { Clock, Defer, Ids, Logger } from '../ports.ts'
import type { RowRef, UnitOfWork, Write } from '../unit-of-work.ts'
import type { ContentSource, ContentStore } from './contents.ts'
import type { SupportDeps } from './handover.ts'
import type { MemberContextSources } from './member-context.ts'
import type { ReplyStore } from './reply.ts'
import type { ResendStore } from './resend.ts'
import type { ThreadRow } from './thread.ts'

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
