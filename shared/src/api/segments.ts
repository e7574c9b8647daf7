import { z } from 'zod'
import { PREFECTURE_CODES } from '../prefectures.ts'
import { IsoDateSchema } from './common.ts'
import { GENDERS } from './liff.ts'

// ── The rule tree ────────────────────────────────────────────────────────────────────────────
//
// A segment is a tree of `all` / `any` / `not` nodes over leaf conditions. The server compiles it
// to one parameterised SQL boolean over `members` (server/src/db/segments/compile.ts). Every value
// becomes a bound parameter, and D1 allows ≤ 100 per statement, so the tree is bounded: depth,
// leaf count, list sizes and the parameter cost below (an upper bound the compiler is tested
// against), leaving room for the statement that embeds it (e.g. a broadcast's INSERT … SELECT).

export const SEGMENT_MAX_DEPTH = 5
export const SEGMENT_MAX_LEAVES = 30
/** Upper bound of bound parameters a compiled tree may use (of D1's 100). */
export const SEGMENT_PARAM_BUDGET = 80
export const SEGMENT_LIST_MAX = 20

/** Comparison for counts, yen and points. */
export const SEGMENT_CMP_OPS = ['gte', 'lte', 'eq'] as const
export const SegmentCmpOpSchema = z.enum(SEGMENT_CMP_OPS)
export type SegmentCmpOp = z.infer<typeof SegmentCmpOpSchema>

/** For "days since …": gte = at least N days ago (or longer), lte = within the last N days. */
export const SEGMENT_DAYS_OPS = ['gte', 'lte'] as const
export const SegmentDaysOpSchema = z.enum(SEGMENT_DAYS_OPS)
export type SegmentDaysOp = z.infer<typeof SegmentDaysOpSchema>

const Days = z
  .number({ error: '日数は整数で入力してください' })
  .int('日数は整数で入力してください')
  .min(0, '日数は0以上です')
  .max(3650, '日数は3650日までです')
const PositiveDays = Days.min(1, '日数は1以上です')
const Count = z.number().int('回数は整数です').min(0, '0以上にしてください').max(100_000)
const Yen = z.number().int('金額は整数の円です').min(0, '0円以上にしてください').max(1_000_000_000)
const Id = z.number().int().positive()
const CategoryId = z.string().regex(/^[a-z0-9-]{1,32}$/, 'カテゴリ ID が正しくありません')
const InterestId = z.string().regex(/^[a-z0-9-]{1,32}$/, '興味・関心の ID が正しくありません')
const SurveyItemId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,40}$/, '設問・選択肢の ID が正しくありません')

function list<T extends z.ZodType>(item: T, what: string) {
  return z
    .array(item)
    .min(1, `${what}を1つ以上選んでください`)
    .max(SEGMENT_LIST_MAX, `${what}は${SEGMENT_LIST_MAX}個までです`)
}

/**
 * The "last N days" windows the per-member purchase summary keeps (count and spend per window), so
 * a windowed rule is an indexed lookup instead of a scan of purchases.
 */
export const SEGMENT_WINDOW_DAYS = [30, 90, 180, 365] as const
export type SegmentWindowDays = (typeof SEGMENT_WINDOW_DAYS)[number]

/**
 * A purchase window: all time, the rolling 12 months (shop-local months, like tiers), or the last
 * 30 / 90 / 180 / 365 days. All are kept in the RFM summary.
 */
export const SegmentWindowSchema = z.union(
  [
    z.literal('all'),
    z.literal('12m'),
    z.object({
      days: z.literal(SEGMENT_WINDOW_DAYS, { error: '期間は30・90・180・365日から選んでください' }),
    }),
  ],
  { error: '期間は全期間・直近12か月・30・90・180・365日から選んでください' },
)
export type SegmentWindow = z.infer<typeof SegmentWindowSchema>

export const NPS_BANDS = ['promoter', 'passive', 'detractor'] as const

