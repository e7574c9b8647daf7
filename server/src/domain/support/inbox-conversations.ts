import type {
  ConversationDetail,
  ConversationStatus,
  ConversationSummary,
  MemberContext,
} from '@joren/shared'
import type { StaffActor } from '../audit/audit.ts'
import { InvalidRequest } from '../errors.ts'
import { ConversationNotFound, MemberNotFound, StaffNotFound } from './errors.ts'
import { openConversation } from './handover.ts'
import { memberContext } from './member-context.ts'
import { toThreadMessage } from './thread.ts'
import type { ConversationCursor, InboxDeps, InboxStore } from './inbox-ports.ts'

const STATUS_FILTER: Record<string, ConversationStatus[] | null> = {
  active: ['open', 'pending'],
  open: ['open'],
  pending: ['pending'],
  closed: ['closed'],
  all: null,
}

function decodeListCursor(cursor: string | undefined): ConversationCursor | null {
  if (!cursor) return null
  const match = /^([01])_(\d{1,15})_(\d{1,12})$/.exec(cursor)
  if (!match) throw new InvalidRequest('cursor: 正しくないカーソルです')
  return { unread: match[1] === '1' ? 1 : 0, lastMessageAt: Number(match[2]), id: Number(match[3]) }
}

/** The conversation's summary, or ConversationNotFound. */
export async function requireConversation(
  store: InboxStore,
  id: number,
): Promise<ConversationSummary> {
  const summary = await store.summary(id)
  if (!summary) throw new ConversationNotFound()
  return summary
}

/**
 * Conversations as staff list, open and read them, with the member beside the thread; status and
 * assignment commit with their audit row.
 */
export function createInboxConversations(deps: InboxDeps) {
  const { store, uow } = deps
  const now = () => deps.clock.now()
  const requireSummary = (id: number) => requireConversation(store, id)

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

    /** The member beside the thread (one domain query over the features that own the parts). */
    async memberContext(id: number): Promise<MemberContext> {
      const summary = await requireSummary(id)
      return memberContext(deps.context, summary, now())
    },

    assignableStaff: () => store.assignableStaff(),
  }
}
