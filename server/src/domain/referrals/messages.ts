import type { ReferralClaimStatus, ReferralSettings } from '@joren/shared'
import { localeOf } from '../chat/texts.ts'
import type { LineMessage } from '../messaging/messenger.ts'
import type { StoredReward } from './store.ts'

const pt = (n: number) => `${n.toLocaleString('ja-JP')}ポイント`

/** What a reward is called in messages and lists. */
export function rewardLabel(reward: StoredReward | { kind: 'points'; points: number }): string {
  return 'label' in reward ? reward.label : pt(reward.points)
}

const TEXT = {
  ja: {
    referrer: (name: string, qualifyOn: ReferralSettings['qualifyOn'], reward: string) =>
      qualifyOn === 'join'
        ? `${name}さまが友だちになりました。特典をお贈りします\n\n紹介特典: ${reward}`
        : `${name}さまがご来店されました。特典をお贈りします\n\n紹介特典: ${reward}`,
    newcomer: (reward: string) =>
      `ご紹介でのご利用ありがとうございます。紹介特典をお贈りします\n\n紹介特典: ${reward}`,
    someone: 'ご紹介の方',
  },
  en: {
    referrer: (name: string, qualifyOn: ReferralSettings['qualifyOn'], reward: string) =>
      qualifyOn === 'join'
        ? `${name} has joined us. Here is your thank-you reward.\n\nReward: ${reward}`
        : `${name} has visited us. Here is your thank-you reward.\n\nReward: ${reward}`,
    newcomer: (reward: string) =>
      `Thank you for coming through a friend's referral. Here is your reward.\n\nReward: ${reward}`,
    someone: 'Your friend',
  },
} as const

/** The referrer's LINE message: 「〇〇さまがご来店されました。特典をお贈りします」. */
export function referrerMessage(
  language: string | null,
  newcomerName: string | null,
  qualifyOn: ReferralSettings['qualifyOn'],
  reward: StoredReward,
): LineMessage {
  const t = TEXT[localeOf(language)]
  return { type: 'text', text: t.referrer(newcomerName ?? t.someone, qualifyOn, reward.label) }
}

export function newcomerMessage(language: string | null, reward: StoredReward): LineMessage {
  return { type: 'text', text: TEXT[localeOf(language)].newcomer(reward.label) }
}

/** The polite status the newcomer reads after claiming (never an error, never a member's data). */
export const CLAIM_TEXT: Record<ReferralClaimStatus, string> = {
  accepted:
    'ご紹介を受け付けました。友だち追加のうえ、はじめてのお買い物で紹介特典をお贈りします。',
  joined: 'ご紹介を受け付けました。条件を満たすと紹介特典をお贈りします。',
  rewarded: '紹介特典をお贈りしました。ご利用ありがとうございます。',
  not_eligible:
    'ご紹介ありがとうございます。紹介特典は、はじめて友だち追加された方が対象のため、今回は対象外です。',
  unavailable: 'この紹介リンクは現在ご利用いただけません。お店の友だち追加はこのまま行えます。',
}

export const CLAIM_TEXT_JOIN_MODE =
  'ご紹介を受け付けました。友だち追加とプロフィールのご登録で紹介特典をお贈りします。'

export const SELF_REFERRAL_TEXT =
  'こちらはご自身の紹介リンクです。お友だちに送って、一緒に特典を受け取りましょう。'
