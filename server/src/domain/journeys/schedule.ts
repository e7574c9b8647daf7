import type { JourneyWait } from '@joren/shared'
import { atLocalTime } from '../contact-policy/policy.ts'
import { addDays } from '../time.ts'
import { addMonthsToDate, localDate } from '../loyalty/dates.ts'
import { startOfDayInZone } from '../time.ts'

export const HOUR_MS = 60 * 60_000
export const DAY_MS = 24 * HOUR_MS

/**
 * When a step is due, counted from `base` (the trigger for the first step, the previous step's
 * own time after that): `days` shop-local calendar days later at HH:MM shop time when `at` is set,
 * else days × 24 h + hours later.
 */
export function stepDueAt(base: number, wait: JourneyWait, timeZone: string): number {
  if (wait.at !== null)
    return atLocalTime(addDays(localDate(base, timeZone), wait.days), wait.at, timeZone)
  return base + wait.days * DAY_MS + wait.hours * HOUR_MS
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
}

/**
 * The birthdays (MM-DD) celebrated on a shop-local date: the date itself, and 29 Feb on 28 Feb of
 * a year without one.
 */
export function birthdaysOn(date: string): string[] {
  const mmdd = date.slice(5)
  const year = Number(date.slice(0, 4))
  return mmdd === '02-28' && !isLeapYear(year) ? ['02-28', '02-29'] : [mmdd]
}

/**
 * Shop-local dates whose birthday pass is due: after the one `cursor` (the last pass's instant)
 * fell on, up to today; at most `maxDays` (a long outage does not flood members with old wishes).
 */
export function passDates(
  cursor: number | null,
  now: number,
  timeZone: string,
  maxDays = 7,
): string[] {
  const today = localDate(now, timeZone)
  if (cursor === null) return [today]
  const last = localDate(cursor, timeZone)
  const out: string[] = []
  for (let d = today; d > last && out.length < maxDays; d = addDays(d, -1)) out.unshift(d)
  return out
}

export function startOfLocalDay(date: string, timeZone: string): number {
  return startOfDayInZone(date, timeZone)
}

/** The median of the gaps between sorted purchase instants (null with fewer than two). */
export function medianGap(purchasedAt: readonly number[]): number | null {
  if (purchasedAt.length < 2) return null
  const gaps: number[] = []
  for (let i = 1; i < purchasedAt.length; i++)
    gaps.push((purchasedAt[i] ?? 0) - (purchasedAt[i - 1] ?? 0))
  gaps.sort((a, b) => a - b)
  const mid = Math.floor(gaps.length / 2)
  return gaps.length % 2 === 1
    ? (gaps[mid] ?? 0)
    : Math.round(((gaps[mid - 1] ?? 0) + (gaps[mid] ?? 0)) / 2)
}

/** The same shop-local moment `months` later (29 Feb + 12 months → 28 Feb). */
export function monthsAfter(at: number, months: number, timeZone: string): number {
  const date = localDate(at, timeZone)
  const startOfDay = startOfDayInZone(date, timeZone)
  return startOfDayInZone(addMonthsToDate(date, months), timeZone) + (at - startOfDay)
}

/**
 * When a member's tier falls if they buy nothing more: the tier is the highest whose threshold
 * the rolling 12-month spend reaches, and each purchase leaves that window 12 months after it —
 * so the tier falls when the purchase that takes the spend below the threshold ages out. Null
 * when there is no lower tier to fall to (`thresholdYen` null) or the spend is under it already
 * (the next evaluation moves the tier itself).
 */
export function tierDropAt(
  thresholdYen: number | null,
  purchases: readonly { at: number; yen: number }[],
  timeZone: string,
): number | null {
  if (thresholdYen === null) return null
  const sorted = [...purchases].sort((a, b) => a.at - b.at)
  let spend = sorted.reduce((sum, p) => sum + p.yen, 0)
  if (spend < thresholdYen) return null
  for (const p of sorted) {
    spend -= p.yen
    if (spend < thresholdYen) return monthsAfter(p.at, 12, timeZone)
  }
  return null
}
