import type { JourneyTimelineEntry } from '@joren/shared'
import { sql } from 'drizzle-orm'
import type { JourneyStore } from '../../../domain/journeys/store.ts'
import type { Database } from '../../database.ts'
import { allOf, group, num } from './rows.ts'

/** What staff read back: counts per status and step, the lift's outcomes, a member's timeline. */
export function createJourneyReports(
  db: Database,
): Pick<
  JourneyStore,
  | 'runCounts'
  | 'stepCounts'
  | 'waitingAt'
  | 'convertedAfter'
  | 'couponsRedeemed'
  | 'outcomes'
  | 'timeline'
  | 'memberIdByNumber'
> {
  const all = allOf(db)
  return {
    async runCounts(journeyId) {
      const rows = await all<{ status: string; reason: string | null; n: number }>(
        sql`SELECT status, exit_reason AS reason, count(*) AS n FROM journey_runs
          WHERE journey_id = ${journeyId} GROUP BY status, exit_reason`,
      )
      return rows.map((r) => ({ status: r.status, exitReason: r.reason, n: num(r.n) }))
    },
    async stepCounts(journeyId) {
      const rows = await all<{ step: number; outcome: string; reason: string | null; n: number }>(
        sql`SELECT step, outcome, reason, count(*) AS n FROM journey_step_log
          WHERE journey_id = ${journeyId} GROUP BY step, outcome, reason`,
      )
      return rows.map((r) => ({
        step: num(r.step),
        outcome: r.outcome as 'sent' | 'skipped' | 'deferred',
        reason: r.reason,
        n: num(r.n),
      }))
    },
    async waitingAt(journeyId) {
      const rows = await all<{ step: number; n: number }>(
        sql`SELECT next_step AS step, count(*) AS n FROM journey_runs
          WHERE journey_id = ${journeyId} AND status = 'active' GROUP BY next_step`,
      )
      return rows.map((r) => ({ step: num(r.step), n: num(r.n) }))
    },
    async convertedAfter(journeyId) {
      const rows = await all<{ step: number | null; n: number }>(
        sql`SELECT last_sent_step AS step, count(*) AS n FROM journey_runs
          WHERE journey_id = ${journeyId} AND exit_reason = 'converted' GROUP BY last_sent_step`,
      )
      return rows.map((r) => ({ step: r.step === null ? null : num(r.step), n: num(r.n) }))
    },
    async couponsRedeemed(journeyId) {
      const rows = await all<{ step: number; n: number }>(
        sql`SELECT l.step AS step, count(*) AS n FROM journey_step_log l
          JOIN coupons c ON c.id = l.coupon_id
          WHERE l.journey_id = ${journeyId} AND l.coupon_id IS NOT NULL AND c.state = 'redeemed'
          GROUP BY l.step`,
      )
      return rows.map((r) => ({ step: num(r.step), n: num(r.n) }))
    },
    async outcomes(journeyId, windowMs) {
      const rows = await all<{
        held: number
        members: number
        purchasers: number
        purchases: number
        revenue: number
      }>(sql`SELECT held, count(*) AS members, sum(n > 0) AS purchasers, sum(n) AS purchases,
            sum(rev) AS revenue
          FROM (SELECT r.status = 'holdout' AS held,
                  (SELECT count(*) FROM purchases p WHERE p.member_id = r.member_id
                     AND p.status = 'completed' AND p.purchased_at > r.entered_at
                     AND p.purchased_at <= r.entered_at + ${windowMs}) AS n,
                  (SELECT coalesce(sum(p.amount_yen), 0) FROM purchases p WHERE p.member_id = r.member_id
                     AND p.status = 'completed' AND p.purchased_at > r.entered_at
                     AND p.purchased_at <= r.entered_at + ${windowMs}) AS rev
                FROM journey_runs r WHERE r.journey_id = ${journeyId})
          GROUP BY held`)
      const pick = (held: number) => {
        const r = rows.find((x) => num(x.held) === held)
        return group(num(r?.members), num(r?.purchasers), num(r?.purchases), num(r?.revenue))
      }
      return { entered: pick(0), heldOut: pick(1) }
    },
    async timeline(memberId, limit) {
      const runs = await all<{
        id: number
        journey_id: number
        name: string
        status: string
        exit_reason: string | null
        entered_at: number
        next_step: number
        next_due_at: number | null
        ended_at: number | null
      }>(sql`SELECT r.id, r.journey_id, j.name, r.status, r.exit_reason, r.entered_at, r.next_step,
            r.next_due_at, r.ended_at
          FROM journey_runs r JOIN journeys j ON j.id = r.journey_id
          WHERE r.member_id = ${memberId} ORDER BY r.id DESC LIMIT ${limit}`)
      const logs = await all<{
        run_id: number
        journey_id: number
        step: number
        outcome: string
        reason: string | null
        at: number
      }>(sql`SELECT run_id, journey_id, step, outcome, reason, at FROM journey_step_log
          WHERE member_id = ${memberId} ORDER BY at DESC, id DESC LIMIT ${limit}`)
      const names = new Map(runs.map((r) => [num(r.id), r.name]))
      const out: JourneyTimelineEntry[] = []
      for (const r of runs) {
        const base = { journeyId: num(r.journey_id), journeyName: r.name, runId: num(r.id) }
        out.push({
          ...base,
          step: null,
          kind: r.status === 'holdout' ? 'held_out' : 'entered',
          reason: null,
          at: num(r.entered_at),
        })
        if (r.status === 'active' && r.next_due_at !== null)
          out.push({
            ...base,
            step: num(r.next_step),
            kind: 'due',
            reason: null,
            at: num(r.next_due_at),
          })
        if ((r.status === 'exited' || r.status === 'completed') && r.ended_at !== null)
          out.push({
            ...base,
            step: null,
            kind: r.status === 'exited' ? 'exited' : 'completed',
            reason: r.exit_reason,
            at: num(r.ended_at),
          })
      }
      for (const l of logs) {
        const name = names.get(num(l.run_id))
        if (name === undefined) continue
        out.push({
          journeyId: num(l.journey_id),
          journeyName: name,
          runId: num(l.run_id),
          step: num(l.step),
          kind: l.outcome as 'sent' | 'skipped' | 'deferred',
          reason: l.reason,
          at: num(l.at),
        })
      }
      return out.sort((a, b) => a.at - b.at || a.runId - b.runId).slice(-limit)
    },
    async memberIdByNumber(memberNumber) {
      const [row] = await all<{ id: number }>(
        sql`SELECT id FROM members WHERE member_number = ${memberNumber}`,
      )
      return row ? num(row.id) : null
    },
  }
}