export const SegmentLeafSchema = z.discriminatedUnion('type', [
  /** Days since the last completed purchase. Members who never bought never match. */
  z.object({ type: z.literal('lastPurchase'), op: SegmentDaysOpSchema, days: Days }),
  /** Days since the first completed purchase (e.g. new customers: lte 30). */
  z.object({ type: z.literal('firstPurchase'), op: SegmentDaysOpSchema, days: Days }),
  /** Number of completed purchases in the window. `lte` includes members with none. */
  z.object({
    type: z.literal('purchaseCount'),
    op: SegmentCmpOpSchema,
    value: Count,
    window: SegmentWindowSchema,
  }),
  /** Spend (yen, completed purchases) in the window. `lte` includes members with none. */
  z.object({
    type: z.literal('spend'),
    op: SegmentCmpOpSchema,
    valueYen: Yen,
    window: SegmentWindowSchema,
  }),
  /** Among the top N % of members by 12-month spend (members with spend > 0). */
  z.object({
    type: z.literal('spendTopPercent'),
    percent: z.number().int().min(1, '1%以上にしてください').max(100, '100%までです'),
  }),
  /** Bought any of these categories, ever or within the last N days. */
  z.object({
    type: z.literal('category'),
    categories: list(CategoryId, 'カテゴリ'),
    withinDays: PositiveDays.nullable(),
  }),
  /** Current tier: at least (by tier threshold) or exactly this tier. */
  z.object({ type: z.literal('tier'), op: z.enum(['atLeast', 'exactly']), tierId: Id }),
  /** Tags: has any / all / none of these. */
  z.object({
    type: z.literal('tags'),
    match: z.enum(['any', 'all', 'none']),
    tagIds: list(Id, 'タグ'),
  }),
  z.object({ type: z.literal('gender'), genders: list(z.enum(GENDERS), '性別') }),
  /** The member's area (prefecture, JIS code). */
  z.object({ type: z.literal('prefecture'), prefectures: list(z.enum(PREFECTURE_CODES), '地域') }),
  /** Age in whole years today (shop time zone), from the birthday; inclusive bounds. */
  z
    .object({
      type: z.literal('age'),
      min: z.number().int().min(0).max(130).nullable(),
      max: z.number().int().min(0).max(130).nullable(),
    })
    .refine((v) => v.min !== null || v.max !== null, '年齢の下限か上限を入力してください')
    .refine(
      (v) => v.min === null || v.max === null || v.min <= v.max,
      '年齢の範囲を確認してください',
    ),
  /** Birthday in this month (1–12), or 'current' = the current month in the shop's time zone. */
  z.object({
    type: z.literal('birthdayMonth'),
    month: z.union([z.number().int().min(1).max(12), z.literal('current')]),
  }),
  /** Interests (profile interests or member_attributes key 'interests'): any of these. */
  z.object({ type: z.literal('interests'), interests: list(InterestId, '興味・関心') }),
  /** A member attribute (e.g. set by a survey answer): key = value. */
  z.object({
    type: z.literal('attribute'),
    key: z.string().trim().min(1, '項目名を入力してください').max(64),
    value: z.string().trim().min(1, '値を入力してください').max(200),
  }),
  /** Became a friend (current follow) within the last N days. */
  z.object({ type: z.literal('followedWithin'), days: PositiveDays }),
  /** Became a friend (current follow) before this date (shop time zone, start of that day). */
  z.object({ type: z.literal('followedBefore'), date: IsoDateSchema }),
  z.object({ type: z.literal('surveyAnswered'), surveyId: Id }),
  z.object({
    type: z.literal('surveyOption'),
    surveyId: Id,
    questionId: SurveyItemId,
    optionId: SurveyItemId,
  }),
  /** NPS band of the member's latest scored response: promoter 9–10, passive 7–8, detractor 0–6. */
  z.object({ type: z.literal('npsBand'), surveyId: Id, band: z.enum(NPS_BANDS) }),
  /** Current points balance. `lte` includes members with no balance row (0). */
  z.object({
    type: z.literal('points'),
    op: SegmentCmpOpSchema,
    value: z.number().int().min(0).max(100_000_000),
  }),
  /** Holds an unused, unexpired coupon of this template. */
  z.object({ type: z.literal('unusedCoupon'), templateId: Id }),
  /** Days since the member last sent a message or postback. Members who never did never match. */
  z.object({ type: z.literal('lastInteraction'), op: SegmentDaysOpSchema, days: Days }),
])
export type SegmentLeaf = z.infer<typeof SegmentLeafSchema>
export type SegmentLeafType = SegmentLeaf['type']

