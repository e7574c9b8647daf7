import type { BroadcastAudience } from '@joren/shared'
import { sql, type SQL } from 'drizzle-orm'
import { FREEZE_MEMBERS_PER_STATEMENT } from '../../../domain/broadcasts/engine.ts'
import { holdoutSeed, HOLDOUT_SCALE } from '../../../domain/broadcasts/holdout.ts'
import type { AudienceContext, BroadcastAudienceStore } from '../../../domain/broadcasts/store.ts'
import type { Database } from '../../database.ts'
import { compileSegment, sendableAudience } from '../../segments/compile.ts'
import { REACH_STATE, reachFloor } from '../../segments/reach.ts'
import { createSegmentRepository } from '../segment-repository.ts'
import { allRows, num, yieldToEventLoop } from './rows.ts'

/**
 * Holdout draw: a multiplicative (Weyl) hash of member ID + per-broadcast seed, in SQL so the
 * freeze stays one set-based statement; the same formula as holdout.ts. Stays within 63 bits.
 */
export function holdoutExpr(broadcastId: number, percent: number): SQL {
  const threshold = Math.floor((percent / 100) * HOLDOUT_SCALE)
  return sql`(((("members"."id" + ${holdoutSeed(broadcastId)}) * 2654435761) % 4294967296) < ${threshold})`
}

/**
 * The contact policy's frequency cap in SQL: the member already had `weeklyCap` marketing pushes
 * (journeys and broadcasts, marketing_contacts) since `since`. One probe of
 * marketing_contacts_member_idx (member_id, at) per member, stopping at the cap; `0` when no cap.
 */
export function cappedExpr(ctx: AudienceContext, memberId: SQL = sql`"members"."id"`): SQL {
  const cap = ctx.frequencyCap
  if (!cap || cap.weeklyCap <= 0) return sql`0`
  return sql`((SELECT count(*) FROM (SELECT 1 FROM marketing_contacts c
    WHERE c.member_id = ${memberId} AND c.at >= ${cap.since} LIMIT ${cap.weeklyCap})) >= ${cap.weeklyCap})`
}

/**
 * The members table as a per-range statement reads it. NOT INDEXED: a rowid range scan, so each
 * statement costs its range only — with members_follow_state_idx the planner would walk every
 * following member for each range. A CSV audience keeps the member_number index (a short list
 * is a few probes, not a scan of the range).
 */
export function membersFor(audience: BroadcastAudience): SQL {
  return audience.kind === 'members' ? sql`members` : sql`members NOT INDEXED`
}

/** A broadcast's audience in SQL: who matches, who is reachable, counted per member-ID range. */
export interface BroadcastAudienceQueries {
  /** The audience's sendable members as a condition on "members". */
  audienceWhere(audience: BroadcastAudience, ctx: AudienceContext): Promise<SQL>
  store: BroadcastAudienceStore
}

