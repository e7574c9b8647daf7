import {
  RFM_FREQUENCY_BANDS,
  RFM_RECENCY_BANDS,
  type Dashboard,
  type DashboardFigures,
  type Kpis,
} from '@joren/shared'
import { localDate } from '../loyalty/dates.ts'
import { readShopSettings, type SettingsStore } from '../shop/settings.ts'
import { addDays, startOfDayInZone } from '../time.ts'
import type { UnitOfWork } from '../unit-of-work.ts'
import { addMonths, lastDayOfMonth, monthOf, previousPeriod } from './calendar.ts'
import {
  computeKpis,
  DEFAULT_DORMANT_DAYS,
  divideRoundHalfUp,
  dormant,
  ltv12m,
  periodBuyers,
  returningBuyers,
  cohorts,
} from './kpis.ts'
import { rebuildKpiRollups } from './rollups.ts'
import type { DayRange, KpiStore } from './store.ts'

export interface KpiServiceDeps {
  kpis: KpiStore
  settings: SettingsStore
  uow: UnitOfWork
  timeZone: string
  sandbox: boolean
  now(): number
}

/** The retention figures: the integration API's KPIs, the staff dashboard, the rollup rebuild. */
export function createKpiService(deps: KpiServiceDeps) {
  const { kpis: store, timeZone } = deps
  const dormantDays = async () =>
    (await readShopSettings(deps.settings, deps.sandbox)).dormantDays ?? DEFAULT_DORMANT_DAYS

  async function figures(range: DayRange, days: number): Promise<DashboardFigures> {
    const startAt = startOfDayInZone(range.from, timeZone)
    const endAt = startOfDayInZone(addDays(range.to, 1), timeZone)
    const [members, period, returning, dormantCount, reactivated] = await Promise.all([
      store.memberCounts(startAt, endAt),
      periodBuyers(store, range),
      returningBuyers(store, range),
      dormant(store, range.to, days),
      store.reactivated(range, days),
    ])
    return {
      ...range,
      ...members,
      buyers: period.buyers,
      repeatBuyers: period.repeatBuyers,
      repeatRate: period.repeatRate,
      purchases: period.purchases,
      revenueYen: period.revenueYen,
      averageOrderYen:
        period.purchases === 0 ? null : divideRoundHalfUp(period.revenueYen, period.purchases),
      returningBuyers: returning,
      returningShare: period.buyers === 0 ? null : returning / period.buyers,
      dormant: dormantCount,
      reactivated,
    }
  }

  return {
    /** GET /api/v1/kpis: every field as the README defines it. */
    async kpis(range: DayRange): Promise<Kpis> {
      return computeKpis(store, { ...range, dormantDays: await dormantDays(), timeZone })
    },

    /** The console's home: the period (default the last 30 days) against the one before. */
    async dashboard(query: { from?: string; to?: string }): Promise<Dashboard> {
      const today = localDate(deps.now(), timeZone)
      const range =
        query.from !== undefined && query.to !== undefined
          ? { from: query.from, to: query.to }
          : { from: addDays(today, -29), to: today }
      const days = await dormantDays()
      const trendEnds = Array.from({ length: 5 }, (_, i) =>
        lastDayOfMonth(addMonths(monthOf(range.to), i - 5)),
      )
      const [current, previous, reachable, ltv, trend, cohortRows, grid] = await Promise.all([
        figures(range, days),
        figures(previousPeriod(range.from, range.to), days),
        store.reachable(),
        ltv12m(store, range.to),
        Promise.all(trendEnds.map((to) => ltv12m(store, to))),
        cohorts(store, range.to),
        store.rfmGrid(deps.now()),
      ])
      return {
        timeZone,
        dormantDays: days,
        current,
        previous,
        reachable,
        ltv12mYen: ltv,
        ltvTrend: [...trend, ltv].map((l) => ({ to: l.to, mean: l.mean, median: l.median })),
        cohorts: cohortRows,
        rfm: grid.map((row) => ({
          recency: RFM_RECENCY_BANDS[row.recencyBand] ?? '366+',
          frequency: RFM_FREQUENCY_BANDS[row.frequencyBand] ?? '10+',
          members: row.members,
          revenueYen: row.revenueYen,
        })),
      }
    },

    /** Rebuilds the rollups from the purchases (the rebuild command, the daily pass). */
    rebuild: (onProgress?: (done: number, total: number) => void) =>
      rebuildKpiRollups({ kpis: store, uow: deps.uow, timeZone }, onProgress),
  }
}

export type KpiService = ReturnType<typeof createKpiService>
