import type { TierStatus } from '@joren/shared'
import { localeOf, type Locale } from '../chat/texts.ts'
import { clip } from '../clip.ts'
import type { LineMessage } from '../messaging/messenger.ts'
import { nameValue } from '../texts/catalogue.ts'
import type { ShopTextSource } from '../texts/texts.ts'
import { formatDateEn, formatDateJa } from './dates.ts'
import type { PurchaseRecord } from './store.ts'

const yen = (n: number) => `${n.toLocaleString('ja-JP')}円`
const yenEn = (n: number) => `¥${n.toLocaleString('en-US')}`
const pt = (n: number) => `${n.toLocaleString('ja-JP')}pt`

const RECEIPT = {
  ja: {
    amount: 'お会計',
    earned: '今回のポイント',
    balance: 'ポイント残高',
    tier: '会員ランク',
    next: (name: string, y: number) => `${name}まであと${yen(y)}`,
    alt: (title: string, amount: number, points: number) =>
      `${title}（${yen(amount)}・${pt(points)}付与）`,
  },
  en: {
    amount: 'Total',
    earned: 'Points earned',
    balance: 'Points balance',
    tier: 'Member tier',
    next: (name: string, y: number) => `${yenEn(y)} more to ${name}`,
    alt: (title: string, amount: number, points: number) =>
      `${title} (${yenEn(amount)}, ${points} pt earned)`,
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
 * The LINE receipt after a purchase: the shop's heading (`receipt` text), amount, points earned,
 * balance and tier; with `tieredUp`, the tier-up line (`receipt_tier_up` text) in the same bubble
 * (one billed message per purchase, not two).
 */
export async function receiptMessage(
  texts: ShopTextSource,
  language: string | null,
  input: {
    shopName: string
    purchase: PurchaseRecord
    balance: number
    tier: TierStatus
    tieredUp?: boolean
    displayName?: string | null
  },
): Promise<LineMessage> {
  const locale = localeOf(language)
  const t = RECEIPT[locale]
  const money = locale === 'en' ? yenEn : yen
  const { purchase, tier } = input
  const title = await texts.render('receipt', locale, {
    name: nameValue(input.displayName, locale),
    shop: input.shopName,
    amount: money(purchase.amountYen),
    points: pt(purchase.pointsGranted),
    balance: pt(input.balance),
    tier: tier.tier?.name ?? null,
  })
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
  const tierUpLine =
    input.tieredUp && tier.tier ? await tierUpText(texts, locale, tier, input.displayName) : null
  const tierUp = tierUpLine
    ? [
        {
          type: 'text' as const,
          text: tierUpLine,
          size: 'sm' as const,
          color: '#B8860B',
          weight: 'bold' as const,
          wrap: true,
        },
      ]
    : []
  const alt = t.alt(title, purchase.amountYen, purchase.pointsGranted)
  return {
    type: 'flex',
    // LINE's altText limit; a long shop text is shortened at a word, never mid-word or mid-emoji.
    altText: clip(tierUpLine ? `${alt} ${tierUpLine}` : alt, 1500, locale),
    contents: {
      type: 'bubble',
      body: {
        type: 'box',
        layout: 'vertical',
        spacing: 'md',
        contents: [
          { type: 'text', text: input.shopName, size: 'xs', color: '#888888' },
          { type: 'text', text: title, weight: 'bold', size: 'md', wrap: true },
          { type: 'separator' },
          ...tierUp,
          ...rows,
          ...footer,
        ],
      },
    },
  }
}

/** The tier-up note alone (receipts off): the same `receipt_tier_up` text as in the receipt. */
export async function tierUpMessage(
  texts: ShopTextSource,
  language: string | null,
  status: TierStatus,
  displayName?: string | null,
): Promise<LineMessage> {
  return { type: 'text', text: await tierUpText(texts, localeOf(language), status, displayName) }
}

function tierUpText(
  texts: ShopTextSource,
  locale: Locale,
  status: TierStatus,
  displayName: string | null | undefined,
): Promise<string> {
  const multiplier = (status.tier?.multiplierPercent ?? 100) / 100
  return texts.render('receipt_tier_up', locale, {
    name: nameValue(displayName, locale),
    tier: status.tier?.name ?? null,
    multiplier: String(multiplier),
  })
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
