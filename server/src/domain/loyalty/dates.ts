import { offsetMs, startOfDayInZone } from '../time.ts'

/** The shop-local calendar date (YYYY-MM-DD) of an instant. */
export function localDate(at: number, timeZone: string): string {
  return new Date(at + offsetMs(at, timeZone)).toISOString().slice(0, 10)
}

/** Adds calendar months to a YYYY-MM-DD date, clamping to the month's last day (Jan 31 + 1 → Feb 28). */
export function addMonthsToDate(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number]
  const total = y * 12 + (m - 1) + months
  const year = Math.floor(total / 12)
  const month = total - year * 12
  const last = new Date(Date.UTC(year, month + 1, 0)).getUTCDate()
  const day = Math.min(d, last)
  return `${String(year).padStart(4, '0')}-${String(month + 1).padStart(2, '0')}-${String(day).padStart(2, '0')}`
}

function nextDate(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)
}

/**
 * When points granted at `at` expire: the end of the shop-local day `months` later (granted on
 * 2026-03-31 with 12 months: usable through 2027-03-31, gone at 00:00 on 2027-04-01).
 */
export function pointsExpiryAt(at: number, months: number, timeZone: string): number {
  return startOfDayInZone(nextDate(addMonthsToDate(localDate(at, timeZone), months)), timeZone)
}

/** The start of the rolling window: the same shop-local moment `months` earlier. */
export function monthsBefore(at: number, months: number, timeZone: string): number {
  const date = localDate(at, timeZone)
  const startOfToday = startOfDayInZone(date, timeZone)
  return startOfDayInZone(addMonthsToDate(date, -months), timeZone) + (at - startOfToday)
}

/** The last day points are usable, for "2027年3月31日までに失効" (the day before `expiresAt`). */
export function lastUsableDate(expiresAt: number, timeZone: string): string {
  return localDate(expiresAt - 1, timeZone)
}

export function formatDateJa(date: string): string {
  const [y, m, d] = date.split('-').map(Number)
  return `${y}年${m}月${d}日`
}

export function formatDateEn(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number]
  return new Date(Date.UTC(y, m - 1, d)).toLocaleDateString('en-US', {
    timeZone: 'UTC',
    year: 'numeric',
    month: 'short',
    day: 'numeric',
  })
}
