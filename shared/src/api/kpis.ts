import { z } from 'zod'
import { MessageQuotaSchema } from './broadcasts.ts'
import { GroupOutcomeSchema, LiftSchema } from './lift.ts'
import { LineUnitStatsSchema } from './line-stats.ts'

/** A shop-local calendar day, YYYY-MM-DD, that exists (2026-02-30 is refused). */
export const LocalDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, '日付は YYYY-MM-DD で指定してください')
  .refine((d) => {
    const t = Date.parse(`${d}T00:00:00Z`)
    return Number.isFinite(t) && new Date(t).toISOString().slice(0, 10) === d
  }, '存在しない日付です')

/** The longest period the KPIs are computed for in one request (about ten years). */
export const KPI_MAX_PERIOD_DAYS = 3660

function daysBetween(from: string, to: string): number {
  return (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000
}

/** `?from=YYYY-MM-DD&to=YYYY-MM-DD`: inclusive shop-local days, from ≤ to. */
export const KpiPeriodQuerySchema = z
  .object({ from: LocalDateSchema, to: LocalDateSchema })
  .strict()
  .refine((q) => q.from <= q.to, { message: 'from は to 以前の日付にしてください', path: ['from'] })
  .refine((q) => daysBetween(q.from, q.to) < KPI_MAX_PERIOD_DAYS, {
    message: `期間は ${KPI_MAX_PERIOD_DAYS} 日以内にしてください`,
    path: ['to'],
  })
export type KpiPeriodQuery = z.infer<typeof KpiPeriodQuerySchema>

export const KpiCohortSchema = z.object({
  /** The calendar month (shop time) of the cohort's first purchase. */
  month: z.string().regex(/^\d{4}-\d{2}$/),
  size: z.number().int().nonnegative(),
  /** retained[k]: cohort members who bought in the k-th calendar month after their first; [0] = size. */
  retained: z.array(z.number().int().nonnegative()),
})
export type KpiCohort = z.infer<typeof KpiCohortSchema>

/** GET /api/v1/kpis: the retention figures, with the meanings the README gives field by field. */
export const KpisSchema = z.object({
  from: LocalDateSchema,
  to: LocalDateSchema,
  timeZone: z.string(),
  buyers: z.number().int().nonnegative(),
  repeatBuyers: z.number().int().nonnegative(),
  repeatRate: z.number().min(0).max(1).nullable(),
  purchases: z.number().int().nonnegative(),
  revenueYen: z.number().int().nonnegative(),
  returningBuyers: z.number().int().nonnegative(),
  dormant: z.number().int().nonnegative(),
  dormantDays: z.number().int().positive(),
  ltv12mYen: z.object({
    mean: z.number().int().nonnegative().nullable(),
    median: z.number().int().nonnegative().nullable(),
    /** The first and last shop-local days of the 12 months (inclusive). */
    from: LocalDateSchema,
    to: LocalDateSchema,
    buyers: z.number().int().nonnegative(),
  }),
  cohorts: z.array(KpiCohortSchema),
})
export type Kpis = z.infer<typeof KpisSchema>

/** The scope an integration API key needs to read the KPIs (separate from purchases:write). */
export const KPIS_READ_SCOPE = 'kpis:read'

/** GET /api/staff/dashboard?from&to: the period's figures (members and purchases). */
export const DashboardFiguresSchema = z.object({
  from: LocalDateSchema,
  to: LocalDateSchema,
  /** Following the account at the end of the period (now, for a period ending today). */
  friends: z.number().int().nonnegative(),
  /** First follows in the period. */
  newFriends: z.number().int().nonnegative(),
  /** Blocks in the period (members whose block falls in it and who still block; an erasure is not a block). */
  blocked: z.number().int().nonnegative(),
  buyers: z.number().int().nonnegative(),
  repeatBuyers: z.number().int().nonnegative(),
  repeatRate: z.number().min(0).max(1).nullable(),
  purchases: z.number().int().nonnegative(),
  revenueYen: z.number().int().nonnegative(),
  /** revenueYen ÷ purchases, rounded half up; null without purchases. */
  averageOrderYen: z.number().int().nonnegative().nullable(),
  returningBuyers: z.number().int().nonnegative(),
  /** returningBuyers ÷ buyers; null without buyers. */
  returningShare: z.number().min(0).max(1).nullable(),
  dormant: z.number().int().nonnegative(),
  /** Buyers in the period whose previous purchase was more than dormantDays days before it. */
  reactivated: z.number().int().nonnegative(),
})
export type DashboardFigures = z.infer<typeof DashboardFiguresSchema>

export const RFM_RECENCY_BANDS = ['0-30', '31-90', '91-180', '181-365', '366+'] as const
export const RFM_FREQUENCY_BANDS = ['1', '2', '3-4', '5-9', '10+'] as const

export const RfmCellSchema = z.object({
  recency: z.enum(RFM_RECENCY_BANDS),
  frequency: z.enum(RFM_FREQUENCY_BANDS),
  members: z.number().int().nonnegative(),
  revenueYen: z.number().int().nonnegative(),
})
export type RfmCell = z.infer<typeof RfmCellSchema>

export const DashboardSchema = z.object({
  timeZone: z.string(),
  dormantDays: z.number().int().positive(),
  current: DashboardFiguresSchema,
  previous: DashboardFiguresSchema,
  /** Members who can receive a broadcast now (following and consenting to marketing). */
  reachable: z.number().int().nonnegative(),
  ltv12mYen: KpisSchema.shape.ltv12mYen,
  /** 12-month LTV at the end of each of the last 6 months (the last one ends `to`). */
  ltvTrend: z.array(
    z.object({
      to: LocalDateSchema,
      mean: z.number().int().nullable(),
      median: z.number().int().nullable(),
    }),
  ),
  cohorts: z.array(KpiCohortSchema),
  /** Today's recency (days since last purchase) × purchases ever: members and their spend. */
  rfm: z.array(RfmCellSchema),
})
export type Dashboard = z.infer<typeof DashboardSchema>

/** The dashboard's period: default the last 30 days ending today (shop time). */
export const DashboardQuerySchema = z
  .object({ from: LocalDateSchema.optional(), to: LocalDateSchema.optional() })
  .strict()
  .refine((q) => (q.from === undefined) === (q.to === undefined), {
    message: 'from と to は両方指定してください',
    path: ['from'],
  })
  .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, {
    message: 'from は to 以前の日付にしてください',
    path: ['from'],
  })
  .refine(
    (q) =>
      q.from === undefined || q.to === undefined || daysBetween(q.from, q.to) < KPI_MAX_PERIOD_DAYS,
    { message: `期間は ${KPI_MAX_PERIOD_DAYS} 日以内にしてください`, path: ['to'] },
  )

