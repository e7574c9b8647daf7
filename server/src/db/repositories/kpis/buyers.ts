import { sql } from 'drizzle-orm'
import type {
  CohortCell,
  KpiStore,
  PeriodTotals,
  SpendDistribution,
} from '../../../domain/kpis/store.ts'
import type { Database } from '../../database.ts'
import { n } from './rows.ts'

/**
 * The buyers' figures over a period, from the rollups (kpi_member_days, kpi_members): totals,
 * returning and reactivated buyers, the spend distribution (stored per window) and cohorts.
 */
export function createKpiBuyers(
  db: Database,
): Pick<
  KpiStore,
  | 'periodTotals'
  | 'returningBuyers'
  | 'lastPurchaseOnOrBefore'
  | 'spendDistribution'
  | 'cohortCells'
  | 'reactivated'
> {
  /** Each buyer's total over [from, to]: count, sum and the two middle values (one pass each). */
  async function computeSpendDistribution(from: string, to: string): Promise<SpendDistribution> {
    const perBuyer = sql`SELECT member_id, sum(revenue_yen) AS yen
      FROM kpi_member_days INDEXED BY kpi_member_days_day_idx
      WHERE day >= ${from} AND day <= ${to} GROUP BY member_id`
    const [totals] = await db.all<{ c: number; yen: number | null }>(
      sql`SELECT count(*) AS c, sum(yen) AS yen FROM (${perBuyer})`,
    )
    const buyers = n(totals?.c)
    if (buyers === 0) return { buyers: 0, totalYen: 0, middle: null }
    const lower = Math.floor((buyers - 1) / 2)
    const rows = await db.all<{ yen: number }>(
      sql`SELECT yen FROM (${perBuyer}) ORDER BY yen LIMIT ${2 - (buyers % 2)} OFFSET ${lower}`,
    )
    const a = n(rows[0]?.yen)
    const b = rows.length > 1 ? n(rows[1]?.yen) : a
    return { buyers, totalYen: n(totals?.yen), middle: [a, b] }
  }

  return {
    async periodTotals({ from, to }): Promise<PeriodTotals> {
      const [row] = await db.all<Record<string, number | null>>(sql`
        SELECT count(*) AS buyers, coalesce(sum(n >= 2), 0) AS repeat_buyers,
          coalesce(sum(n), 0) AS purchases, coalesce(sum(yen), 0) AS revenue
        FROM (SELECT member_id, sum(purchases) AS n, sum(revenue_yen) AS yen
          FROM kpi_member_days INDEXED BY kpi_member_days_day_idx
          WHERE day >= ${from} AND day <= ${to} GROUP BY member_id)`)
      return {
        buyers: n(row?.buyers),
        repeatBuyers: n(row?.repeat_buyers),
        purchases: n(row?.purchases),
        revenueYen: n(row?.revenue),
      }
    },

    async returningBuyers({ from, to }) {
      const [row] = await db.all<{ c: number }>(sql`
        SELECT count(*) AS c FROM kpi_members m
        WHERE m.first_day < ${from} AND m.last_day >= ${from}
          AND EXISTS (SELECT 1 FROM kpi_member_days d
            WHERE d.member_id = m.member_id AND d.day >= ${from} AND d.day <= ${to})`)
      return n(row?.c)
    },

    async lastPurchaseOnOrBefore(lastDay, to) {
      // Members who had bought by lastDay, less those of them who bought in (lastDay, to].
      const [row] = await db.all<{ c: number }>(sql`
        SELECT
          (SELECT count(*) FROM kpi_members WHERE first_day <= ${lastDay})
          - (SELECT count(*) FROM kpi_members m WHERE m.first_day <= ${lastDay}
              AND m.last_day > ${lastDay}
              AND EXISTS (SELECT 1 FROM kpi_member_days d WHERE d.member_id = m.member_id
                AND d.day > ${lastDay} AND d.day <= ${to})) AS c`)
      return n(row?.c)
    },

    async spendDistribution({ from, to }): Promise<SpendDistribution> {
      // One read: the rollup generation, and the stored window for these days if there is one.
      const [known] = await db.all<{
        generation: number
        buyers: number | null
        total_yen: number | null
        middle_low: number | null
        middle_high: number | null
      }>(sql`SELECT g.n AS generation, w.buyers, w.total_yen, w.middle_low, w.middle_high
        FROM kpi_rollup_generation g
        LEFT JOIN kpi_spend_windows w ON w.from_day = ${from} AND w.to_day = ${to}
        WHERE g.id = 1`)
      const generation = known ? { n: known.generation } : undefined
      if (known && known.buyers !== null)
        return {
          buyers: n(known.buyers),
          totalYen: n(known.total_yen),
          middle:
            known.middle_low === null || known.middle_high === null
              ? null
              : [n(known.middle_low), n(known.middle_high)],
        }
      const computed = await computeSpendDistribution(from, to)
      // Stored only if no rollup changed since the generation read above (a purchase recorded
      // while this ran may or may not be in `computed`).
      await db.run(sql`INSERT OR REPLACE INTO kpi_spend_windows
          (from_day, to_day, buyers, total_yen, middle_low, middle_high, generation)
        SELECT ${from}, ${to}, ${computed.buyers}, ${computed.totalYen},
          ${computed.middle?.[0] ?? null}, ${computed.middle?.[1] ?? null}, n
        FROM kpi_rollup_generation WHERE id = 1 AND n = ${n(generation?.n)}`)
      return computed
    },

    async cohortCells(cohortDays, to): Promise<CohortCell[]> {
      const rows = await db.all<{ cohort: string; month: string; c: number }>(sql`
        SELECT substr(m.first_day, 1, 7) AS cohort, substr(d.day, 1, 7) AS month,
          count(DISTINCT d.member_id) AS c
        FROM kpi_members m INDEXED BY kpi_members_first_idx
        JOIN kpi_member_days d ON d.member_id = m.member_id AND d.day <= ${to}
        WHERE m.first_day >= ${cohortDays.from} AND m.first_day <= ${cohortDays.to}
        GROUP BY cohort, month`)
      return rows.map((r: { cohort: string; month: string; c: number }) => ({
        cohort: r.cohort,
        month: r.month,
        members: n(r.c),
      }))
    },

    async reactivated({ from, to }, gapDays) {
      // Bought in the period, had bought before it, and not in the gapDays days before `from`.
      const [row] = await db.all<{ c: number }>(sql`
        SELECT count(*) AS c FROM kpi_members m
        WHERE m.first_day < ${from} AND m.last_day >= ${from}
          AND EXISTS (SELECT 1 FROM kpi_member_days d
            WHERE d.member_id = m.member_id AND d.day >= ${from} AND d.day <= ${to})
          AND NOT EXISTS (SELECT 1 FROM kpi_member_days d
            WHERE d.member_id = m.member_id AND d.day < ${from}
              AND d.day >= date(${from}, ${`-${gapDays} days`}))`)
      return n(row?.c)
    },
  }
}
