import type { TierStatus } from '@joren/shared'
import { localeOf, type Locale } from '../chat/texts.ts'
import type { LineMessage } from '../messaging/messenger.ts'
import { formatDateEn, formatDateJa } from './dates.ts'
import type { PurchaseRecord } from './store.ts'

const yen = (n: number) => `${n.toLocaleString('ja-JP')}円`
const yenEn = (n: number) => `¥${n.toLocaleString('en-US')}`
const pt = (n: number) => `${n.toLocaleString('ja-JP')}pt`

const RECEIPT = {
  ja: {
    title: 'お買い上げありがとうございます',
    amount: 'お会計',
    earned: '今回のポイント',
    balance: 'ポイント残高',
    tier: '会員ランク',
    next: (name: string, y: number) => `${name}まであと${yen(y)}`,
    alt: (amount: number, points: number) =>
      `お買い上げありがとうございます（${yen(amount)}・${pt(points)}付与）`,
    tierUp: (name: string) => `会員ランクが「${name}」になりました`,
  },
  en: {
    title: 'Thank you for your purchase',
    amount: 'Total',
    earned: 'Points earned',
    balance: 'Points balance',
    tier: 'Member tier',
    next: (name: string, y: number) => `${yenEn(y)} more to ${name}`,
    alt: (amount: number, points: number) =>
      `Thank you for your purchase (${yenEn(amount)}, ${points} pt earned)`,
    tierUp: (name: string) => `You are now ${name}`,
  },
} as const

function row(label: string, value: string, bold = false) {
  return {
    type: 'box' as const,
    layout: 'horizontal' as const,
    contents: [
      { type: 'text' as const, text: label, size: 'sm' as const, color: '#666666', flex: 3 },
      {
        type: 'text' as const,
        text: value,
        size: 'sm' as const,
        align: 'end' as const,
        flex: 4,
        weight: bold ? ('bold' as const) : ('regular' as const),
      },
    ],
  }
}

/**
 * The LINE receipt after a purchase: amount, points earned, balance and tier; with `tieredUp`, the
 * tier-up congratulation in the same bubble (one billed message per purchase, not two).
 */
export function receiptMessage(
  language: string | null,
  input: {
    shopName: string
    purchase: PurchaseRecord
    balance: number
    tier: TierStatus
    tieredUp?: boolean
  },
): LineMessage {
  const locale = localeOf(language)
  const t = RECEIPT[locale]
  const money = locale === 'en' ? yenEn : yen
  const { purchase, tier } = input
  const rows = [
    row(t.amount, money(purchase.amountYen), true),
    row(t.earned, `+${pt(purchase.pointsGranted)}`),
    row(t.balance, pt(input.balance), true),
    row(t.tier, tier.tier?.name ?? '-'),
  ]
  const footer = tier.next
    ? [
        {
          type: 'text' as const,
          text: t.next(tier.next.name, tier.next.remainingYen),
          size: 'xs' as const,
          color: '#888888',
          wrap: true,
        },
      ]
    : []
  const tierUp =
    input.tieredUp && tier.tier
      ? [
          {
            type: 'text' as const,
            text: `${t.tierUp(tier.tier.name)} — ${tierUpText(language, tier)}`,
            size: 'sm' as const,
            color: '#B8860B',
            weight: 'bold' as const,
            wrap: true,
          },
        ]
      : []
  const alt = t.alt(purchase.amountYen, purchase.pointsGranted)
  return {
    type: 'flex',
    altText: tierUp.length > 0 && tier.tier ? `${alt} ${t.tierUp(tier.tier.name)}` : alt,
    contents: {
      type: 'bubble',
      body: {
        type: 'box',
        layout: 'vertical',
        spacing: 'md',
        contents: [
          { type: 'text', text: input.shopName, size: 'xs', color: '#888888' },
          { type: 'text', text: t.title, weight: 'bold', size: 'md', wrap: true },
          { type: 'separator' },
          ...tierUp,
          ...rows,
          ...footer,
        ],
      },
    },
  }
}

export function tierUpMessage(language: string | null, status: TierStatus): LineMessage {
  const name = status.tier?.name ?? ''
  const text =
    localeOf(language) === 'en'
      ? `Congratulations! You are now ${name}. ${tierUpText(language, status)}`
      : `おめでとうございます！会員ランクが「${name}」になりました。${tierUpText(language, status)}`
  return { type: 'text', text }
}

/** What the new tier gives (both the receipt's tier-up line and the tier-up note say it). */
function tierUpText(language: string | null, status: TierStatus): string {
  const multiplier = (status.tier?.multiplierPercent ?? 100) / 100
  return localeOf(language) === 'en'
    ? `From now on you earn ${multiplier}× points.`
    : `これからはポイントが${multiplier}倍たまります。`
}

/** The answer to 「ポイント」: the balance and the nearest expiry. */
export function pointsReplyText(
  locale: Locale,
  input: {
    balance: number
    tierName: string | null
    expiring: { points: number; lastDay: string } | null
  },
): string {
  if (locale === 'en') {
    const lines = [`Your points balance: ${input.balance} pt`]
    if (input.tierName) lines.push(`Member tier: ${input.tierName}`)
    if (input.expiring)
      lines.push(`${input.expiring.points} pt expire after ${formatDateEn(input.expiring.lastDay)}`)
    return lines.join('\n')
  }
  const lines = [`現在のポイント残高: ${pt(input.balance)}`]
  if (input.tierName) lines.push(`会員ランク: ${input.tierName}`)
  if (input.expiring)
    lines.push(
      `${formatDateJa(input.expiring.lastDay)}までに失効するポイント: ${pt(input.expiring.points)}`,
    )
  return lines.join('\n')
}