export type SegmentRule =
  | SegmentLeaf
  | { type: 'all'; rules: SegmentRule[] }
  | { type: 'any'; rules: SegmentRule[] }
  | { type: 'not'; rule: SegmentRule }

/** Upper bound of the bound parameters one leaf compiles to (compile.ts is tested against it). */
export function segmentLeafParamCost(leaf: SegmentLeaf): number {
  switch (leaf.type) {
    case 'lastPurchase':
    case 'firstPurchase':
    case 'lastInteraction':
    case 'followedWithin':
    case 'followedBefore':
    case 'birthdayMonth':
    case 'surveyAnswered':
    case 'npsBand':
    case 'points':
    case 'tier':
    case 'spendTopPercent':
      return 1
    case 'purchaseCount':
    case 'spend':
      return 1 // the window is a column name, not a parameter
    case 'category':
      return leaf.categories.length + (leaf.withinDays === null ? 0 : 1)
    case 'tags':
      return leaf.tagIds.length + (leaf.match === 'all' ? 1 : 0)
    case 'gender':
      return leaf.genders.length
    case 'prefecture':
      return leaf.prefectures.length
    case 'age':
      return 2
    case 'interests':
      return leaf.interests.length * 2
    case 'attribute':
      return 2
    case 'surveyOption':
      return 3
    case 'unusedCoupon':
      return 2
  }
}

export interface SegmentRuleSize {
  depth: number
  leaves: number
  params: number
}

/** Depth (a lone leaf is 1), leaf count and parameter upper bound of a tree. */
export function segmentRuleSize(rule: SegmentRule): SegmentRuleSize {
  switch (rule.type) {
    case 'all':
    case 'any': {
      const parts = rule.rules.map(segmentRuleSize)
      return {
        depth: 1 + Math.max(0, ...parts.map((p) => p.depth)),
        leaves: parts.reduce((n, p) => n + p.leaves, 0),
        params: parts.reduce((n, p) => n + p.params, 0),
      }
    }
    case 'not': {
      const inner = segmentRuleSize(rule.rule)
      return { ...inner, depth: inner.depth + 1 }
    }
    default:
      return { depth: 1, leaves: 1, params: segmentLeafParamCost(rule) }
  }
}

const RuleNodeSchema: z.ZodType<SegmentRule> = z.lazy(() =>
  z.union([
    z.object({
      type: z.literal('all'),
      rules: z.array(RuleNodeSchema).max(SEGMENT_MAX_LEAVES, '条件が多すぎます'),
    }),
    z.object({
      type: z.literal('any'),
      rules: z
        .array(RuleNodeSchema)
        .min(1, '「いずれか」には条件を1つ以上入れてください')
        .max(SEGMENT_MAX_LEAVES, '条件が多すぎます'),
    }),
    z.object({ type: z.literal('not'), rule: RuleNodeSchema }),
    SegmentLeafSchema,
  ]),
) as z.ZodType<SegmentRule>

/**
 * A whole rule tree, bounded. `{ type: 'all', rules: [] }` matches every member.
 */
export const SegmentRuleSchema = RuleNodeSchema.superRefine((rule, ctx) => {
  const size = segmentRuleSize(rule)
  if (size.depth > SEGMENT_MAX_DEPTH)
    ctx.addIssue({ code: 'custom', message: `条件の入れ子は${SEGMENT_MAX_DEPTH}段までです` })
  if (size.leaves > SEGMENT_MAX_LEAVES)
    ctx.addIssue({ code: 'custom', message: `条件は${SEGMENT_MAX_LEAVES}個までです` })
  if (size.params > SEGMENT_PARAM_BUDGET)
    ctx.addIssue({
      code: 'custom',
      message: '条件（選択した項目の数）が多すぎます。条件を減らしてください',
    })
})

