import { and, count, eq, sql } from 'drizzle-orm'
import type { UnitBudgetStore } from '../../domain/line-stats/unit-budget.ts'
import type { Database } from '../database.ts'
import { lineAggregationUnits, staffAlerts } from '../schema.ts'

/** The unit names used per month; the limit is checked in the same statement that records one. */
export function createUnitBudgetStore(db: Database): UnitBudgetStore & {
  /** A shop-wide staff alert ('job_failed'), once per key. */
  raiseAlert(summary: string, dedupeKey: string, at: number): Promise<void>
} {
  return {
    async admit(month, unit, limit, at) {
      await db.run(
        sql`INSERT INTO line_aggregation_units (month, unit, first_used_at)
          SELECT ${month}, ${unit}, ${at}
          WHERE (SELECT count(*) FROM line_aggregation_units WHERE month = ${month}) < ${limit}
          ON CONFLICT DO NOTHING`,
      )
      const [row] = await db
        .select({ unit: lineAggregationUnits.unit })
        .from(lineAggregationUnits)
        .where(and(eq(lineAggregationUnits.month, month), eq(lineAggregationUnits.unit, unit)))
      return row !== undefined
    },

    async raiseAlert(summary, dedupeKey, at) {
      await db
        .insert(staffAlerts)
        .values({ kind: 'job_failed', memberId: null, summary, dedupeKey, createdAt: at })
        .onConflictDoNothing({ target: staffAlerts.dedupeKey })
    },

    async used(month) {
      const [row] = await db
        .select({ n: count() })
        .from(lineAggregationUnits)
        .where(eq(lineAggregationUnits.month, month))
      return row?.n ?? 0
    },
  }
}
