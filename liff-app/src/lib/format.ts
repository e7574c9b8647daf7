import type { Locale } from '@joren/shared'

/** The shop's time zone: dates and times are shown as the shop sees them. */
export const SHOP_TIME_ZONE = 'Asia/Tokyo'

const cache = new Map<string, Intl.DateTimeFormat>()

function formatter(locale: Locale, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = locale + JSON.stringify(options)
  let format = cache.get(key)
  if (!format) {
    format = new Intl.DateTimeFormat(locale === 'en' ? 'en-US' : 'ja-JP', {
      timeZone: SHOP_TIME_ZONE,
      ...options,
    })
    cache.set(key, format)
  }
  return format
}

/** 2025/01/31 (ja) or Jan 31, 2025 (en), in the shop's time zone. */
export function formatDate(ms: number, locale: Locale): string {
  return formatter(locale, {
    year: 'numeric',
    month: locale === 'en' ? 'short' : '2-digit',
    day: '2-digit',
  }).format(ms)
}

/** 2025/01/31 14:05 (ja) or Jan 31, 2025, 2:05 PM (en), in the shop's time zone. */
export function formatDateTime(ms: number, locale: Locale): string {
  return formatter(locale, {
    year: 'numeric',
    month: locale === 'en' ? 'short' : '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).format(ms)
}

/** A calendar date as stored (`YYYY-MM-DD`), shown without any time-zone shift. */
export function formatIsoDate(iso: string, locale: Locale): string {
  const [y, m, d] = iso.split('-').map(Number)
  if (!y || !m || !d) return iso
  return locale === 'en'
    ? new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeZone: 'UTC' }).format(
        Date.UTC(y, m - 1, d),
      )
    : `${y}年${m}月${d}日`
}

/** `Asia/Tokyo`'s calendar date today, as `YYYY-MM-DD` (for date inputs' max). */
export function todayInShop(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: SHOP_TIME_ZONE }).format(Date.now())
}
