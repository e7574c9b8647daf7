import { z } from 'zod'
import { LineUnitStatsSchema } from './line-stats.ts'
import { ReachBreakdownSchema } from './messaging.ts'
import { GroupOutcomeSchema } from './lift.ts'
import { MemberNumberSchema } from './common.ts'
import { ComposerMessagesSchema, unknownPlaceholders } from './composer.ts'

/**
 * Segment broadcasts (セグメント配信): the staff API under /api/staff/broadcasts.
 * Read with `broadcasts.read`, everything that changes or sends with `broadcasts.send`.
 */

export const BROADCAST_STATUSES = [
  'draft',
  'scheduled',
  'planning',
  'sending',
  'paused',
  'done',
  'cancelled',
  'quota_stopped',
  'failed',
] as const
export const BroadcastStatusSchema = z.enum(BROADCAST_STATUSES)
export type BroadcastStatus = z.infer<typeof BroadcastStatusSchema>

/** Error codes (`{ error: { code, message } }`) the composer acts on. */
export const BROADCAST_ERROR_CODES = [
  'over_quota_confirm', // 409: the send exceeds the remaining monthly quota; resend with confirmOverQuota
  'not_editable', // 409: only drafts (and scheduled, before they start) can be edited
  'invalid_transition', // 409: e.g. pause on a finished broadcast
  'empty_audience', // 422: nobody to send to
  'segment_missing', // 422: the audience's saved segment was deleted
] as const
export type BroadcastErrorCode = (typeof BROADCAST_ERROR_CODES)[number]

export const MAX_CSV_MEMBER_NUMBERS = 100_000
export const MAX_HOLDOUT_PERCENT = 50
/** Quiet hours in the shop's time zone: a send starting in [21:00, 8:00) gets a warning. */
export const QUIET_HOURS = { fromHour: 21, untilHour: 8 } as const

export const BroadcastAudienceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('segment'), segmentId: z.number().int().positive() }),
  /** Every friend with marketing consent. */
  z.object({ kind: z.literal('all') }),
  /** A CSV of member numbers (see parseMemberNumbersCsv); unknown numbers are skipped. */
  z.object({
    kind: z.literal('members'),
    memberNumbers: z
      .array(MemberNumberSchema)
      .min(1, '会員番号を1件以上入れてください')
      .max(MAX_CSV_MEMBER_NUMBERS, '会員番号は100,000件までです'),
  }),
])
export type BroadcastAudience = z.infer<typeof BroadcastAudienceSchema>

/** POST /api/staff/broadcasts (create a draft) and PUT /api/staff/broadcasts/:id (replace it). */
export const BroadcastDraftSchema = z
  .object({
    title: z
      .string()
      .trim()
      .min(1, 'タイトルを入力してください')
      .max(80, 'タイトルは80文字以内です'),
    messages: ComposerMessagesSchema,
    audience: BroadcastAudienceSchema,
    /** Epoch ms; null = send when staff press send. */
    scheduledAt: z.number().int().positive().nullable().default(null),
    holdoutPercent: z
      .number()
      .int()
      .min(0)
      .max(MAX_HOLDOUT_PERCENT, '効果測定用の除外は 0〜50 % です')
      .default(0),
    /** Purchases and redemptions within this many days after the send count for attribution. */
    attributionDays: z.number().int().min(1).max(90, '効果測定の期間は 1〜90 日です').default(7),
  })
  .superRefine((draft, ctx) => {
    draft.messages.forEach((m, i) => {
      if (m.type !== 'text') return
      const unknown = unknownPlaceholders(m.text)
      if (unknown.length > 0)
        ctx.addIssue({
          code: 'custom',
          path: ['messages', i, 'text'],
          message: `使えない差し込み項目があります: ${unknown.map((u) => `{${u}}`).join(' ')}（使えるのは {name} {points} {tier} {coupon}）`,
        })
      if (/\{coupon\}/.test(m.text) && !draft.messages.some((x) => x.type === 'coupon'))
        ctx.addIssue({
          code: 'custom',
          path: ['messages', i, 'text'],
          message: '{coupon} を使うにはクーポンカードを追加してください',
        })
    })
  })