// ── Built-in segments and their editable thresholds ──────────────────────────────────────────

export const BUILT_IN_SEGMENT_KEYS = [
  'new',
  'loyal',
  'casual',
  'dormant',
  'at_risk',
  'vip',
  'birthday',
] as const
export const BuiltInSegmentKeySchema = z.enum(BUILT_IN_SEGMENT_KEYS)
export type BuiltInSegmentKey = z.infer<typeof BuiltInSegmentKeySchema>

const ThresholdDays = PositiveDays
const ThresholdCount = z.number().int().min(1, '1回以上にしてください').max(1000)

export const BuiltInThresholdsSchema = z.discriminatedUnion('key', [
  /** First purchase within N days. */
  z.object({ key: z.literal('new'), firstPurchaseWithinDays: ThresholdDays }),
  /** At least N purchases in the last 12 months. */
  z.object({ key: z.literal('loyal'), minPurchases12m: ThresholdCount }),
  /** Between min and max purchases in 12 months, and a purchase within N days. */
  z
    .object({
      key: z.literal('casual'),
      minPurchases12m: ThresholdCount,
      maxPurchases12m: ThresholdCount,
      activeWithinDays: ThresholdDays,
    })
    .refine((v) => v.minPurchases12m <= v.maxPurchases12m, {
      message: '回数の範囲を確認してください',
      path: ['maxPurchases12m'],
    }),
  /** No purchase for N days or more (bought at least once). */
  z.object({ key: z.literal('dormant'), inactiveDays: ThresholdDays }),
  /** Was loyal (≥ N purchases in 12 months), but no purchase for M days or more. */
  z.object({
    key: z.literal('at_risk'),
    minPurchases12m: ThresholdCount,
    silentDays: ThresholdDays,
  }),
  /** Top N % by 12-month spend. */
  z.object({ key: z.literal('vip'), topPercent: z.number().int().min(1).max(100) }),
  /** Birthday in the current month (shop time zone); no threshold. */
  z.object({ key: z.literal('birthday') }),
])
export type BuiltInThresholds = z.infer<typeof BuiltInThresholdsSchema>

export const DEFAULT_BUILT_IN_THRESHOLDS: {
  [K in BuiltInSegmentKey]: Extract<BuiltInThresholds, { key: K }>
} = {
  new: { key: 'new', firstPurchaseWithinDays: 30 },
  loyal: { key: 'loyal', minPurchases12m: 5 },
  casual: { key: 'casual', minPurchases12m: 1, maxPurchases12m: 4, activeWithinDays: 90 },
  dormant: { key: 'dormant', inactiveDays: 90 },
  at_risk: { key: 'at_risk', minPurchases12m: 5, silentDays: 60 },
  vip: { key: 'vip', topPercent: 20 },
  birthday: { key: 'birthday' },
}

export const BUILT_IN_SEGMENT_NAMES: Record<BuiltInSegmentKey, { ja: string; en: string }> = {
  new: { ja: '新規のお客さま', en: 'New customers' },
  loyal: { ja: '常連のお客さま', en: 'Loyal customers' },
  casual: { ja: 'ときどき来店', en: 'Casual customers' },
  dormant: { ja: 'ご無沙汰のお客さま', en: 'Dormant customers' },
  at_risk: { ja: '離反しそうな常連', en: 'At-risk loyal customers' },
  vip: { ja: 'VIP（購入額上位）', en: 'VIP (top spenders)' },
  birthday: { ja: '今月お誕生日', en: 'Birthday this month' },
}

