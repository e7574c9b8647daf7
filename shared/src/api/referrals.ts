import { z } from 'zod'

/**
 * The referral program (友だち紹介): a member shares a link carrying a random code; a newcomer who
 * claims it with a verified LINE sign-in, is new to the shop and qualifies brings both a reward.
 */

/** Codes are 10 characters from an alphabet without look-alikes (no 0/O, 1/I/L). */
export const REFERRAL_CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789'
export const REFERRAL_CODE_LENGTH = 10

export const ReferralCodeSchema = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-HJKMNP-Z2-9]{10}$/, '紹介コードの形式が正しくありません')

export const ReferralClaimSchema = z.object({ code: ReferralCodeSchema })
export type ReferralClaim = z.infer<typeof ReferralClaimSchema>

export const ReferralRewardSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('coupon'), templateId: z.number().int().positive() }),
  z.object({
    kind: z.literal('points'),
    points: z
      .number()
      .int('ポイントは整数で入力してください')
      .min(1, 'ポイントは1以上にしてください')
      .max(100_000),
  }),
])
export type ReferralReward = z.infer<typeof ReferralRewardSchema>

export const REFERRAL_QUALIFY_ON = ['first_purchase', 'join'] as const

export const ReferralSettingsSchema = z.object({
  enabled: z.boolean(),
  /** first_purchase (default): the newcomer's first purchase; join: following with a profile. */
  qualifyOn: z.enum(REFERRAL_QUALIFY_ON),
  referrerReward: ReferralRewardSchema,
  newcomerReward: ReferralRewardSchema,
  monthlyCap: z
    .number()
    .int()
    .min(1, '月の上限は1以上にしてください')
    .max(1000, '月の上限は1000以下にしてください'),
  /**
   * Whether both members get a LINE message when a referral qualifies (two billed pushes per
   * referral). Off: the rewards are still given and shown in the mini-app. Default on.
   */
  notify: z.boolean().default(true),
  card: z.object({
    title: z.string().trim().min(1, '招待カードのタイトルを入力してください').max(40),
    text: z.string().trim().min(1, '招待カードの本文を入力してください').max(160),
    imageUrl: z
      .url({ protocol: /^https$/, message: '画像 URL は https:// で始まる URL にしてください' })
      .max(1000)
      .nullable(),
  }),
})
export type ReferralSettings = z.infer<typeof ReferralSettingsSchema>

/** What the newcomer sees after claiming: a polite status, never an error or a member's data. */
export const REFERRAL_CLAIM_STATUSES = [
  'accepted', // claimed; waiting for the follow and the qualifying step
  'joined', // followed as a new friend; waiting for the qualifying step
  'rewarded', // qualified: both sides rewarded
  'not_eligible', // refused (already a friend, second referrer, …)
  'unavailable', // unknown code, program off, or a referrer who cannot refer
] as const
export type ReferralClaimStatus = (typeof REFERRAL_CLAIM_STATUSES)[number]

export interface ReferralClaimResult {
  status: ReferralClaimStatus
  message: string
  /** Whether the newcomer still has to add the account as a friend. */
  needsFriendship: boolean
}

export type ReferralStatus = 'claimed' | 'joined' | 'qualified' | 'refused' | 'reversed' | 'flagged'

/** Why a referral was refused, reversed or flagged (codes; staff see the Japanese text). */
export const REFERRAL_REASONS = [
  'self_referral',
  'already_member',
  'already_friend',
  'second_referrer',
  'monthly_cap',
  'referrer_blocked',
  'program_off',
  'refunded',
  'reward_unavailable',
] as const
export type ReferralReason = (typeof REFERRAL_REASONS)[number]

export const REFERRAL_REASON_TEXT: Record<ReferralReason, string> = {
  self_referral: 'ご本人の紹介リンク（自己紹介）',
  already_member: 'すでに会員（ブロック後の再追加を含む）',
  already_friend: 'Joren 導入前からの友だち（新規の友だち追加ではない）',
  second_referrer: '別の方の紹介が先に受け付けられています',
  monthly_cap: '紹介者が今月の上限に達しています',
  referrer_blocked: '紹介者がアカウントをブロックしています',
  program_off: '紹介プログラムが停止中',
  refunded: '対象のお買い上げが返品されました',
  reward_unavailable: '特典を発行できません（クーポンの上限・期間切れ・停止）',
}

/** A reward as issued: what the member sees and staff read. */
export interface ReferralRewardView {
  kind: 'coupon' | 'points'
  label: string
}

/** One of the member's referrals, as the 友だち紹介 screen shows it (no LINE IDs). */
export interface MyReferral {
  id: number
  name: string
  status: 'invited' | 'joined' | 'rewarded' | 'not_eligible' | 'reversed'
  claimedAt: number
  qualifiedAt: number | null
  reward: ReferralRewardView | null
}

export interface MyReferrals {
  enabled: boolean
  code: string | null
  link: string | null
  offer: string
  card: ReferralSettings['card']
  shopName: string
  referrals: MyReferral[]
  rewardedCount: number
}

export const ReferralListQuerySchema = z.object({
  status: z.enum(['claimed', 'joined', 'qualified', 'refused', 'reversed', 'flagged']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(100),
})

export interface StaffReferralRow {
  id: number
  referrer: { memberNumber: string; displayName: string | null }
  newcomer: { memberNumber: string | null; displayName: string | null }
  status: ReferralStatus
  reason: ReferralReason | null
  reasonText: string | null
  claimedAt: number
  joinedAt: number | null
  qualifiedAt: number | null
  referrerReward: ReferralRewardView | null
  newcomerReward: ReferralRewardView | null
}

export interface ReferralStats {
  totals: { claimed: number; joined: number; qualified: number; refused: number }
  topReferrers: { memberNumber: string; displayName: string | null; qualified: number }[]
  /** Per shop-local month, oldest first (the KPI dashboard reads these). */
  conversions: { month: string; claimed: number; qualified: number }[]
}