export type BroadcastDraft = z.input<typeof BroadcastDraftSchema>
export type BroadcastDraftParsed = z.output<typeof BroadcastDraftSchema>

export const BroadcastIdParamSchema = z.object({
  id: z
    .string()
    .regex(/^[1-9]\d{0,9}$/, '配信 ID が正しくありません')
    .transform(Number),
})

/** GET /api/staff/broadcasts query. */
export const BroadcastListQuerySchema = z.object({
  status: BroadcastStatusSchema.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
})

/** The audience in the list: a CSV of member numbers only as its size (the detail has them all). */
export const BroadcastAudienceSummarySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('segment'), segmentId: z.number().int().positive() }),
  z.object({ kind: z.literal('all') }),
  z.object({ kind: z.literal('members'), memberCount: z.number().int() }),
])
export type BroadcastAudienceSummary = z.infer<typeof BroadcastAudienceSummarySchema>

export const BroadcastSummarySchema = z.object({
  id: z.number().int(),
  title: z.string(),
  status: BroadcastStatusSchema,
  audience: BroadcastAudienceSummarySchema,
  scheduledAt: z.number().int().nullable(),
  createdAt: z.number().int(),
  startedAt: z.number().int().nullable(),
  finishedAt: z.number().int().nullable(),
  /** Frozen audience size (0 before the send starts). */
  recipientCount: z.number().int(),
})
export type BroadcastSummary = z.infer<typeof BroadcastSummarySchema>

/** GET /api/staff/broadcasts */
export const BroadcastListSchema = z.object({ broadcasts: z.array(BroadcastSummarySchema) })
export type BroadcastList = z.infer<typeof BroadcastListSchema>

export const BroadcastSchema = BroadcastSummarySchema.extend({
  audience: BroadcastAudienceSchema,
  messages: ComposerMessagesSchema,
  holdoutPercent: z.number().int(),
  attributionDays: z.number().int(),
  /** Why the broadcast stopped (quota_stopped, failed), in Japanese for staff. */
  error: z.string().nullable(),
})
export type Broadcast = z.infer<typeof BroadcastSchema>

/** Responses of create / update / get / send / pause / resume / cancel. */
export const BroadcastResponseSchema = z.object({ broadcast: BroadcastSchema })
export type BroadcastResponse = z.infer<typeof BroadcastResponseSchema>

/** The share of the monthly limit from which staff are warned the quota nears its end. */
export const QUOTA_WARN_RATIO = 0.8

/**
 * LINE's monthly message quota (GET /v2/bot/message/quota and …/quota/consumption), as the staff
 * console shows it: on the home screen and before every send that costs.
 */
export const MessageQuotaSchema = z.object({
  /** 'none' = no monthly limit on this plan; 'unknown' = LINE's quota endpoints did not answer. */
  type: z.enum(['none', 'limited', 'unknown']),
  limit: z.number().int().nullable(),
  /** null when unknown. */
  used: z.number().int().nullable(),
  /** null when unlimited or unknown. */
  remaining: z.number().int().nullable(),
  /**
   * ok; near: ≥ 80 % used; reached: nothing left; unknown: LINE did not answer (sends still go:
   * LINE enforces its limit itself).
   */
  level: z.enum(['ok', 'near', 'reached', 'unknown']),
  /** When LINE was asked (ms since epoch; null: never answered). */
  checkedAt: z.number().int().nullable(),
})
/** GET /api/staff/quota */
export const MessageQuotaResponseSchema = z.object({ quota: MessageQuotaSchema })
export type MessageQuotaResponse = z.infer<typeof MessageQuotaResponseSchema>
export type MessageQuota = z.infer<typeof MessageQuotaSchema>

