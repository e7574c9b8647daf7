import type { ComposerMessage } from '@joren/shared'
import type { LineMessage } from '../messaging/messenger.ts'

/** What a recipient's placeholders expand to (null = unknown: the fallback is used). */
export interface RecipientValues {
  name: string | null
  points: number | null
  tier: string | null
  coupon: string | null
}

/** LINE's text limit; composer text is ≤ 4,800 so the longest expansion still fits. */
export const LINE_TEXT_MAX = 5000
const NAME_MAX = 20
const TIER_MAX = 30
const COUPON_MAX = 60

export const FALLBACKS = { name: 'お客様', tier: '会員', points: '0', coupon: 'クーポン' } as const

/** Longest a placeholder can expand to (for the limit check before saving). */
export const PLACEHOLDER_MAX: Record<string, number> = {
  name: NAME_MAX,
  points: 12,
  tier: TIER_MAX,
  coupon: COUPON_MAX,
}

function clean(value: string, max: number): string {
  // Control characters would be rejected by LINE or break the bubble; names are user-chosen.
  // eslint-disable-next-line no-control-regex
  const text = value.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '').trim()
  return [...text].slice(0, max).join('')
}

function valueOf(name: string, values: RecipientValues): string | null {
  switch (name) {
    case 'name':
      return values.name && clean(values.name, NAME_MAX)
        ? clean(values.name, NAME_MAX)
        : FALLBACKS.name
    case 'points':
      return values.points === null ? FALLBACKS.points : values.points.toLocaleString('ja-JP')
    case 'tier':
      return values.tier && clean(values.tier, TIER_MAX)
        ? clean(values.tier, TIER_MAX)
        : FALLBACKS.tier
    case 'coupon':
      return values.coupon && clean(values.coupon, COUPON_MAX)
        ? clean(values.coupon, COUPON_MAX)
        : FALLBACKS.coupon
    default:
      return null
  }
}

/**
 * Expands `{name}` `{points}` `{tier}` `{coupon}` in one pass (a value containing `{name}` stays
 * as typed: values are never expanded again); `{{` and `}}` are literal braces; anything else
 * in braces is left as written.
 */
export function renderText(text: string, values: RecipientValues): string {
  const out = text.replace(/\{\{|\}\}|\{([a-z_]+)\}/g, (match, name: string | undefined) => {
    if (match === '{{') return '{'
    if (match === '}}') return '}'
    return valueOf(name ?? '', values) ?? match
  })
  return [...out].slice(0, LINE_TEXT_MAX).join('')
}

/** Which placeholders a text uses. */
export function placeholdersIn(text: string): Set<string> {
  const found = new Set<string>()
  for (const m of text.replace(/\{\{|\}\}/g, '').matchAll(/\{([a-z_]+)\}/g))
    if (m[1] && m[1] in PLACEHOLDER_MAX) found.add(m[1])
  return found
}

/** Length of a text after the longest possible expansion (what LINE's 5,000 limit must hold). */
export function maxRenderedLength(text: string): number {
  let length = [...text.replace(/\{\{|\}\}/g, '_')].length
  for (const m of text.replace(/\{\{|\}\}/g, '').matchAll(/\{([a-z_]+)\}/g)) {
    const max = PLACEHOLDER_MAX[m[1] ?? '']
    if (max !== undefined) length += max - m[0].length
  }
  return length
}

/** Marker left in a rendered message list where the recipient's own coupon card goes at send time. */
export interface CouponSlot {
  type: 'joren_coupon_card'
  templateId: number
}
export type RenderedMessage = LineMessage | CouponSlot

export function isCouponSlot(message: RenderedMessage): message is CouponSlot {
  return (message as { type: string }).type === 'joren_coupon_card'
}

/** Messages differ per member when a text has a placeholder other than {coupon}, or a card is sent. */
export function isPersonalised(messages: ComposerMessage[]): boolean {
  return messages.some(
    (m) =>
      m.type === 'coupon' ||
      (m.type === 'text' && [...placeholdersIn(m.text)].some((p) => p !== 'coupon')),
  )
}

/** One recipient's messages; a coupon card becomes a slot filled with their own coupon at send time. */
export function renderMessages(
  messages: ComposerMessage[],
  values: RecipientValues,
): RenderedMessage[] {
  return messages.map((m): RenderedMessage => {
    switch (m.type) {
      case 'text':
        return { type: 'text', text: renderText(m.text, values) }
      case 'image':
        return {
          type: 'image',
          originalContentUrl: m.originalContentUrl,
          previewImageUrl: m.previewImageUrl,
        }
      case 'coupon':
        return { type: 'joren_coupon_card', templateId: m.templateId }
    }
  })
}