export function createBroadcastAudience(db: Database): BroadcastAudienceQueries {
  const segmentRepository = createSegmentRepository(db)
  /** The audience's members before reachability (segment, everyone or a list). */
  async function audienceMatch(audience: BroadcastAudience, ctx: AudienceContext): Promise<SQL> {
    switch (audience.kind) {
      case 'all':
        return sql`1 = 1`
      case 'segment': {
        // Built-ins keep thresholds, saved segments a rule tree: the segments repository knows.
        const segment = await segmentRepository.find(audience.segmentId)
        if (!segment) return sql`1 = 0`
        return sql`(${compileSegment(segment.rules, ctx)})`
      }
      case 'members':
        return sql`"members"."member_number" IN (SELECT value FROM json_each(${JSON.stringify(audience.memberNumbers)}))`
    }
  }

  async function audienceWhere(audience: BroadcastAudience, ctx: AudienceContext): Promise<SQL> {
    if (audience.kind === 'all') return sendableAudience()
    return sql`${await audienceMatch(audience, ctx)} AND ${sendableAudience()}`
  }

  const all = allRows(db)
  const memberIdSpan = async (): Promise<{ lo: number; hi: number } | null> => {
    const [row] = await all<{ lo: number | null; hi: number | null }>(
      // Two subqueries: each is one B-tree seek (min and max together would scan the table).
      sql`SELECT (SELECT min(id) FROM members) AS lo, (SELECT max(id) FROM members) AS hi`,
    )
    return row?.lo == null || row.hi == null ? null : { lo: num(row.lo), hi: num(row.hi) }
  }
  /**
   * Runs `step` per range of member IDs (a condition on "members"."id"), yielding between. Range
   * queries read membersFor(audience): a rowid range, so a statement costs its range only.
   */
  const eachMemberRange = async (step: (range: SQL) => Promise<boolean>): Promise<void> => {
    const span = await memberIdSpan()
    if (!span) return
    for (let from = span.lo; from <= span.hi; from += FREEZE_MEMBERS_PER_STATEMENT) {
      const more = await step(
        sql`"members"."id" >= ${from} AND "members"."id" < ${from + FREEZE_MEMBERS_PER_STATEMENT}`,
      )
      if (!more) return
      if (from + FREEZE_MEMBERS_PER_STATEMENT <= span.hi) await yieldToEventLoop()
    }
  }

  return {
    audienceWhere,
    store: {
      async countAudience(audience, holdout, ctx) {
        // Per range: the audience's members by reach state (one primary-key probe each), so the
        // composer can say why fewer are reached than match.
        const match = await audienceMatch(audience, ctx)
        const h = holdout.percent > 0 ? holdoutExpr(holdout.broadcastId, holdout.percent) : sql`0`
        const floor = reachFloor()
        // Outside the members subquery: its member ID is the column `mid`.
        const capped = cappedExpr(ctx, sql`mid`)
        const t = {
          segment: 0,
          audience: 0,
          holdout: 0,
          frequencyCap: 0,
          blocked: 0,
          optedOut: 0,
          notOptedIn: 0,
        }
        await eachMemberRange(async (range) => {
          const [row] = await all<Record<'seg' | 'n' | 'h' | 'k' | 'b' | 'o' | 'u', number | null>>(
            // The cap's probe only for reachable members not drawn (CASE: evaluated only then).
            sql`SELECT count(*) AS seg, sum(st >= f) AS n, sum(st >= f AND h) AS h,
                  sum(CASE WHEN st >= f AND NOT h THEN ${capped} ELSE 0 END) AS k,
                  sum(st = ${REACH_STATE.blocked}) AS b, sum(st = ${REACH_STATE.optedOut}) AS o,
                  sum(st = ${REACH_STATE.undecided} AND f > ${REACH_STATE.undecided}) AS u
                FROM (SELECT coalesce((SELECT s.sendable FROM member_rfm s WHERE s.member_id = "members"."id"), 0) AS st,
                    ${h} AS h, ${floor} AS f, "members"."id" AS mid
                  FROM ${membersFor(audience)} WHERE ${range} AND (${match}))`,
          )
          t.segment += num(row?.seg)
          t.audience += num(row?.n)
          t.holdout += num(row?.h)
          t.frequencyCap += num(row?.k)
          t.blocked += num(row?.b)
          t.optedOut += num(row?.o)
          t.notOptedIn += num(row?.u)
          return true
        })
        return t
      },

      async countRecipients(audience, holdout, ctx, limit) {
        const where = await audienceWhere(audience, ctx)
        const drawn =
          holdout.percent > 0
            ? sql`AND NOT ${holdoutExpr(holdout.broadcastId, holdout.percent)}`
            : sql``
        const capped = cappedExpr(ctx)
        let n = 0
        await eachMemberRange(async (range) => {
          const cap = Number.isFinite(limit) ? sql`LIMIT ${limit - n}` : sql``
          const [row] = await all<{
            n: number
          }>(sql`SELECT count(*) AS n FROM (SELECT 1 FROM ${membersFor(audience)}
              WHERE ${range} AND (${where}) ${drawn} AND NOT ${capped} ${cap})`)
          n += num(row?.n)
          return n < limit
        })
        return n
      },

      memberIdSpan,

      async audienceAvailable(audience) {
        if (audience.kind !== 'segment') return true
        return (await segmentRepository.find(audience.segmentId)) !== null
      },
    },
  }
}
