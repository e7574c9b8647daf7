import { z } from 'zod'
import { MemberNumberSchema } from './common.ts'

export const COUPON_KINDS = ['yen_off', 'percent_off', 'free_item', 'gift'] as const
export const CouponKindSchema = z.enum(COUPON_KINDS)
export type CouponKind = z.infer<typeof CouponKindSchema>

/**
 * A coupon's value as it reads, the same in the chat, the mini-app and the console:
 * 「1,000円引き」「10%オフ」「無料」「プレゼント」 / "¥1,000 off", "10% off", "Free", "Gift".
 */
export function couponValueText(kind: string, value: number | null, locale: 'ja' | 'en'): string {
  const v = value ?? 0
  if (locale === 'ja') {
    if (kind === 'yen_off') return `${v.toLocaleString('ja-JP')}円引き`
    if (kind === 'percent_off') return `${v}%オフ`
    return kind === 'free_item' ? '無料' : 'プレゼント'
  }
  if (kind === 'yen_off') return `¥${v.toLocaleString('en-US')} off`
  if (kind === 'percent_off') return `${v}% off`
  return kind === 'free_item' ? 'Free' : 'Gift'
}

export const COUPON_STATES = ['issued', 'redeemed', 'expired', 'revoked'] as const
export const CouponStateSchema = z.enum(COUPON_STATES)
export type CouponState = z.infer<typeof CouponStateSchema>

export const COUPON_SOURCES = [
  'welcome',
  'manual',
  'points_exchange',
  'survey',
  'broadcast',
  'automation',
  'referral',
  'stamp_card',
] as const
export type CouponSource = (typeof COUPON_SOURCES)[number]

const positiveInt = z.number().int().positive()

const TemplateFields = z.object({
  title: z.string().trim().min(1, 'タイトルを入力してください').max(60),
  conditions: z.string().trim().max(500).nullable().default(null),
  imageUrl: z
    .url({ protocol: /^https$/, message: '画像 URL は https:// で始まる URL にしてください' })
    .max(1000)
    .nullable()
    .default(null),
  totalLimit: positiveInt.max(1_000_000).nullable().default(null),
  perMemberLimit: positiveInt.max(100).default(1),
  pointsCost: positiveInt.max(1_000_000).nullable().default(null),
})

const ValidityFields = z.discriminatedUnion('validity', [
  z.object({
    validity: z.literal('window'),
    validFrom: z.number().int().nonnegative(),
    validUntil: z.number().int().positive(),
  }),
  z.object({ validity: z.literal('days'), validDays: positiveInt.max(3650) }),
])

/** POST /api/staff/coupons/templates */
export const CouponTemplateCreateSchema = z
  .object({
    kind: CouponKindSchema,
    value: positiveInt.max(1_000_000).nullable().default(null),
  })
  .and(TemplateFields)
  .and(ValidityFields)
  .superRefine((t, ctx) => {
    if ((t.kind === 'yen_off' || t.kind === 'percent_off') && t.value === null)
      ctx.addIssue({
        code: 'custom',
        path: ['value'],
        message: '割引の金額または率を入力してください',
      })
    if (t.kind === 'percent_off' && t.value !== null && t.value > 100)
      ctx.addIssue({ code: 'custom', path: ['value'], message: '割引率は 1〜100 % です' })
    if (t.validity === 'window' && t.validUntil <= t.validFrom)
      ctx.addIssue({
        code: 'custom',
        path: ['validUntil'],
        message: '終了日時は開始日時より後にしてください',
      })
  })
export type CouponTemplateCreate = z.infer<typeof CouponTemplateCreateSchema>

/** PATCH /api/staff/coupons/templates/:id — kind and value only while none is issued. */
export const CouponTemplateUpdateSchema = z
  .object({
    title: z.string().trim().min(1).max(60),
    conditions: z.string().trim().max(500).nullable(),
    imageUrl: z
      .url({ protocol: /^https$/ })
      .max(1000)
      .nullable(),
    totalLimit: positiveInt.max(1_000_000).nullable(),
    perMemberLimit: positiveInt.max(100),
    pointsCost: positiveInt.max(1_000_000).nullable(),
    kind: CouponKindSchema,
    value: positiveInt.max(1_000_000).nullable(),
  })
  .partial()
export type CouponTemplateUpdate = z.infer<typeof CouponTemplateUpdateSchema>

export const CouponTemplateSchema = z.object({
  id: z.number().int(),
  kind: CouponKindSchema,
  title: z.string(),
  conditions: z.string().nullable(),
  imageUrl: z.string().nullable(),
  value: z.number().int().nullable(),
  validity: z.enum(['window', 'days']),
  validFrom: z.number().int().nullable(),
  validUntil: z.number().int().nullable(),
  validDays: z.number().int().nullable(),
  totalLimit: z.number().int().nullable(),
  perMemberLimit: z.number().int(),
  pointsCost: z.number().int().nullable(),
  issuedCount: z.number().int(),
  status: z.enum(['active', 'archived']),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
})
export type CouponTemplate = z.infer<typeof CouponTemplateSchema>

