import { z } from 'zod'
import { MemberNumberSchema } from './common.ts'
import { BusinessHoursSchema } from './shop.ts'

/**
 * The texts a shop can edit (settings → メッセージ文面): each has built-in Japanese and English
 * defaults, a list of the placeholders it may use, and at most one stored override per language.
 */
export const SHOP_TEXT_KEYS = [
  'welcome',
  'welcome_back',
  'receipt',
  'receipt_tier_up',
  'ack_open',
  'ack_closed',
  'coupon_issued',
] as const
export type ShopTextKey = (typeof SHOP_TEXT_KEYS)[number]
export const ShopTextKeySchema = z.enum(SHOP_TEXT_KEYS, {
  error: `文面の種類は ${SHOP_TEXT_KEYS.join(', ')} のいずれかです`,
})

export const SHOP_TEXT_LOCALES = ['ja', 'en'] as const
export type ShopTextLocale = (typeof SHOP_TEXT_LOCALES)[number]
export const ShopTextLocaleSchema = z.enum(SHOP_TEXT_LOCALES, {
  error: '言語は ja または en です',
})

/** What each placeholder stands for (shown next to the editor). */
export const SHOP_TEXT_PLACEHOLDER_LABELS = {
  name: 'お客様の名前（「山田さん」、名前がなければ「お客様」）',
  shop: '店舗名',
  amount: 'お会計金額（円）',
  points: '今回のポイント',
  balance: 'ポイント残高',
  tier: '会員ランク名',
  multiplier: 'ランクのポイント倍率',
  hours: '営業時間（曜日ごと）',
  coupon: 'クーポン名',
  expires: 'クーポンの有効期限',
} as const
export type ShopTextPlaceholder = keyof typeof SHOP_TEXT_PLACEHOLDER_LABELS

/** The placeholders each text may use; anything else in braces is refused (400). */
export const SHOP_TEXT_PLACEHOLDERS: Record<ShopTextKey, readonly ShopTextPlaceholder[]> = {
  welcome: ['name', 'shop'],
  welcome_back: ['name', 'shop'],
  receipt: ['name', 'shop', 'amount', 'points', 'balance', 'tier'],
  receipt_tier_up: ['name', 'tier', 'multiplier'],
  ack_open: ['name', 'shop', 'hours'],
  ack_closed: ['name', 'shop', 'hours'],
  coupon_issued: ['name', 'shop', 'coupon', 'expires'],
}

/** What each text is, in the console's words. */
export const SHOP_TEXT_LABELS: Record<ShopTextKey, { title: string; when: string }> = {
  welcome: { title: 'あいさつメッセージ', when: '友だち追加されたとき（無料の応答）' },
  welcome_back: { title: 'おかえりメッセージ', when: 'ブロック解除・再追加されたとき' },
  receipt: { title: 'レシートの見出し', when: 'お会計の記録後（レシート送信がオンのとき）' },
  receipt_tier_up: {
    title: 'ランクアップの一文',
    when: 'ランクが上がったとき（レシートの中、またはレシートなしなら単独で）',
  },
  ack_open: { title: '引き継ぎの返信（営業時間内）', when: 'スタッフに引き継いだとき' },
  ack_closed: {
    title: '引き継ぎの返信（営業時間外）',
    when: '営業時間外にスタッフに引き継いだとき',
  },
  coupon_issued: {
    title: 'クーポン発行のお知らせ',
    when: 'スタッフがクーポンを手動で発行し、通知するとき',
  },
}

export const SHOP_TEXT_MAX = 1000

/** Placeholders in a text (`{{` and `}}` are literal braces). */
export function placeholdersOf(body: string): string[] {
  return [...body.replace(/\{\{|\}\}/g, '').matchAll(/\{([^{}]*)\}/g)].map((m) => m[1] ?? '')
}

/** The placeholders a text uses that its key does not allow. */
export function unknownShopTextPlaceholders(key: ShopTextKey, body: string): string[] {
  const allowed = SHOP_TEXT_PLACEHOLDERS[key] as readonly string[]
  return [...new Set(placeholdersOf(body).filter((p) => !allowed.includes(p)))]
}

const BodySchema = z
  .string()
  .trim()
  .min(1, '文面を入力してください')
  .max(SHOP_TEXT_MAX, `文面は ${SHOP_TEXT_MAX.toLocaleString('en-US')} 文字以内にしてください`)

function checkPlaceholders(value: { key: ShopTextKey; body: string }, ctx: z.RefinementCtx) {
  const unknown = unknownShopTextPlaceholders(value.key, value.body)
  if (unknown.length === 0) return
  const allowed = SHOP_TEXT_PLACEHOLDERS[value.key].map((p) => `{${p}}`).join(' ')
  ctx.addIssue({
    code: 'custom',
    path: ['body'],
    message: `使えない差し込み ${unknown.map((p) => `{${p}}`).join(' ')} があります。この文面で使えるのは ${allowed} です（波かっこそのものは {{ }} と書きます）`,
  })
}

/** PUT /api/staff/texts: stores the shop's own wording of one text in one language. */
export const ShopTextUpdateSchema = z
  .object({ key: ShopTextKeySchema, locale: ShopTextLocaleSchema, body: BodySchema })
  .superRefine(checkPlaceholders)
export type ShopTextUpdate = z.infer<typeof ShopTextUpdateSchema>

/** POST /api/staff/texts/reset: back to the built-in default. */
export const ShopTextResetSchema = z.object({
  key: ShopTextKeySchema,
  locale: ShopTextLocaleSchema,
})
export type ShopTextReset = z.infer<typeof ShopTextResetSchema>

/**
 * POST /api/staff/texts/preview: renders `body` (or the current text when absent) with a sample
 * member, or with the real values of the member whose number is given.
 */
export const ShopTextPreviewRequestSchema = z
  .object({
    key: ShopTextKeySchema,
    locale: ShopTextLocaleSchema,
    body: BodySchema.optional(),
    memberNumber: MemberNumberSchema.optional(),
  })
  .superRefine((value, ctx) => {
    if (value.body !== undefined) checkPlaceholders({ key: value.key, body: value.body }, ctx)
  })
export type ShopTextPreviewRequest = z.infer<typeof ShopTextPreviewRequestSchema>

export const ShopTextPreviewSchema = z.object({
  text: z.string(),
  /** 'sample' or the member's number whose values were used. */
  memberNumber: z.string().nullable(),
})
export type ShopTextPreview = z.infer<typeof ShopTextPreviewSchema>

export const ShopTextEntrySchema = z.object({
  key: ShopTextKeySchema,
  locale: ShopTextLocaleSchema,
  /** What is sent now: the shop's text, or the default. */
  body: z.string(),
  defaultBody: z.string(),
  custom: z.boolean(),
  placeholders: z.array(z.string()),
  updatedAt: z.number().nullable(),
})
export type ShopTextEntry = z.infer<typeof ShopTextEntrySchema>

export const ShopTextsSchema = z.object({
  texts: z.array(ShopTextEntrySchema),
  hours: BusinessHoursSchema,
  timeZone: z.string(),
  /** Whether the shop is open now by these hours (in the shop's time zone). */
  openNow: z.boolean(),
})
export type ShopTexts = z.infer<typeof ShopTextsSchema>