// ── The dashboard's campaign and satisfaction sections (GET /api/staff/dashboard/insights) ───

/** Coupon sources as the dashboard names them (journeys issue as 'automation'). */
export const COUPON_SOURCE_GROUPS = [
  'welcome',
  'survey',
  'broadcast',
  'journey',
  'exchange',
  'manual',
  'referral',
  'stamp_card',
] as const
export type CouponSourceGroup = (typeof COUPON_SOURCE_GROUPS)[number]

export const CouponSourceRateSchema = z.object({
  source: z.enum(COUPON_SOURCE_GROUPS),
  /** Coupons issued in the period (shop-local days). */
  issued: z.number().int().nonnegative(),
  /** Of those, redeemed by now. */
  redeemed: z.number().int().nonnegative(),
  /** redeemed ÷ issued; null when none were issued. */
  rate: z.number().min(0).max(1).nullable(),
})
export type CouponSourceRate = z.infer<typeof CouponSourceRateSchema>

export const SatisfactionMonthSchema = z.object({
  month: z.string().regex(/^\d{4}-\d{2}$/),
  /** Survey responses with an NPS answer submitted in the month. */
  npsResponses: z.number().int().nonnegative(),
  promoters: z.number().int().nonnegative(),
  passives: z.number().int().nonnegative(),
  detractors: z.number().int().nonnegative(),
  /** (promoters − detractors) ÷ npsResponses × 100, rounded half up; null without responses. */
  nps: z.number().int().min(-100).max(100).nullable(),
  /** Answers to 1–5 star (rating) questions in the month, and those of 4 or 5. */
  csatAnswers: z.number().int().nonnegative(),
  csatSatisfied: z.number().int().nonnegative(),
  /** csatSatisfied ÷ csatAnswers; null without answers. */
  csat: z.number().min(0).max(1).nullable(),
  /** Members who submitted any survey in the month. */
  respondents: z.number().int().nonnegative(),
  /** Friends at the end of the month (following now, first followed before the month ended). */
  friends: z.number().int().nonnegative(),
  /** respondents ÷ friends; null without friends. */
  responseRate: z.number().min(0).nullable(),
})
export type SatisfactionMonth = z.infer<typeof SatisfactionMonthSchema>

