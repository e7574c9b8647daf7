import { z } from 'zod'
import { CursorSchema, MemberNumberSchema } from './common.ts'
import { TimeOfDaySchema } from './shop.ts'
import { NoteSchema } from './staff.ts'

/**
 * The staff inbox (/api/staff/inbox, permission support.inbox; canned replies CRUD support.manage)
 * and staff alerts (/api/staff/alerts, /api/staff/me/alert-prefs, permission alerts.read).
 */

const idParam = (label: string) =>
  z
    .string()
    .regex(/^[1-9]\d{0,11}$/, `${label}が正しくありません`)
    .transform(Number)

export const ConversationIdParamSchema = z.object({ id: idParam('会話 ID') })
export const ChatMessageIdParamSchema = z.object({ chatMessageId: idParam('メッセージ ID') })
export const CannedReplyIdParamSchema = z.object({ id: idParam('定型文 ID') })
export const StaffAlertIdParamSchema = z.object({ id: idParam('アラート ID') })

export const ConversationStatusSchema = z.enum(['open', 'pending', 'closed'])
export type ConversationStatus = z.infer<typeof ConversationStatusSchema>
export const OpenReasonSchema = z.enum(['unanswered', 'ask_staff', 'low_score', 'staff'])
export type OpenReason = z.infer<typeof OpenReasonSchema>

export const StaffRefSchema = z.object({ id: z.number().int(), displayName: z.string() })
export type StaffRef = z.infer<typeof StaffRefSchema>

/** One row of the conversation list. */
export const ConversationSummarySchema = z.object({
  id: z.number().int(),
  memberId: z.number().int(),
  memberNumber: z.string(),
  memberName: z.string().nullable(),
  pictureUrl: z.string().nullable(),
  /** The member's LINE language (e.g. 'ja', 'en'), for the reply's wording. */
  language: z.string().nullable(),
  followState: z.enum(['following', 'blocked']),
  status: ConversationStatusSchema,
  openReason: OpenReasonSchema,
  assignedTo: StaffRefSchema.nullable(),
  unread: z.number().int(),
  lastMessageAt: z.number().int(),
  lastInboundAt: z.number().int().nullable(),
  /** A one-line preview of the customer's newest message ('[画像]', '[スタンプ]' for non-text). */
  lastMessagePreview: z.string().nullable(),
  openedAt: z.number().int(),
  closedAt: z.number().int().nullable(),
  updatedAt: z.number().int(),
})
export type ConversationSummary = z.infer<typeof ConversationSummarySchema>

/**
 * GET /api/staff/inbox/conversations: unread first, then newest message first; keyset paged.
 * `status` 'active' = open + pending (the default). `assignedTo`: a staff ID, 'me' or 'none'.
 * `q` searches member name, member number and message text.
 */
export const ConversationListQuerySchema = z.object({
  status: z.enum(['active', 'open', 'pending', 'closed', 'all']).default('active'),
  assignedTo: z
    .union([
      z.enum(['me', 'none']),
      z
        .string()
        .regex(/^[1-9]\d{0,9}$/)
        .transform(Number),
    ])
    .optional(),
  q: z.string().trim().max(50, '検索語は50文字以内にしてください').optional(),
  cursor: CursorSchema.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(30),
})
export type ConversationListQuery = z.input<typeof ConversationListQuerySchema>

export const ConversationPageSchema = z.object({
  items: z.array(ConversationSummarySchema),
  nextCursor: z.string().nullable(),
})
export type ConversationPage = z.infer<typeof ConversationPageSchema>

