import {
  SHOP_TEXT_PLACEHOLDERS,
  type ShopTextKey,
  type ShopTextLocale,
  type ShopTextPlaceholder,
} from '@joren/shared'

/**
 * The built-in wording of every text a shop can edit, with `{placeholder}`s. A stored shop text
 * replaces one of these; both are rendered by `renderShopText` at the one place each message is
 * built (chat/texts.ts, loyalty/messages.ts, support/handover.ts, coupons/chat.ts).
 */
export const DEFAULT_SHOP_TEXTS: Record<ShopTextKey, Record<ShopTextLocale, string>> = {
  welcome: {
    ja: '{name}、友だち追加ありがとうございます！\n会員証・ポイント・クーポンをこのトークからご利用いただけます。',
    en: 'Hi {name}, thanks for adding us as a friend!\nYour member card, points and coupons are all here in this chat.',
  },
  welcome_back: {
    ja: '{name}、おかえりなさい！またお会いできてうれしいです。',
    en: 'Welcome back, {name}! Good to see you again.',
  },
  receipt: {
    ja: 'お買い上げありがとうございます',
    en: 'Thank you for your purchase',
  },
  receipt_tier_up: {
    ja: 'おめでとうございます！会員ランクが「{tier}」になりました。これからはポイントが{multiplier}倍たまります。',
    en: 'Congratulations! You are now {tier}. From now on you earn {multiplier}× points.',
  },
  ack_open: {
    ja: 'お問い合わせありがとうございます。担当者に引き継ぎましたので、返信まで少々お待ちください。営業時間: {hours}',
    en: 'Thank you for your message. A staff member will reply shortly. Business hours: {hours}',
  },
  ack_closed: {
    ja: 'お問い合わせありがとうございます。営業時間内に担当者から返信します。営業時間: {hours}',
    en: 'Thank you for your message. A staff member will reply during business hours. Business hours: {hours}',
  },
  coupon_issued: {
    ja: '{name}、クーポンをお届けします。「{coupon}」（有効期限 {expires} まで）\nお会計のときにこのクーポンをお見せください。',
    en: 'Hi {name}, here is a coupon for you: "{coupon}" (valid until {expires}).\nShow it when you pay.',
  },
}

/** The values a text's placeholders expand to; a missing one reads as its fallback. */
export type ShopTextValues = Partial<Record<ShopTextPlaceholder, string | null>>

const FALLBACK: Record<ShopTextLocale, Record<ShopTextPlaceholder, string>> = {
  ja: {
    name: 'お客様',
    shop: '当店',
    amount: '',
    points: '',
    balance: '',
    tier: '会員',
    multiplier: '1',
    hours: '',
    coupon: 'クーポン',
    expires: '',
  },
  en: {
    name: 'friend',
    shop: 'our shop',
    amount: '',
    points: '',
    balance: '',
    tier: 'member',
    multiplier: '1',
    hours: '',
    coupon: 'coupon',
    expires: '',
  },
}

/** How a member is named in a text: 「山田さん」, or 「お客様」 with no name; in English the name. */
export function nameValue(displayName: string | null | undefined, locale: ShopTextLocale): string {
  // Control characters would be rejected by LINE; names are user-chosen.
  // eslint-disable-next-line no-control-regex
  const name = [...(displayName ?? '').replace(/[\u0000-\u001f\u007f]/g, '').trim()]
    .slice(0, 20)
    .join('')
  if (!name) return FALLBACK[locale].name
  return locale === 'ja' ? `${name}さん` : name
}

/**
 * Expands the key's allowed placeholders in one pass (a value is never expanded again); `{{` and
 * `}}` are literal braces. A stored text was checked on save, so nothing else is in braces.
 */
export function renderShopText(
  key: ShopTextKey,
  body: string,
  locale: ShopTextLocale,
  values: ShopTextValues,
): string {
  const allowed = SHOP_TEXT_PLACEHOLDERS[key] as readonly string[]
  return body.replace(/\{\{|\}\}|\{([^{}]*)\}/g, (match, name: string | undefined) => {
    if (match === '{{') return '{'
    if (match === '}}') return '}'
    if (!name || !allowed.includes(name)) return match
    const placeholder = name as ShopTextPlaceholder
    return values[placeholder] ?? FALLBACK[locale][placeholder]
  })
}