/** GET /api/staff/broadcasts/:id/estimate (or POST /api/staff/broadcasts/estimate with a draft). */
export const BroadcastEstimateSchema = z.object({
  /** Sendable members in the audience (following, marketing consent). */
  audience: z.number().int(),
  /** Expected holdout (not sent; compared against for lift). */
  holdout: z.number().int(),
  /** Members who will be sent. */
  recipients: z.number().int(),
  /** Messages LINE bills: one per recipient (a send of up to 5 bubbles counts once). */
  billedMessages: z.number().int(),
  quota: MessageQuotaSchema,
  /** The send exceeds `quota.remaining`: POST …/send needs `confirmOverQuota: true`. */
  needsConfirm: z.boolean(),
  /**
   * Over the remaining quota: how many will be sent this month (the remainder) and how many stop
   * until staff resume (next month or after a plan change), and who goes first; null otherwise.
   */
  overQuota: z
    .object({
      sent: z.number().int(),
      stopped: z.number().int(),
      /** Who gets it first: the members who became friends earliest (the plan's chunk order). */
      order: z.enum(['earliest_members']),
    })
    .nullable(),
  /** Set when the (scheduled or immediate) send starts in quiet hours in shop time. */
  quietHoursWarning: z.object({ localTime: z.string(), message: z.string() }).nullable(),
  /** The audience before exclusions and why some of it is not reached (issue 14). */
  reach: ReachBreakdownSchema,
})
export type BroadcastEstimate = z.infer<typeof BroadcastEstimateSchema>

/** POST /api/staff/broadcasts/:id/test: the rendered messages go by push to chosen staff. */
export const BroadcastTestSendSchema = z.object({
  staffIds: z
    .array(z.number().int().positive())
    .min(1, 'テスト送信先のスタッフを選んでください')
    .max(10, 'テスト送信は10人までです'),
})
export const BroadcastTestSendResultSchema = z.object({
  sent: z.number().int(),
  /** Staff without a LINE friend link (no member row) cannot receive; listed by ID. */
  skipped: z.array(z.number().int()),
})

/**
 * POST /api/staff/broadcasts/:id/send: freezes the audience and starts (or, with a future
 * scheduledAt, schedules) the send. Over the remaining quota → 409 over_quota_confirm unless confirmed.
 */
export const BroadcastSendSchema = z.object({
  confirmOverQuota: z.boolean().default(false),
})

export const RECIPIENT_STATUSES = ['queued', 'sending', 'sent', 'failed', 'holdout'] as const
export const CHUNK_STATUSES = ['pending', 'sending', 'sent', 'failed', 'cancelled'] as const

/** GET /api/staff/broadcasts/:id/progress (poll every few seconds while sending). */
export const BroadcastProgressSchema = z.object({
  status: BroadcastStatusSchema,
  recipients: z.object({
    total: z.number().int(),
    queued: z.number().int(),
    sending: z.number().int(),
    sent: z.number().int(),
    failed: z.number().int(),
    holdout: z.number().int(),
  }),
  chunks: z.object({
    total: z.number().int(),
    pending: z.number().int(),
    sending: z.number().int(),
    sent: z.number().int(),
    failed: z.number().int(),
    cancelled: z.number().int(),
    multicast: z.number().int(),
    push: z.number().int(),
  }),
  error: z.string().nullable(),
  startedAt: z.number().int().nullable(),
  finishedAt: z.number().int().nullable(),
})
export type BroadcastProgress = z.infer<typeof BroadcastProgressSchema>

