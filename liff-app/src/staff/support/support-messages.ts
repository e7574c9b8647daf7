import { staffSupportEn } from '../../i18n/staff-support-en.ts'
import { staffSupportJa, type StaffSupportMessages } from '../../i18n/staff-support-ja.ts'
import { SHOP_TIME_ZONE } from '../../lib/format.ts'
import { locale } from '../messages.ts'
import './support.css'

/** The support screens' words (inbox, FAQ, alerts) in the console's language. */
export const supportText = (): StaffSupportMessages =>
  locale() === 'en' ? staffSupportEn : staffSupportJa

const SHOP_TIME = new Map<string, Intl.DateTimeFormat>()

/** 14:05 today, 11/21 14:05 otherwise (en: 2:05 PM / Nov 21, 2:05 PM), in the shop's time zone. */
export function shortTime(ms: number, now = Date.now()): string {
  const lang = locale() === 'en' ? 'en-US' : 'ja-JP'
  const sameDay = dayKey(ms) === dayKey(now)
  const key = `${lang}:${sameDay}`
  let format = SHOP_TIME.get(key)
  if (!format) {
    format = new Intl.DateTimeFormat(lang, {
      timeZone: SHOP_TIME_ZONE,
      ...(sameDay ? {} : { month: lang === 'en-US' ? 'short' : 'numeric', day: 'numeric' }),
      hour: '2-digit',
      minute: '2-digit',
    })
    SHOP_TIME.set(key, format)
  }
  return format.format(ms)
}

const DAY = new Intl.DateTimeFormat('en-CA', { timeZone: SHOP_TIME_ZONE })
const dayKey = (ms: number) => DAY.format(ms)
