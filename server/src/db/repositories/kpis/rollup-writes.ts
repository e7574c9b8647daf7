import { eq, sql } from 'drizzle-orm'
import type { Database } from '../../database.ts'
import { kpiMembers, kpiRollupGeneration } from '../../schema.ts'

/** The rollups' own write helpers (no state: each builds one statement). */
export function rollupWrites(db: Database) {
  /** kpi_members for one member (or a member range) recomputed from kpi_member_days. */
  const memberSummaryWrite = (where: ReturnType<typeof sql>) =>
    db
      .insert(kpiMembers)
      .select(
        sql`SELECT member_id, min(day), max(day) FROM kpi_member_days WHERE ${where} GROUP BY member_id`,
      )
      .onConflictDoUpdate({
        target: kpiMembers.memberId,
        set: { firstDay: sql`excluded.first_day`, lastDay: sql`excluded.last_day` },
      })

  /** Every rollup change bumps this, so a distribution computed across the change is not stored. */
  const bumpGeneration = () =>
    db
      .update(kpiRollupGeneration)
      .set({ n: sql`${kpiRollupGeneration.n} + 1` })
      .where(eq(kpiRollupGeneration.id, 1))

  return { memberSummaryWrite, bumpGeneration }
}

export type RollupWrites = ReturnType<typeof rollupWrites>