/** How a message looks in the thread. */
export const ThreadContentSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: z.string() }),
  z.object({
    type: z.literal('image'),
    /**
     * GET with the staff token (Authorization header: fetch it and show a blob URL); Cache-Control
     * private. Set while pending too: opening it fetches it from LINE at once (404 if that fails,
     * retry later). Null when too large or failed.
     */
    contentUrl: z.string().nullable(),
    /** For images the product sent: the public URL it sent. */
    externalUrl: z.string().nullable(),
    status: z.enum(['pending', 'stored', 'too_large', 'failed', 'external']),
  }),
  z.object({
    type: z.literal('sticker'),
    packageId: z.string(),
    stickerId: z.string(),
    /** LINE's sticker image (may not load for every sticker: show `label` then). */
    imageUrl: z.string(),
    label: z.string(),
  }),
  /** A button the member tapped: the label they saw when known, else the data. */
  z.object({ type: z.literal('postback'), label: z.string(), data: z.string() }),
  /** Flex, templates, locations, files …: a labelled placeholder, e.g. '[Flex] 会員証'. */
  z.object({ type: z.literal('other'), label: z.string() }),
])
export type ThreadContent = z.infer<typeof ThreadContentSchema>

/**
 * Why an outbound message did not simply go. 'unknown': LINE may have delivered it and cannot be
 * asked, so it is never resent (reply_in_doubt: LINE answered an error or nothing after possibly
 * delivering the reply, whose token then proved used or expired; interrupted: the server stopped
 * while the reply was on its way). 'failed': it did not go (monthly_limit: the channel's messages
 * for this month are used up; rejected: LINE refused the message; gave_up: LINE kept failing;
 * not_allowed: the shop's settings do not allow a billed message in place of the reply).
 */
export const DeliveryProblemSchema = z.object({
  state: z.enum(['unknown', 'failed']),
  reason: z.enum([
    'reply_in_doubt',
    'interrupted',
    'monthly_limit',
    'rejected',
    'gave_up',
    'not_allowed',
    // A staff reply whose reply token LINE refused (used or expired, e.g. after a restart) or that
    // expired before it could go: nothing went, and staff decide whether to resend it as a push.
    'reply_token',
    // The member blocked the account before it went.
    'blocked',
  ]),
  /**
   * LINE's answer in Japanese when LINE refused it (common messages translated; otherwise a
   * Japanese sentence with LINE's own words). Null when LINE said nothing.
   */
  lineReason: z.string().nullable().optional(),
})
export type DeliveryProblem = z.infer<typeof DeliveryProblemSchema>
export type DeliveryReason = DeliveryProblem['reason']

export const OutboundStateSchema = z.enum(['queued', 'retrying', 'sent', 'failed', 'unknown'])
export type OutboundState = z.infer<typeof OutboundStateSchema>

export const ThreadMessageSchema = z.object({
  id: z.number().int(),
  memberId: z.number().int(),
  direction: z.enum(['in', 'out']),
  /** The LINE message type ('text', 'image', 'sticker', 'flex', …) or 'postback'. */
  kind: z.string(),
  content: ThreadContentSchema,
  /** Outbound: the bot, a staff reply or a broadcast; null for inbound. */
  origin: z.enum(['bot', 'staff', 'broadcast']).nullable(),
  staff: StaffRefSchema.nullable(),
  /** Outbound: how it went (reply is free, push is billed); null while not yet sent. */
  via: z.enum(['reply', 'push', 'multicast']).nullable(),
  /** Outbound, when it did not simply go: delivery unknown or failed, and why. */
  delivery: DeliveryProblemSchema.nullable(),
  /**
   * Outbound: where it stands — queued (waiting to go), retrying (LINE failed, trying again),
   * sent, failed (see `delivery`), unknown (maybe delivered; never resent). Null for inbound.
   */
  state: OutboundStateSchema.nullable().optional(),
  /** A failed staff reply staff can resend as a push (billed: one message). */
  resendable: z.boolean().optional(),
  /** The thread message that resent this one (null: not resent). */
  resentAs: z.number().int().nullable().optional(),
  /** This message resends that one (a failed staff reply). */
  resendOf: z.number().int().nullable().optional(),
  createdAt: z.number().int(),
})
export type ThreadMessage = z.infer<typeof ThreadMessageSchema>

/** GET /api/staff/inbox/conversations/:id?before=<message ID>: the newest messages, oldest first. */
export const ThreadQuerySchema = z.object({
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
})

export const ReplyModeSchema = z.enum(['reply', 'push'])
export type ReplyMode = z.infer<typeof ReplyModeSchema>

