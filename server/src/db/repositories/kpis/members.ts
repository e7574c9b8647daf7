import { sql } from 'drizzle-orm'
import type { KpiStore } from '../../../domain/kpis/store.ts'
import type { Database } from '../../database.ts'
import { reachFloor } from '../../segments/reach.ts'
import { n } from './rows.ts'

/** The members' figures: friends, new friends and blocks, who can be reached, the RFM grid. */
export function createKpiMembers(
  db: Database,
): Pick<KpiStore, 'memberCounts' | 'reachable' | 'rfmGrid'> {
  return {
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
  }
}
