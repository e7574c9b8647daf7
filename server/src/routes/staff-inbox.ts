import {
  AssignInputSchema,
  CannedReplyIdParamSchema,
  CannedReplyInputSchema,
  ChatMessageIdParamSchema,
  ConversationIdParamSchema,
  ConversationListQuerySchema,
  ConversationOpenInputSchema,
  ConversationStatusInputSchema,
  InboxUpdatesQuerySchema,
  ReplyInputSchema,
  ThreadQuerySchema,
  type ConversationDetail,
  type ConversationStatus,
  type InboxUpdates,
  type MemberContext,
} from '@joren/shared'
import { Hono, type Context } from 'hono'
import type { AppEnv } from '../deps.ts'
import { effectiveState } from '../domain/coupons/coupons.ts'
import { InvalidRequest } from '../domain/errors.ts'
import { fetchContentNow, SERVABLE_IMAGE_TYPES } from '../domain/support/contents.ts'
import {
  CannedReplyNotFound,
  ContentNotAvailable,
  ConversationNotFound,
  MemberNotFound,
  StaffNotFound,
} from '../domain/support/errors.ts'
import { openConversation } from '../domain/support/handover.ts'
import { replyToConversation } from '../domain/support/reply.ts'
import { readableAnswers } from '../domain/support/survey-answers.ts'
import { toThreadMessage } from '../domain/support/thread.ts'
import { requirePermission } from '../middleware/staff-auth.ts'
import {
  inboxStoreOf,
  memberSurveyResponses,
  staffAlertStoreOf,
  supportDeps,
  type ConversationCursor,
  type InboxStore,
} from '../support-services.ts'
import { parseBody, parseInput } from './validation.ts'

const inboxStore = (c: Context<AppEnv>): InboxStore => inboxStoreOf(c.var.deps)

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

function decodeUpdatesCursor(cursor: string): { messageId: number; at: number } {
  const match = /^(\d{1,15})_(\d{1,15})$/.exec(cursor)
  if (!match) throw new InvalidRequest('since: 正しくないカーソルです')
  return { messageId: Number(match[1]), at: Number(match[2]) }
}

async function requireSummary(store: InboxStore, id: number) {
  const summary = await store.summary(id)
  if (!summary) throw new ConversationNotFound()
  return summary
}

/** Who changed a conversation or a canned reply, and how (the audit log). */
async function audit(
  c: Context<AppEnv>,
  action: string,
  targetType: 'conversation' | 'canned_reply',
  targetId: number,
  before: unknown,
  after: unknown,
) {
  const { repositories, clock } = c.var.deps
  await repositories.audit.record(
    { staffId: c.var.staff.id, action, targetType, targetId: String(targetId), before, after },
    clock.now(),
  )
}

const PURCHASES_SHOWN = 5
const UPDATES_LIMIT = 200
const SURVEYS_SHOWN = 5

