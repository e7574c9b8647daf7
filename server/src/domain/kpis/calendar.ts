/**
 * Shop-local calendar arithmetic on plain dates (YYYY-MM-DD) and months (YYYY-MM): no time of day,
 * no time zone — the zone applies only where an instant becomes a date (localDate).
 */
import { addMonthsToDate } from '../loyalty/dates.ts'
import { addDays } from '../time.ts'

const DAY_MS = 86_400_000

/** Whole days from `a` to `b` (b − a). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY_MS)
}

export function monthOf(date: string): string {
  return date.slice(0, 7)
}

/** `month` + n calendar months (YYYY-MM). */
export function addMonths(month: string, n: number): string {
  return addMonthsToDate(`${month}-01`, n).slice(0, 7)
}

/** Calendar months from `a` to `b` (b − a). */
export function monthsBetween(a: string, b: string): number {
  const [ay, am] = a.split('-').map(Number) as [number, number]
  const [by, bm] = b.split('-').map(Number) as [number, number]
  return (by - ay) * 12 + (bm - am)
}

export function lastDayOfMonth(month: string): string {
  return addDays(`${addMonths(month, 1)}-01`, -1)
}

/**
 * The 12 months ending `to`: from the same date 12 months before `to` (clamped to that month's
 * last day: 2028-02-29 → 2027-02-28), plus one day, through `to`.
 */
export function twelveMonthsEnding(to: string): { from: string; to: string } {
  return { from: addDays(addMonthsToDate(to, -12), 1), to }
}

/** The same number of days straight before [from, to]. */
export function previousPeriod(from: string, to: string): { from: string; to: string } {
  const length = daysBetween(from, to) + 1
  return { from: addDays(from, -length), to: addDays(from, -1) }
}
