import { and, eq, sql } from 'drizzle-orm'
import type { KpiStore } from '../../../domain/kpis/store.ts'
import type { Write } from '../../../domain/unit-of-work.ts'
import type { Atomic } from '../../atomic.ts'
import type { Database } from '../../database.ts'
import { kpiDays, kpiMemberDays, kpiMembers, kpiSpendWindows, purchases } from '../../schema.ts'
import type { RollupWrites } from './rollup-writes.ts'
import { n } from './rows.ts'

/** Keeping the rollups: one member's day after a purchase or refund, and the rebuild in ranges. */
export function createKpiRollups(
  db: Database,
  atomic: Atomic,
  { memberSummaryWrite, bumpGeneration }: RollupWrites,
): Pick<
  KpiStore,
  | 'refreshMemberDayWrites'
  | 'purchaseOf'
  | 'purchaseTimeSpan'
  | 'putDays'
  | 'maxMemberIdWithPurchases'
  | 'rebuildMembers'
> {
  return {
    refreshMemberDayWrites(memberId, day, startAt, endAt): Write[] {
      const ofDay = sql`member_id = ${memberId} AND status = 'completed'
        AND purchased_at >= ${startAt} AND purchased_at < ${endAt}`
      return [
        // Every stored distribution whose window holds this day is out of date.
        db
          .delete(kpiSpendWindows)
          .where(sql`${kpiSpendWindows.fromDay} <= ${day} AND ${kpiSpendWindows.toDay} >= ${day}`),
        bumpGeneration(),
        db
          .insert(kpiMemberDays)
          .select(
            sql`SELECT ${memberId}, ${day}, count(*), sum(amount_yen) FROM purchases
              WHERE ${ofDay} HAVING count(*) > 0`,
          )
          .onConflictDoUpdate({
            target: [kpiMemberDays.memberId, kpiMemberDays.day],
            set: { purchases: sql`excluded.purchases`, revenueYen: sql`excluded.revenue_yen` },
          }),
        db
          .delete(kpiMemberDays)
          .where(
            and(
              eq(kpiMemberDays.memberId, memberId),
              eq(kpiMemberDays.day, day),
              sql`NOT EXISTS (SELECT 1 FROM purchases WHERE ${ofDay})`,
            ),
          ),
        memberSummaryWrite(sql`member_id = ${memberId}`),
        db
          .delete(kpiMembers)
          .where(
            and(
              eq(kpiMembers.memberId, memberId),
              sql`NOT EXISTS (SELECT 1 FROM kpi_member_days WHERE member_id = ${memberId})`,
            ),
          ),
      ]
    },

    async purchaseOf(purchaseId) {
      const [row] = await db
        .select({ memberId: purchases.memberId, purchasedAt: purchases.purchasedAt })
        .from(purchases)
        .where(eq(purchases.id, purchaseId))
      return row ?? null
    },

    async purchaseTimeSpan() {
      const [row] = await db.all<{ lo: number | null; hi: number | null }>(
        sql`SELECT min(purchased_at) AS lo, max(purchased_at) AS hi FROM purchases`,
      )
      if (row?.lo === null || row?.lo === undefined || row.hi === null) return null
      return { min: n(row.lo), max: n(row.hi) }
    },

    async putDays(days) {
      await db.delete(kpiDays)
      // D1 binds at most 100 parameters per statement: 2 per row.
      for (let i = 0; i < days.length; i += 40)
        await db.insert(kpiDays).values(days.slice(i, i + 40))
    },

    async maxMemberIdWithPurchases() {
      const [row] = await db.all<{ id: number | null }>(
        sql`SELECT max(member_id) AS id FROM purchases`,
      )
      return n(row?.id)
    },

    async rebuildMembers(fromId, toId) {
      const range = sql`member_id >= ${fromId} AND member_id <= ${toId}`
      await atomic([
        db.delete(kpiSpendWindows),
        bumpGeneration(),
        db.delete(kpiMembers).where(range),
        db.delete(kpiMemberDays).where(range),
        db.insert(kpiMemberDays).select(sql`
          SELECT member_id, day, count(*), sum(amount_yen) FROM (
            SELECT p.member_id, p.amount_yen,
              (SELECT k.day FROM kpi_days k WHERE k.start_at <= p.purchased_at
                ORDER BY k.start_at DESC LIMIT 1) AS day
            FROM purchases p INDEXED BY purchases_completed_idx
            WHERE p.member_id >= ${fromId} AND p.member_id <= ${toId}
              AND p.status = 'completed')
          GROUP BY member_id, day`),
        memberSummaryWrite(range),
      ])
    },
  }
}
