import { z } from 'zod'

// ── The stamp card (ショップカード) ─────────────────────────────────────────────────────────────

/** What a purchase earns: points, stamps or both. */
export const LOYALTY_MODES = ['points', 'stamps', 'both'] as const
export const LoyaltyModeSchema = z.enum(LOYALTY_MODES)
export type LoyaltyMode = z.infer<typeof LoyaltyModeSchema>

/** Stamps per visit (each purchase) or per ¥X spent in one purchase. */
export const STAMP_EARN_RULES = ['visit', 'yen'] as const

export const StampCardSettingsSchema = z
  .object({
    mode: LoyaltyModeSchema,
    earn: z.enum(STAMP_EARN_RULES),
    /** With earn = visit: stamps per purchase. */
    stampsPerVisit: z
      .number({ error: 'スタンプ数は整数で入力してください' })
      .int('スタンプ数は整数で入力してください')
      .min(1, 'スタンプ数は1以上です')
      .max(10, '1回のスタンプは10個までです'),
    /** With earn = yen: one stamp per this many yen of one purchase. */
    yenPerStamp: z
      .number({ error: '金額は整数の円で入力してください' })
      .int('金額は整数の円で入力してください')
      .min(1, '金額は1円以上です')
      .max(1_000_000, '金額は100万円までです'),
    /** Stamps that fill a card. */
    goal: z
      .number({ error: 'ゴールのスタンプ数は整数で入力してください' })
      .int('ゴールのスタンプ数は整数で入力してください')
      .min(1, 'ゴールは1個以上です')
      .max(50, 'ゴールは50個までです'),
    /** The coupon template a full card gets (null: none chosen yet). */
    rewardTemplateId: z.number().int().positive().nullable(),
  })
  .refine((s) => s.mode === 'points' || s.rewardTemplateId !== null, {
    message: 'スタンプカードを使うときは特典クーポンを選んでください',
    path: ['rewardTemplateId'],
  })
export type StampCardSettings = z.infer<typeof StampCardSettingsSchema>

export const DEFAULT_STAMP_CARD: StampCardSettings = {
  mode: 'points',
  earn: 'visit',
  stampsPerVisit: 1,
  yenPerStamp: 1000,
  goal: 10,
  rewardTemplateId: null,
}

export const StampEntrySchema = z.object({
  id: z.number().int(),
  kind: z.enum(['earn', 'reverse', 'reward']),
  stamps: z.number().int(),
  purchaseId: z.number().int().nullable(),
  cardNo: z.number().int().nullable(),
  couponId: z.number().int().nullable(),
  /** Why a full card issued no coupon (an error code), or null. */
  note: z.string().nullable(),
  createdAt: z.number().int(),
})
export type StampEntry = z.infer<typeof StampEntrySchema>

/** A member's stamp card as the member card and the staff member page show it. */
export const StampCardViewSchema = z.object({
  /** False when the shop uses points only (nothing to show). */
  enabled: z.boolean(),
  goal: z.number().int(),
  /** Stamps on the current card (0 … goal − 1; below 0 never shown). */
  stamps: z.number().int(),
  cardsCompleted: z.number().int(),
  earn: z.enum(STAMP_EARN_RULES),
  stampsPerVisit: z.number().int(),
  yenPerStamp: z.number().int(),
  history: z.array(StampEntrySchema),
})
export type StampCardView = z.infer<typeof StampCardViewSchema>
