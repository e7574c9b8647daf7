import { sql } from 'drizzle-orm'
import type { JourneyStore } from '../../../domain/journeys/store.ts'
import { medianGap } from '../../../domain/journeys/schedule.ts'
import type { Database } from '../../database.ts'
import { memberPurchaseCycles } from '../../schema.ts'
import { reachFloor } from '../../segments/reach.ts'
import { allOf, num } from './rows.ts'

/** The scheduled triggers' sources (paged over their indexes) and the purchase trigger's reads. */
export function createJourneyTriggerSources(
  db: Database,
): Pick<
  JourneyStore,
  | 'birthdayMembers'
  | 'dormantMembers'
  | 'cycleMembers'
  | 'expiringPoints'
  | 'expiringCoupons'
  | 'refreshPurchaseCycle'
  | 'purchase'
> {
  const all = allOf(db)
  return {
    async birthdayMembers(mmdds, afterMemberId, limit) {
      const month = mmdds[0]?.slice(0, 2) ?? '00'
      const days = sql.join(
        mmdds.map((d) => sql`${d.slice(3)}`),
        sql`, `,
      )
      // The birth-month index narrows to a twelfth; the day and sendability filter the rest.
      const rows = await all<{ id: number }>(
        sql`SELECT p.member_id AS id FROM member_profiles p
          JOIN member_rfm s ON s.member_id = p.member_id AND s.sendable >= ${reachFloor()}
          WHERE p.birth_month = ${month} AND substr(p.birthday, 9, 2) IN (${days})
            AND p.member_id > ${afterMemberId}
          ORDER BY p.member_id LIMIT ${limit}`,
      )
      return rows.map((r) => ({ memberId: num(r.id) }))
    },
    async dormantMembers(from, to, after, limit) {
      const rows = await all<{ id: number; at: number }>(
        sql`SELECT member_id AS id, last_purchase_at AS at FROM member_rfm
          WHERE last_purchase_at > ${from} AND last_purchase_at <= ${to} AND sendable >= ${reachFloor()}
            AND (last_purchase_at > ${after.at} OR (last_purchase_at = ${after.at} AND member_id > ${after.memberId}))
          ORDER BY last_purchase_at, member_id LIMIT ${limit}`,
      )
      return rows.map((r) => ({ memberId: num(r.id), lastPurchaseAt: num(r.at) }))
    },
    async cycleMembers(from, to, minPurchases, after, limit) {
      const rows = await all<{ id: number; expected: number; last: number }>(
        sql`SELECT member_id AS id, expected_next_at AS expected, last_purchase_at AS last
          FROM member_purchase_cycles
          WHERE expected_next_at > ${from} AND expected_next_at <= ${to} AND purchases >= ${minPurchases}
            AND (expected_next_at > ${after.at} OR (expected_next_at = ${after.at} AND member_id > ${after.memberId}))
          ORDER BY expected_next_at, member_id LIMIT ${limit}`,
      )
      return rows.map((r) => ({
        memberId: num(r.id),
        expectedNextAt: num(r.expected),
        lastPurchaseAt: num(r.last),
      }))
    },
    async expiringPoints(from, to, after, limit) {
      // The lots' expiry index gives the order; grouping by (instant, member) keeps one entry per
      // member and expiry however many lots share it.
      const rows = await all<{ id: number; at: number; points: number }>(
        sql`SELECT member_id AS id, expires_at AS at, SUM(remaining) AS points FROM point_lots
          WHERE expires_at > ${from} AND expires_at <= ${to} AND remaining > 0
            AND (expires_at > ${after.at} OR (expires_at = ${after.at} AND member_id > ${after.memberId}))
          GROUP BY expires_at, member_id
          ORDER BY expires_at, member_id LIMIT ${limit}`,
      )
      return rows.map((r) => ({ memberId: num(r.id), expiresAt: num(r.at), points: num(r.points) }))
    },
    async expiringCoupons(from, to, after, limit) {
      const rows = await all<{ id: number; member: number; at: number }>(
        sql`SELECT id, member_id AS member, expires_at AS at FROM coupons
          WHERE state = 'issued' AND expires_at > ${from} AND expires_at <= ${to}
            AND (expires_at > ${after.at} OR (expires_at = ${after.at} AND id > ${after.couponId}))
          ORDER BY expires_at, id LIMIT ${limit}`,
      )
      return rows.map((r) => ({
        memberId: num(r.member),
        couponId: num(r.id),
        expiresAt: num(r.at),
      }))
    },
    async refreshPurchaseCycle(memberId, now) {
      const rows = await all<{ at: number }>(
        sql`SELECT purchased_at AS at FROM purchases WHERE member_id = ${memberId} AND status = 'completed'
          ORDER BY purchased_at`,
      )
      const times = rows.map((r) => num(r.at))
      const gap = medianGap(times)
      const last = times.length > 0 ? (times[times.length - 1] ?? null) : null
      const values = {
        memberId,
        purchases: times.length,
        medianGapMs: gap,
        lastPurchaseAt: last,
        expectedNextAt: gap !== null && last !== null ? last + gap : null,
        updatedAt: now,
      }
      await db
        .insert(memberPurchaseCycles)
        .values(values)
        .onConflictDoUpdate({ target: memberPurchaseCycles.memberId, set: values })
    },
    async purchase(purchaseId) {
      const [row] = await all<{
        member_id: number
        amount_yen: number
        categories: string
        purchased_at: number
        status: string
      }>(
        sql`SELECT member_id, amount_yen, categories, purchased_at, status FROM purchases WHERE id = ${purchaseId}`,
      )
      if (!row || row.status !== 'completed') return null
      let categories: string[] = []
      try {
        const parsed: unknown = JSON.parse(row.categories)
        if (Array.isArray(parsed))
          categories = parsed.filter((c): c is string => typeof c === 'string')
      } catch {
        categories = []
      }
      return {
        memberId: num(row.member_id),
        amountYen: num(row.amount_yen),
        categories,
        purchasedAt: num(row.purchased_at),
      }
    },
  }
}
