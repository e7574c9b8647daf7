import { z } from 'zod'
import { IsoDateSchema, MemberNumberSchema } from './common.ts'

// ── Earning rule and tiers (owner) ───────────────────────────────────────────────────────────

export const ROUNDINGS = ['floor', 'round', 'ceil'] as const

export const EarningRuleSchema = z.object({
  /** Yen per point before the tier multiplier (100 = 1pt per ¥100). */
  yenPerPoint: z.number().int().min(1, '1円以上にしてください').max(100_000),
  rounding: z.enum(ROUNDINGS),
  /** Category IDs whose purchases earn nothing (a purchase only in excluded categories). */
  excludedCategories: z.array(z.string().max(32)).max(50),
  /** Months a grant stays usable (to the end of that day, shop time). */
  expiryMonths: z.number().int().min(1).max(60),
})
export type EarningRule = z.infer<typeof EarningRuleSchema>

export const DEFAULT_EARNING_RULE: EarningRule = {
  yenPerPoint: 100,
  rounding: 'floor',
  excludedCategories: [],
  expiryMonths: 12,
}

export const TierInputSchema = z.object({
  name: z.string().trim().min(1, 'ランク名を入力してください').max(20),
  minSpendYen: z.number().int().min(0).max(1_000_000_000),
  /** Percent: 100 = ×1, 150 = ×1.5. */
  multiplierPercent: z.number().int().min(100).max(1000),
})
export type TierInput = z.infer<typeof TierInputSchema>

export const TiersUpdateSchema = z.object({
  tiers: z
    .array(TierInputSchema)
    .min(1)
    .max(10)
    .refine((t) => t.some((x) => x.minSpendYen === 0), '0円から始まるランクが必要です')
    .refine((t) => new Set(t.map((x) => x.name)).size === t.length, 'ランク名が重複しています')
    .refine(
      (t) => new Set(t.map((x) => x.minSpendYen)).size === t.length,
      '条件金額が重複しています',
    ),
})

export const TierSchema = TierInputSchema.extend({ id: z.number().int() })
export type Tier = z.infer<typeof TierSchema>

export const LoyaltySettingsSchema = z.object({
  rule: EarningRuleSchema,
  tiers: z.array(TierSchema),
})
export type LoyaltySettings = z.infer<typeof LoyaltySettingsSchema>

export const TierStatusSchema = z.object({
  tier: TierSchema.nullable(),
  spend12mYen: z.number().int(),
  next: z
    .object({ name: z.string(), minSpendYen: z.number().int(), remainingYen: z.number().int() })
    .nullable(),
})
export type TierStatus = z.infer<typeof TierStatusSchema>

// ── Purchases ────────────────────────────────────────────────────────────────────────────────

export const AmountYenSchema = z
  .number({ error: '金額は整数の円で入力してください' })
  .int('金額は整数の円で入力してください')
  .min(1, '金額は1円以上です')
  .max(10_000_000, '金額は1,000万円までです')

const CategoryIdsSchema = z.array(z.string().regex(/^[a-z0-9-]{1,32}$/)).max(10)

export const RegisterPurchaseSchema = z
  .object({
    /** The scanned member-card code (JM1.…), or … */
    cardToken: z.string().max(200).optional(),
    /** … the member number typed at the register. */
    memberNumber: MemberNumberSchema.optional(),
    amountYen: AmountYenSchema,
    categories: CategoryIdsSchema.default([]),
    store: z.string().trim().max(40).optional(),
    /** A UUID the register makes per purchase: a resend of the same request records it once. */
    requestId: z.uuid().optional(),
  })
  .refine((v) => (v.cardToken ? 1 : 0) + (v.memberNumber ? 1 : 0) === 1, {
    message: '会員証のコードか会員番号のどちらか一方を指定してください',
    path: ['memberNumber'],
  })
export type RegisterPurchase = z.infer<typeof RegisterPurchaseSchema>

/** The register's confirm step: who the scanned card or typed number is, before recording. */
export const RegisterMemberLookupSchema = z
  .object({
    cardToken: z.string().max(200).optional(),
    memberNumber: MemberNumberSchema.optional(),
  })
  .refine((v) => (v.cardToken ? 1 : 0) + (v.memberNumber ? 1 : 0) === 1, {
    message: '会員証のコードか会員番号のどちらか一方を指定してください',
    path: ['memberNumber'],
  })
export type RegisterMemberLookup = z.infer<typeof RegisterMemberLookupSchema>