/** GET /api/staff/coupons/templates */
export const CouponTemplateStatsSchema = CouponTemplateSchema.extend({
  redeemedCount: z.number().int(),
  expiredCount: z.number().int(),
})
export type CouponTemplateStats = z.infer<typeof CouponTemplateStatsSchema>

export const CouponViewSchema = z.object({
  id: z.number().int(),
  templateId: z.number().int(),
  kind: CouponKindSchema,
  title: z.string(),
  conditions: z.string().nullable(),
  imageUrl: z.string().nullable(),
  value: z.number().int().nullable(),
  source: z.string(),
  state: CouponStateSchema,
  issuedAt: z.number().int(),
  expiresAt: z.number().int(),
  redeemedAt: z.number().int().nullable(),
  redeemedVia: z.enum(['staff_scan', 'member_confirm']).nullable(),
  revokedAt: z.number().int().nullable(),
})
export type CouponView = z.infer<typeof CouponViewSchema>

/** GET /api/liff/coupons, GET /api/staff/members/:memberNumber/coupons */
export const CouponListSchema = z.object({ coupons: z.array(CouponViewSchema) })
export type CouponList = z.infer<typeof CouponListSchema>

export const CouponIdParamSchema = z.object({
  id: z
    .string()
    .regex(/^[1-9]\d{0,9}$/, 'クーポン ID が正しくありません')
    .transform(Number),
})

/** POST /api/staff/members/:memberNumber/coupons */
/**
 * Issue by hand; `notify` also pushes the shop's coupon-issued note with the coupon card
 * (1 billed message, counted against the LINE plan's monthly messages).
 */
export const CouponIssueSchema = z.object({
  templateId: positiveInt,
  notify: z.boolean().optional(),
})

/** Crockford base32: digits and letters without I, L, O and U (nothing to misread or mishear). */
export const COUPON_SHORT_CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'
export const COUPON_SHORT_CODE_LENGTH = 8

/**
 * A typed coupon code as stored (8 characters), or null when it cannot be one. Tolerant as staff
 * type: any case, full-width characters, spaces and hyphens anywhere; O is read as 0, I and L as 1.
 */
export function normalizeCouponShortCode(input: string): string | null {
  const plain = input
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[\s\-‐‑‒–—―−ー]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1')
  if (plain.length !== COUPON_SHORT_CODE_LENGTH) return null
  for (const ch of plain) if (!COUPON_SHORT_CODE_ALPHABET.includes(ch)) return null
  return plain
}

/** Whether a code at the register was typed (a short code), not the scanned signed QR (JC1.…). */
export function isTypedCouponCode(code: string): boolean {
  return !/^JC1\./i.test(code.trim())
}

/** How a short code is shown and read aloud: XXXX-XXXX. */
export function formatCouponShortCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`
}

/**
 * GET /api/liff/coupons/:id/code: the short-lived signed QR staff scan, and the coupon's short code
 * (XXXX-XXXX under the QR) staff can type when they cannot scan.
 */
export const CouponCodeSchema = z.object({
  token: z.string(),
  expiresAt: z.number().int(),
  refreshAfter: z.number().int(),
  shortCode: z.string(),
})
export type CouponCode = z.infer<typeof CouponCodeSchema>

/**
 * POST /api/staff/register/coupons/redeem: a code (the scanned QR, or the short code typed as
 * XXXX-XXXX in any case, with or without spaces and hyphens), or a coupon ID picked for a member.
 */
export const CouponRedeemSchema = z.union([
  z.object({
    code: z
      .string()
      .trim()
      .min(COUPON_SHORT_CODE_LENGTH, 'クーポンコードは 8 文字（XXXX-XXXX）です')
      .max(200),
  }),
  z.object({ couponId: positiveInt, memberNumber: MemberNumberSchema }),
])
export type CouponRedeem = z.infer<typeof CouponRedeemSchema>

/** The result of a redemption (staff or member). */
export const CouponRedeemedSchema = z.object({
  coupon: CouponViewSchema,
  memberNumber: z.string(),
  shopName: z.string(),
})
export type CouponRedeemed = z.infer<typeof CouponRedeemedSchema>

/** GET/PUT /api/staff/coupons/welcome */
export const WelcomeCouponSettingSchema = z.object({ templateId: positiveInt.nullable() })
export type WelcomeCouponSetting = z.infer<typeof WelcomeCouponSettingSchema>

/** GET /api/liff/coupons/exchange: templates that can be bought with points. */
export const ExchangeCatalogueSchema = z.object({
  balance: z.number().int(),
  items: z.array(
    z.object({
      templateId: z.number().int(),
      kind: CouponKindSchema,
      title: z.string(),
      conditions: z.string().nullable(),
      imageUrl: z.string().nullable(),
      value: z.number().int().nullable(),
      pointsCost: z.number().int(),
    }),
  ),
})
export type ExchangeCatalogue = z.infer<typeof ExchangeCatalogueSchema>

/** POST /api/liff/coupons/exchange */
export const ExchangeRequestSchema = z.object({
  templateId: positiveInt,
  /** A client-made key so a retried tap buys once. */
  requestId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
})