export const ConversationDetailSchema = z.object({
  conversation: ConversationSummarySchema,
  messages: z.array(ThreadMessageSchema),
  /** Pass as `before` to load older messages; null when there are none. */
  olderCursor: z.number().int().nullable(),
  /** What a reply sent now would use: a fresh unused reply token (free) or push (billed). */
  replyMode: ReplyModeSchema,
  /** When the reply token stops being usable (null with push). */
  replyTokenExpiresAt: z.number().int().nullable(),
})
export type ConversationDetail = z.infer<typeof ConversationDetailSchema>

/**
 * POST /api/staff/inbox/conversations: staff start (or reopen) the member's conversation, e.g.
 * from the member page. Answers the conversation's summary (201 when it was created).
 */
export const ConversationOpenInputSchema = z.object({ memberNumber: MemberNumberSchema })

/** PUT /api/staff/inbox/conversations/:id/status */
export const ConversationStatusInputSchema = z.object({ status: ConversationStatusSchema })
/** PUT /api/staff/inbox/conversations/:id/assignee (null unassigns) */
export const AssignInputSchema = z.object({
  staffId: z.number().int().positive().nullable(),
})

/** POST /api/staff/inbox/conversations/:id/reply — a double-click with the same key sends once. */
export const ReplyInputSchema = z.object({
  text: z
    .string()
    .trim()
    .min(1, '返信を入力してください')
    .max(5000, '返信は 5,000 文字以内にしてください'),
  idempotencyKey: z
    .string()
    .regex(/^[A-Za-z0-9_-]{8,64}$/, 'idempotencyKey は英数字・-・_ の8〜64文字にしてください'),
})
export type ReplyInput = z.infer<typeof ReplyInputSchema>

export const ReplyResultSchema = z.object({
  /** The reply's thread message. */
  messageId: z.number().int(),
  via: ReplyModeSchema,
  /** Push messages count against the monthly message quota (billed); replies are free. */
  billed: z.boolean(),
})
export type ReplyResult = z.infer<typeof ReplyResultSchema>

/**
 * POST /api/staff/inbox/messages/:chatMessageId/resend: a failed staff reply sent again as a push
 * (billed: one message). Once per failed message: a double-click or a retried request resends once
 * and answers the same.
 */
export const ResendInputSchema = z.object({}).strict()
export const ResendResultSchema = z.object({
  /** The resend's thread message. */
  messageId: z.number().int(),
  via: z.literal('push'),
  billed: z.literal(true),
})
export type ResendResult = z.infer<typeof ResendResultSchema>

/** GET /api/staff/inbox/conversations/:id/context: the member beside the thread. */
export const MemberContextSchema = z.object({
  member: z.object({
    id: z.number().int(),
    memberNumber: z.string(),
    displayName: z.string().nullable(),
    pictureUrl: z.string().nullable(),
    language: z.string().nullable(),
    followState: z.enum(['following', 'blocked']),
    followedAt: z.number().int().nullable(),
  }),
  tier: z.object({ name: z.string() }).nullable(),
  pointsBalance: z.number().int(),
  purchases: z.array(
    z.object({
      id: z.number().int(),
      amountYen: z.number().int(),
      purchasedAt: z.number().int(),
      store: z.string().nullable(),
      status: z.string(),
    }),
  ),
  coupons: z.array(
    z.object({
      id: z.number().int(),
      title: z.string(),
      expiresAt: z.number().int(),
    }),
  ),
  surveys: z.array(
    z.object({
      responseId: z.number().int(),
      surveyTitle: z.string(),
      submittedAt: z.number().int(),
      npsScore: z.number().int().nullable(),
      lowScore: z.boolean(),
      answers: z.array(z.object({ question: z.string(), answer: z.string() })),
    }),
  ),
  tags: z.array(z.object({ id: z.number().int(), name: z.string() })),
  notes: z.array(NoteSchema),
})
export type MemberContext = z.infer<typeof MemberContextSchema>

/** GET /api/staff/inbox/staff: who a conversation can be assigned to. */
export const AssignableStaffSchema = z.array(StaffRefSchema)