export const CampaignRowSchema = z.object({
  kind: z.enum(['broadcast', 'journey']),
  id: z.number().int(),
  name: z.string(),
  /** Broadcast: when sending started; journey: null (runs enter continuously). */
  startedAt: z.number().int().nullable(),
  /** The attribution window in days (the broadcast's, the journey goal's). */
  windowDays: z.number().int(),
  /** Contacted: sent recipients (broadcast) or entered runs that were not held out (journey). */
  reached: z.number().int().nonnegative(),
  heldOut: z.number().int().nonnegative(),
  couponsRedeemed: z.number().int().nonnegative(),
  /** What the contacted group bought in the window. */
  purchases: z.number().int().nonnegative(),
  revenueYen: z.number().int().nonnegative(),
  contacted: GroupOutcomeSchema,
  holdout: GroupOutcomeSchema,
  lift: LiftSchema,
  /**
   * LINE's opens and clicks as last polled: the broadcast's unit, or one per journey step (empty:
   * not polled yet, or unit statistics are switched off).
   */
  line: z.array(LineUnitStatsSchema),
})
export type CampaignRow = z.infer<typeof CampaignRowSchema>

export const MessageEconomySchema = z.object({
  /** The shop-local calendar month (the current one). */
  month: z.string().regex(/^\d{4}-\d{2}$/),
  /** Messages LINE counts against the quota this month that this product recorded sending. */
  pushes: z.number().int().nonnegative(),
  /** Replies (free) this month. */
  replies: z.number().int().nonnegative(),
  quota: MessageQuotaSchema,
  /** The plan as the quota reveals it (LINE Japan's 2023 plans). */
  plan: z.enum(['communication', 'light', 'standard', 'other', 'unknown']),
  /** Standard plan only: messages past the included 30,000, and their price (¥3 each at most). */
  overageMessages: z.number().int().nonnegative().nullable(),
  overageYen: z.number().int().nonnegative().nullable(),
  /** The plan's monthly fee plus overage; null when the plan is unknown. */
  costYen: z.number().int().nonnegative().nullable(),
  /** Buyers this month who had bought before it. */
  returningBuyers: z.number().int().nonnegative(),
  /** costYen ÷ returningBuyers, rounded half up; null without either. */
  costPerReturningYen: z.number().int().nonnegative().nullable(),
})
export type MessageEconomy = z.infer<typeof MessageEconomySchema>

export const DashboardInsightsSchema = z.object({
  from: LocalDateSchema,
  to: LocalDateSchema,
  timeZone: z.string(),
  /** The six calendar months ending with the month of `to`. */
  satisfaction: z.array(SatisfactionMonthSchema),
  coupons: z.array(CouponSourceRateSchema),
  /** Every started broadcast (newest first, at most 50) and every journey with runs. */
  campaigns: z.array(CampaignRowSchema),
  economy: MessageEconomySchema,
})
export type DashboardInsights = z.infer<typeof DashboardInsightsSchema>