/** GET /api/staff/broadcasts/:id/result: the final report. */
export const BroadcastResultSchema = z.object({
  status: BroadcastStatusSchema,
  /** Recipients LINE accepted (200, or 409 = accepted earlier under the same retry key). */
  accepted: z.number().int(),
  failed: z.number().int(),
  failures: z.array(z.object({ reason: z.string(), recipients: z.number().int() })),
  holdout: z.number().int(),
  /** Not sent because the broadcast was cancelled or stopped. */
  notSent: z.number().int(),
  couponsIssued: z.number().int(),
  startedAt: z.number().int().nullable(),
  finishedAt: z.number().int().nullable(),
  /** LINE's opens and clicks for the broadcast's aggregation unit as last polled; null: not yet. */
  line: LineUnitStatsSchema.nullable(),
})
export type BroadcastResult = z.infer<typeof BroadcastResultSchema>

/**
 * GET /api/staff/broadcasts/:id/failed-recipients?cursor=&limit=: who did not get it and why
 * (LINE's reason in Japanese), in chunk order; keyset paged.
 */
export const FailedRecipientsQuerySchema = z.object({
  cursor: z
    .string()
    .regex(/^\d{1,12}_\d{1,4}$/, 'cursor: 正しくないカーソルです')
    .optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
})
export const FailedRecipientSchema = z.object({
  memberId: z.number().int(),
  memberNumber: z.string(),
  memberName: z.string().nullable(),
  reason: z.string(),
})
export type FailedRecipient = z.infer<typeof FailedRecipientSchema>
export const FailedRecipientPageSchema = z.object({
  items: z.array(FailedRecipientSchema),
  nextCursor: z.string().nullable(),
})
export type FailedRecipientPage = z.infer<typeof FailedRecipientPageSchema>

/** GET /api/staff/broadcasts/:id/attribution */
export const BroadcastAttributionSchema = z.object({
  days: z.number().int(),
  /** [startedAt, startedAt + days) */
  windowStart: z.number().int().nullable(),
  windowEnd: z.number().int().nullable(),
  recipients: GroupOutcomeSchema,
  holdout: GroupOutcomeSchema,
  coupons: z.object({ issued: z.number().int(), redeemed: z.number().int() }),
  /** recipients.conversion − holdout.conversion (percentage points as 0–1); null without a holdout. */
  lift: z.number().nullable(),
  /** recipients.conversion / holdout.conversion − 1; null when the holdout converted nobody. */
  relativeLift: z.number().nullable(),
  /** 95 % interval of `lift` (computeLift, shared with journeys and the dashboard). */
  liftInterval95: z.tuple([z.number(), z.number()]).nullable(),
})
export type BroadcastAttribution = z.infer<typeof BroadcastAttributionSchema>

/**
 * Reads member numbers from a CSV (any column; a header row is fine): every 10-digit cell,
 * de-duplicated, in order. Invalid cells are returned so the UI can show them.
 */
export function parseMemberNumbersCsv(text: string): {
  memberNumbers: string[]
  invalid: string[]
} {
  const seen = new Set<string>()
  const memberNumbers: string[] = []
  const invalid: string[] = []
  const lines = text.split(/\r?\n/)
  lines.forEach((line, index) => {
    const cells = line.split(/[,\t;]/).map((c) => c.trim().replace(/^"|"$/g, ''))
    for (const cell of cells) {
      if (cell === '') continue
      if (/^\d{10}$/.test(cell)) {
        if (!seen.has(cell)) {
          seen.add(cell)
          memberNumbers.push(cell)
        }
      } else if (index > 0 || /\d/.test(cell)) invalid.push(cell)
    }
  })
  return { memberNumbers, invalid }
}

/** Hour of day (0–23) of an instant in a time zone. */
function localHour(at: number, timeZone: string): number {
  const hour = new Intl.DateTimeFormat('en-US', { timeZone, hour: 'numeric', hourCycle: 'h23' })
    .formatToParts(new Date(at))
    .find((p) => p.type === 'hour')?.value
  return Number(hour ?? 0)
}

/** True when `at` falls in QUIET_HOURS in the shop's time zone. */
export function isInQuietHours(at: number, timeZone: string): boolean {
  const h = localHour(at, timeZone)
  return h >= QUIET_HOURS.fromHour || h < QUIET_HOURS.untilHour
}
