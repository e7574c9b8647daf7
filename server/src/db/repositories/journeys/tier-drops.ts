import { sql } from 'drizzle-orm'
import type { JourneyStore } from '../../../domain/journeys/store.ts'
import type { Database } from '../../database.ts'
import { insertSelectList } from '../../insert-select.ts'
import { memberPurchaseCycles } from '../../schema.ts'
import { allOf, num } from './rows.ts'

/** Tier about to drop: the due members, one member's facts, and the ranges staff edits recompute. */
export function createJourneyTierDrops(
  db: Database,
): Pick<
  JourneyStore,
  | 'tierDropMembers'
  | 'tierDropFacts'
  | 'setTierDropAt'
  | 'tierMemberCeiling'
  | 'tierDropAnchors'
  | 'tierDropsWrites'
> {
  const all = allOf(db)
  return {
    async tierDropMembers(from, to, after, limit, unlessEntered) {
      // The journey_runs_occurrence_idx (journey, member, occurrence) answers the probe.
      const notEntered = unlessEntered
        ? sql`AND NOT EXISTS (SELECT 1 FROM journey_runs r
            WHERE r.journey_id = ${unlessEntered.journeyId} AND r.member_id = c.member_id
              AND r.occurrence LIKE 'tierdrop:%' AND r.entered_at >= ${unlessEntered.since})`
        : sql``
      const rows = await all<{ id: number; at: number }>(
        sql`SELECT c.member_id AS id, c.tier_drops_at AS at FROM member_purchase_cycles c
          WHERE c.tier_drops_at > ${from} AND c.tier_drops_at <= ${to}
            AND (c.tier_drops_at > ${after.at} OR (c.tier_drops_at = ${after.at} AND c.member_id > ${after.memberId}))
            ${notEntered}
          ORDER BY c.tier_drops_at, c.member_id LIMIT ${limit}`,
      )
      return rows.map((r) => ({ memberId: num(r.id), dropsAt: num(r.at) }))
    },
    async tierDropFacts(memberId, since) {
      // The member's tier threshold, only when some tier sits below it (else nothing to lose).
      const [tier] = await all<{ min: number }>(
        sql`SELECT t.min_spend_yen AS min FROM member_tiers mt JOIN tiers t ON t.id = mt.tier_id
          WHERE mt.member_id = ${memberId}
            AND EXISTS (SELECT 1 FROM tiers lower WHERE lower.min_spend_yen < t.min_spend_yen)`,
      )
      if (!tier) return { thresholdYen: null, purchases: [] }
      const rows = await all<{ at: number; yen: number }>(
        sql`SELECT purchased_at AS at, amount_yen AS yen FROM purchases
          WHERE member_id = ${memberId} AND status = 'completed' AND purchased_at > ${since}
          ORDER BY purchased_at`,
      )
      return {
        thresholdYen: num(tier.min),
        purchases: rows.map((r) => ({ at: num(r.at), yen: num(r.yen) })),
      }
    },
    async setTierDropAt(memberId, dropsAt, now) {
      await db
        .insert(memberPurchaseCycles)
        .values({ memberId, purchases: 0, tierDropsAt: dropsAt, updatedAt: now })
        .onConflictDoUpdate({
          target: memberPurchaseCycles.memberId,
          set: { tierDropsAt: dropsAt, updatedAt: now },
        })
    },
    async tierMemberCeiling() {
      const [row] = await all<{ n: number | null }>(
        sql`SELECT max(n) AS n FROM (SELECT max(member_id) AS n FROM member_tiers
          UNION ALL SELECT max(member_id) FROM member_purchase_cycles WHERE tier_drops_at IS NOT NULL)`,
      )
      return num(row?.n)
    },
    async tierDropAnchors(fromId, toId, since) {
      // One statement per range: the members' 12-month spend and its running sum in purchase
      // order (the covering purchases_member_idx); the anchor is the first purchase after which
      // what is left falls under the tier's threshold.
      const rows = await all<{ id: number; at: number }>(
        sql`WITH m AS (
            SELECT mt.member_id, t.min_spend_yen AS th FROM member_tiers mt JOIN tiers t ON t.id = mt.tier_id
            WHERE mt.member_id >= ${fromId} AND mt.member_id < ${toId}
              AND EXISTS (SELECT 1 FROM tiers lower WHERE lower.min_spend_yen < t.min_spend_yen)),
          p AS (
            SELECT p.member_id, p.purchased_at AS at, m.th,
              sum(p.amount_yen) OVER (PARTITION BY p.member_id) AS total,
              sum(p.amount_yen) OVER (PARTITION BY p.member_id ORDER BY p.purchased_at
                ROWS UNBOUNDED PRECEDING) AS running
            FROM m JOIN purchases p ON p.member_id = m.member_id
            WHERE p.status = 'completed' AND p.purchased_at > ${since})
          SELECT member_id AS id, min(at) AS at FROM p
          WHERE total >= th AND total - running < th GROUP BY member_id`,
      )
      return rows.map((r) => ({ memberId: num(r.id), purchasedAt: num(r.at) }))
    },
    tierDropsWrites(fromId, toId, drops, now) {
      const json = JSON.stringify(drops.map((d) => [d.memberId, d.dropsAt]))
      return [
        db
          .update(memberPurchaseCycles)
          .set({ tierDropsAt: null, updatedAt: now })
          .where(
            sql`${memberPurchaseCycles.memberId} >= ${fromId} AND ${memberPurchaseCycles.memberId} < ${toId}
              AND ${memberPurchaseCycles.tierDropsAt} IS NOT NULL
              AND ${memberPurchaseCycles.memberId} NOT IN (SELECT json_extract(value, '$[0]') FROM json_each(${json}))`,
          ),
        // A new summary row counts no purchases.
        db
          .insert(memberPurchaseCycles)
          .select(
            sql`${insertSelectList(memberPurchaseCycles, {
              memberId: sql.raw(`json_extract(value, '$[0]')`),
              purchases: 0,
              tierDropsAt: sql.raw(`json_extract(value, '$[1]')`),
              updatedAt: now,
            })} FROM json_each(${json}) WHERE true`,
          )
          .onConflictDoUpdate({
            target: memberPurchaseCycles.memberId,
            set: { tierDropsAt: sql`excluded.tier_drops_at`, updatedAt: now },
            setWhere: sql`${memberPurchaseCycles.tierDropsAt} IS NOT excluded.tier_drops_at`,
          }),
      ]
    },
  }
}
