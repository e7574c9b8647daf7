import type { Kpis, KpiCohort } from '@joren/shared'
import {
  addMonths,
  lastDayOfMonth,
  monthOf,
  monthsBetween,
  twelveMonthsEnding,
} from './calendar.ts'
import { addDays } from '../time.ts'
import type { DayRange, KpiStore, SpendDistribution } from './store.ts'

/**
 * The KPI definitions, one function each (README "GET /api/v1/kpis" gives the same meanings).
 * Periods are inclusive shop-local days; a purchase counts if it is completed and not refunded —
 * the rollups hold exactly those.
 */

export const DEFAULT_DORMANT_DAYS = 90

/** a ÷ b rounded half up, for non-negative integers (exact: no floating point). */
export function divideRoundHalfUp(a: number, b: number): number {
  return Math.floor((2 * a + b) / (2 * b))
}

/** repeatBuyers ÷ buyers, null when there are no buyers. */
export function repeatRate(buyers: number, repeatBuyers: number): number | null {
  return buyers === 0 ? null : repeatBuyers / buyers
}

/** buyers, repeatBuyers, repeatRate, purchases, revenueYen over the period. */
export async function periodBuyers(store: KpiStore, range: DayRange) {
  const t = await store.periodTotals(range)
  return { ...t, repeatRate: repeatRate(t.buyers, t.repeatBuyers) }
}

/** Buyers in the period who also bought before `from`. */
export function returningBuyers(store: KpiStore, range: DayRange): Promise<number> {
  return store.returningBuyers(range)
}

/**
 * Members (blocked ones included) with ≥ 1 purchase on or before `to` whose last purchase on or
 * before `to` is more than `dormantDays` days before `to`: their last purchase day is on or
 * before to − dormantDays − 1.
 */
export function dormant(store: KpiStore, to: string, dormantDays: number): Promise<number> {
  return store.lastPurchaseOnOrBefore(addDays(to, -dormantDays - 1), to)
}

/** Mean and median of per-buyer totals, rounded half up (even count: mean of the two middles). */
export function meanAndMedian(d: SpendDistribution): {
  mean: number | null
  median: number | null
} {
  if (d.buyers === 0 || d.middle === null) return { mean: null, median: null }
  return {
    mean: divideRoundHalfUp(d.totalYen, d.buyers),
    median: divideRoundHalfUp(d.middle[0] + d.middle[1], 2),
  }
}

/** Each buyer's total spend over the 12 months ending `to`: mean and median. */
export async function ltv12m(store: KpiStore, to: string): Promise<Kpis['ltv12mYen']> {
  const window = twelveMonthsEnding(to)
  const distribution = await store.spendDistribution(window)
  return { ...meanAndMedian(distribution), ...window, buyers: distribution.buyers }
}

/**
 * Cohorts of first-purchase month, from 11 months before the month of `to` through it (months
 * without new buyers left out). retained[k]: members of the cohort who bought in the k-th calendar
 * month after their first, through the month of `to`, counting purchases on or before `to`.
 */
export async function cohorts(store: KpiStore, to: string): Promise<KpiCohort[]> {
  const last = monthOf(to)
  const first = addMonths(last, -11)
  const cells = await store.cohortCells({ from: `${first}-01`, to }, to)
  const byCohort = new Map<string, KpiCohort>()
  for (let k = 0; k < 12; k++) {
    const month = addMonths(first, k)
    byCohort.set(month, { month, size: 0, retained: Array.from({ length: 12 - k }, () => 0) })
  }
  for (const cell of cells) {
    const cohort = byCohort.get(cell.cohort)
    const k = monthsBetween(cell.cohort, cell.month)
    if (!cohort || k < 0 || k >= cohort.retained.length) continue
    cohort.retained[k] = cell.members
    if (k === 0) cohort.size = cell.members
  }
  return [...byCohort.values()].filter((c) => c.size > 0)
}

/** Every field of GET /api/v1/kpis. */
export async function computeKpis(
  store: KpiStore,
  input: { from: string; to: string; dormantDays: number; timeZone: string },
): Promise<Kpis> {
  const range = { from: input.from, to: input.to }
  const [period, returning, dormantCount, ltv, cohortRows] = await Promise.all([
    periodBuyers(store, range),
    returningBuyers(store, range),
    dormant(store, input.to, input.dormantDays),
    ltv12m(store, input.to),
    cohorts(store, input.to),
  ])
  return {
    from: input.from,
    to: input.to,
    timeZone: input.timeZone,
    buyers: period.buyers,
    repeatBuyers: period.repeatBuyers,
    repeatRate: period.repeatRate,
    purchases: period.purchases,
    revenueYen: period.revenueYen,
    returningBuyers: returning,
    dormant: dormantCount,
    dormantDays: input.dormantDays,
    ltv12mYen: ltv,
    cohorts: cohortRows,
  }
}

export { lastDayOfMonth }