export const CannedReplyInputSchema = z.object({
  title: z.string().trim().min(1, 'タイトルを入力してください').max(40, 'タイトルは40文字以内'),
  body: z.string().trim().min(1, '本文を入力してください').max(2000, '本文は2,000文字以内'),
})
export type CannedReplyInput = z.infer<typeof CannedReplyInputSchema>
export const CannedReplySchema = CannedReplyInputSchema.extend({
  id: z.number().int(),
  updatedAt: z.number().int(),
})
export type CannedReply = z.infer<typeof CannedReplySchema>

/**
 * GET /api/staff/inbox/updates?since=<cursor>: what changed since the cursor (poll every few
 * seconds). Without `since`, only the current cursor and counts. Both runtimes.
 */
export const InboxUpdatesQuerySchema = z.object({ since: CursorSchema.optional() })
export const InboxUpdatesSchema = z.object({
  cursor: z.string(),
  /** Conversations that changed (new message, status, assignment, read) since the cursor. */
  conversations: z.array(ConversationSummarySchema),
  /** New thread messages since the cursor (any conversation), oldest first. */
  messages: z.array(ThreadMessageSchema),
  /** Conversations open or pending with unread messages. */
  unreadConversations: z.number().int(),
  openAlerts: z.number().int(),
})
export type InboxUpdates = z.infer<typeof InboxUpdatesSchema>

// ── Staff alerts ───────────────────────────────────────────────────────────────────────────

/**
 * new_conversation and low_score are about a member; webhook_parked (a LINE event stored without
 * processing) and security (a burst of wrong setup codes, invitation codes or API keys) are not.
 */
export const StaffAlertKindSchema = z.enum([
  'new_conversation',
  'low_score',
  'webhook_parked',
  'security',
  // A background job gave up: a message LINE refused or that kept failing, a broadcast chunk
  // that failed, a domain event a subscriber could not handle (raised by triggers, like
  // webhook_parked).
  'job_failed',
  // A member asked for their personal data to be deleted (from the mini-app); an owner acts on it.
  'data_request',
])
export type StaffAlertKind = z.infer<typeof StaffAlertKindSchema>

export const StaffAlertSchema = z.object({
  id: z.number().int(),
  kind: StaffAlertKindSchema,
  memberId: z.number().int().nullable(),
  memberNumber: z.string().nullable(),
  memberName: z.string().nullable(),
  conversationId: z.number().int().nullable(),
  surveyResponseId: z.number().int().nullable(),
  summary: z.string(),
  createdAt: z.number().int(),
  resolvedAt: z.number().int().nullable(),
  resolvedBy: StaffRefSchema.nullable(),
})
export type StaffAlert = z.infer<typeof StaffAlertSchema>

/** GET /api/staff/alerts: newest first; 'open' (default) = not resolved. */
export const StaffAlertsQuerySchema = z.object({
  status: z.enum(['open', 'all']).default('open'),
  cursor: CursorSchema.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
})
export const StaffAlertPageSchema = z.object({
  items: z.array(StaffAlertSchema),
  nextCursor: z.string().nullable(),
})
export type StaffAlertPage = z.infer<typeof StaffAlertPageSchema>

/**
 * GET/PUT /api/staff/me/alert-prefs: LINE push alerts (batched) and quiet hours in shop time;
 * during quiet hours nothing is pushed, what arrived is summarised after. Quiet hours may cross
 * midnight (22:00–08:00). Both times or neither.
 */
export const AlertPrefsSchema = z
  .object({
    lineAlerts: z.boolean(),
    quietStart: TimeOfDaySchema.nullable(),
    quietEnd: TimeOfDaySchema.nullable(),
  })
  .refine(
    (p) => (p.quietStart === null) === (p.quietEnd === null),
    '静かな時間帯は開始と終了の両方を入れてください',
  )
  .refine(
    (p) => p.quietStart === null || p.quietStart !== p.quietEnd,
    '静かな時間帯の開始と終了が同じです',
  )
export type AlertPrefs = z.infer<typeof AlertPrefsSchema>
