import type { Write } from '../unit-of-work.ts'

/** A period of inclusive shop-local days (YYYY-MM-DD). */
export interface DayRange {
  from: string
  to: string
}

/** Buyers in a period and what they bought (completed, not refunded purchases). */
export interface PeriodTotals {
  buyers: number
  /** Buyers with ≥ 2 purchases in the period. */
  repeatBuyers: number
  purchases: number
  revenueYen: number
}

/** Per-buyer spend over a period: count, sum, and the two middle values in ascending order. */
export interface SpendDistribution {
  buyers: number
  totalYen: number
  /** The values at 0-based ranks ⌊(n−1)/2⌋ and ⌊n/2⌋ of the sorted per-buyer totals. */
  middle: [number, number] | null
}

/** One (cohort month, calendar month) cell: distinct cohort members who bought in that month. */
export interface CohortCell {
  cohort: string
  month: string
  members: number
}

/**
 * The KPI rollups (kpi_member_days: member × shop-local day; kpi_members: first and last day per
 * buyer) and the indexed queries over them. Every query reads the rollups, never members or
 * purchases one by one in memory.
 */
export interface KpiStore {
  periodTotals(range: DayRange): Promise<PeriodTotals>
  /** Buyers in the range whose first purchase day is before `range.from`. */
  returningBuyers(range: DayRange): Promise<number>
  /** Members with a purchase on or before `lastDay` and none after it through `to`. */
  lastPurchaseOnOrBefore(lastDay: string, to: string): Promise<number>
  spendDistribution(range: DayRange): Promise<SpendDistribution>
  /** Cohorts by first-purchase month for first days in `cohortDays`, purchases through `to`. */
  cohortCells(cohortDays: DayRange, to: string): Promise<CohortCell[]>
  /** Buyers in the range who had bought before it but not in the `gapDays` days before it. */
  reactivated(range: DayRange, gapDays: number): Promise<number>

  /** Members by follow state over [startAt, endAt) (epoch ms). */
  memberCounts(startAt: number, endAt: number): Promise<MemberCounts>
  /** Members a broadcast reaches now (following, consenting to marketing). */
  reachable(): Promise<number>
  /** Buyers by days since their last purchase (at `now`) and purchases ever. */
  rfmGrid(now: number): Promise<RfmRow[]>

  // Maintenance (the subscriber and the rebuild).
  /** Recomputes the member's row for one shop-local day [startAt, endAt) from `purchases`. */
  refreshMemberDayWrites(memberId: number, day: string, startAt: number, endAt: number): Write[]
  /** The purchase's member and time (a refund's event carries neither time nor day). */
  purchaseOf(purchaseId: number): Promise<{ memberId: number; purchasedAt: number } | null>
  /** Oldest and newest purchase times, any status (for the rebuild's calendar). */
  purchaseTimeSpan(): Promise<{ min: number; max: number } | null>
  /** Adds shop-local days with their start instants (kept; used by the rebuild). */
  putDays(days: { day: string; startAt: number }[]): Promise<void>
  maxMemberIdWithPurchases(): Promise<number>
  /** Recomputes both rollups for members with IDs in [fromId, toId] from `purchases`. */
  rebuildMembers(fromId: number, toId: number): Promise<void>
}

export interface MemberCounts {
  /** Following now, having first followed before endAt. */
  friends: number
  /** First follows in the range. */
  newFriends: number
  /** Blocking now, the block in the range. */
  blocked: number
}

export interface RfmRow {
  /** Whole days since the last purchase. */
  recencyBand: number
  frequencyBand: number
  members: number
  revenueYen: number
}
