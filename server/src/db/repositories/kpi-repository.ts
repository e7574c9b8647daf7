import { and, eq, sql } from 'drizzle-orm'
import type {
  CohortCell,
  KpiStore,
  PeriodTotals,
  SpendDistribution,
} from '../../domain/kpis/store.ts'
import type { Write } from '../../domain/unit-of-work.ts'
import type { Atomic } from '../atomic.ts'
import type { Database } from '../database.ts'
import {
  kpiDays,
  kpiMemberDays,
  kpiMembers,
  kpiRollupGeneration,
  kpiSpendWindows,
  purchases,
} from '../schema.ts'
import { reachFloor } from '../segments/reach.ts'

const n = (v: unknown): number => Number(v ?? 0)

/** The KPI rollups and their indexed queries (see domain/kpis/store.ts). */
/** The rollups' own write helpers (no state: each builds one statement). */
function rollupWrites(db: Database) {
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

export function createKpiStore(db: Database, atomic: Atomic): KpiStore {
  const { memberSummaryWrite, bumpGeneration } = rollupWrites(db)

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

    async memberCounts(startAt, endAt) {
      const [row] = await db.all<Record<string, number | null>>(sql`
        SELECT
          (SELECT count(*) FROM members WHERE follow_state = 'following'
            AND coalesce(first_followed_at, created_at) < ${endAt}) AS friends,
          (SELECT count(*) FROM members WHERE first_followed_at >= ${startAt}
            AND first_followed_at < ${endAt}) AS new_friends,
          (SELECT count(*) FROM members WHERE follow_state = 'blocked'
            AND blocked_at >= ${startAt} AND blocked_at < ${endAt}
            -- An erasure marks the member blocked (never messaged again): not a block by them.
            AND (erased_at IS NULL OR blocked_at < erased_at)) AS blocked`)
      return {
        friends: n(row?.friends),
        newFriends: n(row?.new_friends),
        blocked: n(row?.blocked),
      }
    },

    async reachable() {
      const [row] = await db.all<{ c: number }>(
        sql`SELECT count(*) AS c FROM member_rfm WHERE sendable >= ${reachFloor()}`,
      )
      return n(row?.c)
    },

    async rfmGrid(now) {
      // Bands: recency 0–30 / 31–90 / 91–180 / 181–365 / 366+ days; purchases 1 / 2 / 3–4 / 5–9 / 10+.
      const days = sql`(${now} - last_purchase_at) / 86400000`
      const rows = await db.all<{ r: number; f: number; c: number; yen: number }>(sql`
        SELECT
          CASE WHEN ${days} <= 30 THEN 0 WHEN ${days} <= 90 THEN 1 WHEN ${days} <= 180 THEN 2
            WHEN ${days} <= 365 THEN 3 ELSE 4 END AS r,
          CASE WHEN purchase_count = 1 THEN 0 WHEN purchase_count = 2 THEN 1
            WHEN purchase_count <= 4 THEN 2 WHEN purchase_count <= 9 THEN 3 ELSE 4 END AS f,
          count(*) AS c, sum(spend_total_yen) AS yen
        FROM member_rfm INDEXED BY member_rfm_last_idx
        WHERE last_purchase_at IS NOT NULL AND purchase_count > 0
        GROUP BY r, f`)
      return rows.map((row: { r: number; f: number; c: number; yen: number }) => ({
        recencyBand: n(row.r),
        frequencyBand: n(row.f),
        members: n(row.c),
        revenueYen: n(row.yen),
      }))
    },

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