/** /api/staff/inbox: the support inbox (support.inbox; canned replies are edited with support.manage). */
export const staffInboxRoute = new Hono<AppEnv>()
  .get('/conversations', requirePermission('support.inbox'), async (c) => {
    const query = parseInput(ConversationListQuerySchema, c.req.query())
    const assignedTo =
      query.assignedTo === 'me'
        ? c.var.staff.id
        : query.assignedTo === 'none'
          ? null
          : query.assignedTo
    const items = await inboxStore(c).list({
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
    return c.json({ items: page, nextCursor })
  })
  .post('/conversations', requirePermission('support.inbox'), async (c) => {
    const { memberNumber } = await parseBody(c, ConversationOpenInputSchema)
    const { repositories, clock, config } = c.var.deps
    const memberId = await repositories.coupons.memberIdByNumber(memberNumber)
    if (memberId === null) throw new MemberNotFound()
    const opened = await openConversation(
      supportDeps({ repositories, clock, timeZone: config.SHOP_TIMEZONE, sandbox: config.sandbox }),
      { memberId, reason: 'staff', at: clock.now() },
    )
    const summary = await requireSummary(inboxStore(c), opened.conversationId)
    return c.json(summary, opened.created ? 201 : 200)
  })
  .get('/conversations/:id', requirePermission('support.inbox'), async (c) => {
    const { id } = parseInput(ConversationIdParamSchema, c.req.param())
    const { before, limit } = parseInput(ThreadQuerySchema, c.req.query())
    const store = inboxStore(c)
    const conversation = await requireSummary(store, id)
    const rows = await store.thread(conversation.memberId, before ?? null, limit + 1)
    const older = rows.length > limit
    const shown = older ? rows.slice(1) : rows
    const replyState = await store.replyState(id)
    const now = c.var.deps.clock.now()
    const tokenFresh =
      !!replyState?.replyToken &&
      replyState.replyTokenExpiresAt !== null &&
      replyState.replyTokenExpiresAt > now
    const detail: ConversationDetail = {
      conversation,
      messages: shown.map(toThreadMessage),
      olderCursor: older ? (shown[0]?.id ?? null) : null,
      replyMode: tokenFresh ? 'reply' : 'push',
      replyTokenExpiresAt: tokenFresh ? (replyState?.replyTokenExpiresAt ?? null) : null,
    }
    return c.json(detail)
  })
  .post('/conversations/:id/read', requirePermission('support.inbox'), async (c) => {
    const { id } = parseInput(ConversationIdParamSchema, c.req.param())
    const store = inboxStore(c)
    if (!(await store.markRead(id, c.var.deps.clock.now()))) throw new ConversationNotFound()
    return c.json(await requireSummary(store, id))
  })
  .put('/conversations/:id/status', requirePermission('support.inbox'), async (c) => {
    const { id } = parseInput(ConversationIdParamSchema, c.req.param())
    const { status } = await parseBody(c, ConversationStatusInputSchema)
    const store = inboxStore(c)
    const before = await requireSummary(store, id)
    if (!(await store.setStatus(id, status, c.var.deps.clock.now())))
      throw new ConversationNotFound()
    await audit(c, 'conversation.status', 'conversation', id, before.status, status)
    return c.json(await requireSummary(store, id))
  })
  .put('/conversations/:id/assignee', requirePermission('support.inbox'), async (c) => {
    const { id } = parseInput(ConversationIdParamSchema, c.req.param())
    const { staffId } = await parseBody(c, AssignInputSchema)
    const store = inboxStore(c)
    if (staffId !== null && !(await store.staffExists(staffId))) throw new StaffNotFound()
    const before = await requireSummary(store, id)
    if (!(await store.assign(id, staffId, c.var.deps.clock.now()))) throw new ConversationNotFound()
    const from = before.assignedTo?.id ?? null
    await audit(c, 'conversation.assign', 'conversation', id, from, staffId)
    return c.json(await requireSummary(store, id))
  })
  .post('/conversations/:id/reply', requirePermission('support.inbox'), async (c) => {
    const { id } = parseInput(ConversationIdParamSchema, c.req.param())
    const input = await parseBody(c, ReplyInputSchema)
    const { clock, ids } = c.var.deps
    const result = await replyToConversation(
      { store: inboxStore(c), clock, ids },
      { conversationId: id, staffId: c.var.staff.id, ...input },
    )
    c.var.deps.kickProcessing()
    return c.json(result, 201)
  })
  .get('/conversations/:id/context', requirePermission('support.inbox'), async (c) => {
    const { id } = parseInput(ConversationIdParamSchema, c.req.param())
    const summary = await requireSummary(inboxStore(c), id)
    const { repositories, db, clock } = c.var.deps
    const now = clock.now()
    const [detail, balance, tierRow, tiers, purchases, coupons, surveys] = await Promise.all([
      repositories.directory.detail(summary.memberNumber),
      repositories.points.balance(summary.memberId, now),
      repositories.loyalty.memberTier(summary.memberId),
      repositories.loyalty.tiers(),
      repositories.loyalty.listPurchases({ memberId: summary.memberId, limit: PURCHASES_SHOWN }),
      repositories.coupons.listForMember(summary.memberId),
      memberSurveyResponses(db, summary.memberId, SURVEYS_SHOWN),
    ])
    if (!detail) throw new ConversationNotFound()
    const tier = tiers.find((t) => t.id === tierRow?.tierId) ?? null
    const context: MemberContext = {
      member: {
        id: summary.memberId,
        memberNumber: detail.memberNumber,
        displayName: detail.displayName,
        pictureUrl: detail.pictureUrl,
        language: detail.language,
        followState: detail.followState,
        followedAt: detail.followedAt,
      },
      tier: tier ? { name: tier.name } : null,
      pointsBalance: balance,
      purchases: purchases.map((p) => ({
        id: p.id,
        amountYen: p.amountYen,
        purchasedAt: p.purchasedAt,
        store: p.store,
        status: p.status,
      })),
      coupons: coupons
        .map((coupon) => effectiveState(coupon, now))
        .filter((coupon) => coupon.state === 'issued')
        .map((coupon) => ({ id: coupon.id, title: coupon.title, expiresAt: coupon.expiresAt })),
      surveys: surveys.map((s) => ({
        responseId: s.responseId,
        surveyTitle: s.surveyTitle,
        submittedAt: s.submittedAt,
        npsScore: s.npsScore,
        lowScore: s.lowScore,
        answers: readableAnswers(s.questions, s.answers),
      })),
      tags: detail.tags,
      notes: detail.notes,
    }
    return c.json(context)
  })
  .get('/updates', requirePermission('support.inbox'), async (c) => {
    const { since } = parseInput(InboxUpdatesQuerySchema, c.req.query())
    const store = inboxStore(c)
    const now = c.var.deps.clock.now()
    const alerts = staffAlertStoreOf(c.var.deps.db)
    const [unreadConversations, openAlerts] = await Promise.all([
      store.unreadConversations(),
      alerts.countOpen(),
    ])
    if (!since) {
      const body: InboxUpdates = {
        cursor: `${await store.maxMessageId()}_${now}`,
        conversations: [],
        messages: [],
        unreadConversations,
        openAlerts,
      }
      return c.json(body)
    }
    const from = decodeUpdatesCursor(since)
    // Bounded by the newest ID now, so the cursor passes messages outside the inbox too.
    const throughId = await store.maxMessageId()
    const [rows, changed] = await Promise.all([
      store.messagesAfter(from.messageId, throughId, UPDATES_LIMIT),
      store.changedSince(from.at, 100),
    ])
    const lastId = rows.length === UPDATES_LIMIT ? (rows.at(-1)?.id ?? from.messageId) : throughId
    const body: InboxUpdates = {
      // A conversation updated within the same millisecond is sent again next time, never missed.
      cursor: `${lastId}_${changed.length > 0 ? Math.min(now, Math.max(...changed.map((s) => s.updatedAt))) : from.at}`,
      conversations: changed,
      messages: rows.map(toThreadMessage),
      unreadConversations,
      openAlerts,
    }
    return c.json(body)
  })
  .get('/contents/:chatMessageId', requirePermission('support.inbox'), async (c) => {
    const { chatMessageId } = parseInput(ChatMessageIdParamSchema, c.req.param())
    const { repositories, support, clock, ids, logger } = c.var.deps
    let content = await repositories.contents.read(chatMessageId)
    if (content?.status === 'pending' && support) {
      await fetchContentNow(
        {
          contents: repositories.contents,
          fetchContent: support.fetchContent,
          maxBytes: support.maxContentBytes,
          clock,
          ids,
          logger,
        },
        chatMessageId,
      )
      content = await repositories.contents.read(chatMessageId)
    }
    if (!content) throw new ContentNotAvailable('この画像は見つかりません。')
    if (content.status === 'pending')
      throw new ContentNotAvailable('画像を LINE から取得中です。しばらくしてから開いてください。')
    if (content.status === 'too_large')
      throw new ContentNotAvailable('画像が大きすぎるため保存していません。')
    if (content.status === 'failed' || !content.bytes || !content.contentType)
      throw new ContentNotAvailable('画像を LINE から取得できませんでした。')
    if (!SERVABLE_IMAGE_TYPES.includes(content.contentType))
      throw new ContentNotAvailable('画像以外の内容は表示できません。')
    const bytes = content.bytes
    return new Response(bytes.slice().buffer as ArrayBuffer, {
      headers: {
        'content-type': content.contentType,
        'content-length': String(bytes.byteLength),
        'cache-control': 'private, max-age=86400',
        'x-content-type-options': 'nosniff',
      },
    })
  })
  .get('/staff', requirePermission('support.inbox'), async (c) => {
    return c.json(await inboxStore(c).assignableStaff())
  })
  .get('/canned-replies', requirePermission('support.inbox'), async (c) => {
    return c.json(await inboxStore(c).listCanned())
  })
  .post('/canned-replies', requirePermission('support.manage'), async (c) => {
    const input = await parseBody(c, CannedReplyInputSchema)
    const saved = await inboxStore(c).createCanned(input, c.var.deps.clock.now())
    await audit(c, 'canned_reply.create', 'canned_reply', saved.id, null, input)
    return c.json(saved, 201)
  })
  .put('/canned-replies/:id', requirePermission('support.manage'), async (c) => {
    const { id } = parseInput(CannedReplyIdParamSchema, c.req.param())
    const input = await parseBody(c, CannedReplyInputSchema)
    const saved = await inboxStore(c).updateCanned(id, input, c.var.deps.clock.now())
    if (!saved) throw new CannedReplyNotFound()
    await audit(c, 'canned_reply.update', 'canned_reply', id, null, input)
    return c.json(saved)
  })
  .delete('/canned-replies/:id', requirePermission('support.manage'), async (c) => {
    const { id } = parseInput(CannedReplyIdParamSchema, c.req.param())
    if (!(await inboxStore(c).deleteCanned(id))) throw new CannedReplyNotFound()
    await audit(c, 'canned_reply.delete', 'canned_reply', id, null, null)
    return c.body(null, 204)
  })