/** The rule tree a built-in segment stands for, given its thresholds. */
export function builtInSegmentRules(t: BuiltInThresholds): SegmentRule {
  switch (t.key) {
    case 'new':
      return { type: 'firstPurchase', op: 'lte', days: t.firstPurchaseWithinDays }
    case 'loyal':
      return { type: 'purchaseCount', op: 'gte', value: t.minPurchases12m, window: '12m' }
    case 'casual':
      return {
        type: 'all',
        rules: [
          { type: 'purchaseCount', op: 'gte', value: t.minPurchases12m, window: '12m' },
          { type: 'purchaseCount', op: 'lte', value: t.maxPurchases12m, window: '12m' },
          { type: 'lastPurchase', op: 'lte', days: t.activeWithinDays },
        ],
      }
    case 'dormant':
      return { type: 'lastPurchase', op: 'gte', days: t.inactiveDays }
    case 'at_risk':
      return {
        type: 'all',
        rules: [
          { type: 'purchaseCount', op: 'gte', value: t.minPurchases12m, window: '12m' },
          { type: 'lastPurchase', op: 'gte', days: t.silentDays },
        ],
      }
    case 'vip':
      return { type: 'spendTopPercent', percent: t.topPercent }
    case 'birthday':
      return { type: 'birthdayMonth', month: 'current' }
  }
}

// ── Staff API: /api/staff/segments ───────────────────────────────────────────────────────────

const SegmentNameSchema = z
  .string()
  .trim()
  .min(1, 'セグメント名を入力してください')
  .max(40, 'セグメント名は40文字までです')

export const SegmentSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  /** Set for a built-in segment; its rules follow from `thresholds`. */
  builtIn: BuiltInSegmentKeySchema.nullable(),
  thresholds: BuiltInThresholdsSchema.nullable(),
  rules: RuleNodeSchema,
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
})
export type Segment = z.infer<typeof SegmentSchema>

/** GET /api/staff/segments: built-ins first, then saved segments by name. */
export const SegmentListResponseSchema = z.object({ segments: z.array(SegmentSchema) })
export type SegmentListResponse = z.infer<typeof SegmentListResponseSchema>

/** POST /api/staff/segments */
export const SegmentCreateSchema = z.object({ name: SegmentNameSchema, rules: SegmentRuleSchema })
export type SegmentCreate = z.infer<typeof SegmentCreateSchema>

/**
 * PUT /api/staff/segments/:id — a saved segment takes name and/or rules; a built-in takes name
 * and/or thresholds (of its own key).
 */
export const SegmentUpdateSchema = z
  .object({
    name: SegmentNameSchema.optional(),
    rules: SegmentRuleSchema.optional(),
    thresholds: BuiltInThresholdsSchema.optional(),
  })
  .refine(
    (v) => v.name !== undefined || v.rules !== undefined || v.thresholds !== undefined,
    '変更する項目がありません',
  )
export type SegmentUpdate = z.infer<typeof SegmentUpdateSchema>

/** POST /api/staff/segments/count */
export const SegmentCountRequestSchema = z.object({ rules: SegmentRuleSchema })
export type SegmentCountRequest = z.infer<typeof SegmentCountRequestSchema>

export const SEGMENT_SAMPLE_SIZE = 20

export const SegmentSampleMemberSchema = z.object({
  memberNumber: z.string(),
  displayName: z.string().nullable(),
  tierName: z.string().nullable(),
  lastPurchaseAt: z.number().int().nullable(),
  spend12mYen: z.number().int(),
  /** The points balance: what {points} becomes for this member (the composer's preview). */
  points: z.number().int(),
})
export type SegmentSampleMember = z.infer<typeof SegmentSampleMemberSchema>

export const SegmentCountResponseSchema = z.object({
  /** Members matching the rules (any follow state or consent). */
  count: z.number().int(),
  /** Of those, who a broadcast would reach: following and consenting to marketing. */
  sendableCount: z.number().int(),
  /** The first members by member ID (up to SEGMENT_SAMPLE_SIZE). */
  sample: z.array(SegmentSampleMemberSchema),
  /** When the counts were taken (epoch ms). */
  at: z.number().int(),
})
export type SegmentCountResponse = z.infer<typeof SegmentCountResponseSchema>