export const RegisterMemberSchema = z.object({
  memberNumber: z.string(),
  /** The LINE display name (null before the profile is known). */
  displayName: z.string().nullable(),
  /** The member's tier name (null when the shop has no tiers). */
  tier: z.string().nullable(),
  balance: z.number().int(),
})
export type RegisterMember = z.infer<typeof RegisterMemberSchema>

export const ApiPurchaseSchema = z.object({
  memberNumber: MemberNumberSchema,
  amountYen: AmountYenSchema,
  categories: CategoryIdsSchema.default([]),
  store: z.string().trim().max(40).optional(),
  purchasedAt: z.iso.datetime({ offset: true }).optional(),
  externalId: z.string().trim().min(1).max(64).optional(),
})
export type ApiPurchase = z.infer<typeof ApiPurchaseSchema>

export const PurchaseSchema = z.object({
  id: z.number().int(),
  memberNumber: z.string(),
  amountYen: z.number().int(),
  categories: z.array(z.string()),
  store: z.string().nullable(),
  purchasedAt: z.number().int(),
  externalId: z.string().nullable(),
  source: z.enum(['register', 'api', 'csv']),
  status: z.enum(['completed', 'refunded']),
  pointsGranted: z.number().int(),
  refundedAt: z.number().int().nullable(),
})
export type Purchase = z.infer<typeof PurchaseSchema>

export const PurchaseResultSchema = z.object({
  purchase: PurchaseSchema,
  balance: z.number().int(),
  tier: TierStatusSchema,
})
export type PurchaseResult = z.infer<typeof PurchaseResultSchema>

export const PurchasesQuerySchema = z.object({
  memberNumber: MemberNumberSchema.optional(),
  from: IsoDateSchema.optional(),
  to: IsoDateSchema.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
})

export const PurchaseIdParamSchema = z.object({ id: z.coerce.number().int().positive() })

export const CsvImportQuerySchema = z.object({
  dryRun: z.enum(['true', 'false']).default('true'),
  /** grant: points as the rule gives them, expiring from each row's purchase date; none: history only. */
  points: z.enum(['grant', 'none']).default('grant'),
})

export const CsvImportResultSchema = z.object({
  dryRun: z.boolean(),
  rows: z.number().int(),
  committed: z.number().int(),
  pointsGranted: z.number().int(),
  errors: z.array(z.object({ line: z.number().int(), message: z.string() })),
  skipped: z.array(z.object({ line: z.number().int(), externalId: z.string() })),
})
export type CsvImportResult = z.infer<typeof CsvImportResultSchema>

// ── The ledger ───────────────────────────────────────────────────────────────────────────────

export const LedgerEntrySchema = z.object({
  id: z.number().int(),
  kind: z.enum(['grant', 'redeem', 'expire', 'adjust', 'reverse']),
  points: z.number().int(),
  reason: z.string().nullable(),
  expiresAt: z.number().int().nullable(),
  createdAt: z.number().int(),
})
export type LedgerEntry = z.infer<typeof LedgerEntrySchema>

export const PointsSummarySchema = z.object({
  balance: z.number().int(),
  tier: TierStatusSchema,
  /** The nearest expiry: points and the last day they are usable (YYYY-MM-DD, shop time). */
  expiring: z.object({ points: z.number().int(), lastDay: z.string() }).nullable(),
  history: z.array(LedgerEntrySchema),
})
export type PointsSummary = z.infer<typeof PointsSummarySchema>

export const PointsAdjustSchema = z.object({
  points: z
    .number()
    .int()
    .min(-1_000_000)
    .max(1_000_000)
    .refine((n) => n !== 0, '0 以外のポイント数を入力してください'),
  reason: z.string().trim().min(1, '理由を入力してください').max(200),
})

// ── API keys ─────────────────────────────────────────────────────────────────────────────────

export const API_SCOPES = ['purchases:write', 'kpis:read'] as const
export const ApiScopeSchema = z.enum(API_SCOPES)

export const ApiKeyCreateSchema = z.object({
  name: z.string().trim().min(1, '名前を入力してください').max(40),
  scopes: z.array(ApiScopeSchema).min(1).max(API_SCOPES.length),
})

export const ApiKeySchema = z.object({
  id: z.number().int(),
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(z.string()),
  createdAt: z.number().int(),
  lastUsedAt: z.number().int().nullable(),
  revokedAt: z.number().int().nullable(),
})
export type ApiKey = z.infer<typeof ApiKeySchema>

export const ApiKeyIdParamSchema = z.object({ id: z.coerce.number().int().positive() })
