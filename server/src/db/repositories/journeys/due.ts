import { and, asc, eq, inArray, lte, sql } from 'drizzle-orm'
import type { JourneyStore, MemberFacts } from '../../../domain/journeys/store.ts'
import type { Database } from '../../database.ts'
import { journeyRuns } from '../../schema.ts'
import { reachFloor } from '../../segments/reach.ts'
import { allOf, num, toRun } from './rows.ts'

/** The scheduler's reads: the due runs claimed under a lease, and their members' facts. */
export function createJourneyDueSteps(
  db: Database,
): Pick<JourneyStore, 'claimDue' | 'anyDue' | 'memberFacts' | 'memberFactsMany' | 'activeRunsOf'> {
  const all = allOf(db)
  const due: ReturnType<typeof createJourneyDueSteps> = {
    async claimDue(now, leaseMs, limit) {
      const token = now + leaseMs
      // One statement: the due runs (partial index on next_due_at), unleased or with a lease past,
      // take this claim's lease; a second scheduler's statement sees them leased.
      const rows = await db
        .update(journeyRuns)
        .set({ lockedUntil: token })
        .where(
          inArray(
            journeyRuns.id,
            db
              .select({ id: journeyRuns.id })
              .from(journeyRuns)
              .where(
                and(
                  // A literal, not a bound value: only then may SQLite use the partial index
                  // (WHERE status = 'active'); bound, it scans every run and sorts them.
                  sql`${journeyRuns.status} = 'active'`,
                  lte(journeyRuns.nextDueAt, now),
                  sql`coalesce(${journeyRuns.lockedUntil}, 0) <= ${now}`,
                ),
              )
              .orderBy(asc(journeyRuns.nextDueAt))
              .limit(limit),
          ),
        )
        // Only what a claimed run carries (not every column of the row).
        .returning({
          id: journeyRuns.id,
          journeyId: journeyRuns.journeyId,
          memberId: journeyRuns.memberId,
          occurrence: journeyRuns.occurrence,
          enteredAt: journeyRuns.enteredAt,
          nextStep: journeyRuns.nextStep,
          scheduledAt: journeyRuns.scheduledAt,
          nextDueAt: journeyRuns.nextDueAt,
          lockedUntil: journeyRuns.lockedUntil,
        })
      return rows.map(toRun)
    },
    async anyDue(now) {
      const rows = await all<{ one: number }>(
        sql`SELECT 1 AS one FROM journey_runs WHERE status = 'active' AND next_due_at <= ${now} LIMIT 1`,
      )
      return rows.length > 0
    },
    async memberFacts(memberId, since): Promise<MemberFacts | null> {
      const facts = await due.memberFactsMany([{ runId: 0, memberId, since }])
      return facts.get(0) ?? null
    },
    async memberFactsMany(runs) {
      const out = new Map<number, MemberFacts>()
      if (runs.length === 0) return out
      // One statement for the whole chunk: the runs travel as one JSON parameter (D1 binds at most
      // 100 parameters), each joined to its member by the primary key.
      const wanted = JSON.stringify(runs.map((r) => [r.runId, r.memberId, r.since]))
      const rows = await all<{
        run_id: number
        id: number
        line_user_id: string
        language: string | null
        follow_state: string
        display_name: string | null
        sendable: number | null
        consent_at: number | null
        balance: number | null
        tier: string | null
        bought: number
      }>(sql`WITH q AS (
          SELECT json_extract(value, '$[0]') AS run_id, json_extract(value, '$[1]') AS member_id,
            json_extract(value, '$[2]') AS since
          FROM json_each(${wanted}))
        SELECT q.run_id, m.id, m.line_user_id, m.language, m.follow_state, m.display_name,
          s.sendable >= ${reachFloor()} AS sendable, pr.consent_updated_at AS consent_at, b.balance, t.name AS tier,
          EXISTS (SELECT 1 FROM purchases p WHERE p.member_id = m.id AND p.status = 'completed'
                  AND p.purchased_at > q.since) AS bought
        FROM q
        JOIN members m ON m.id = q.member_id
        LEFT JOIN member_rfm s ON s.member_id = m.id
        LEFT JOIN member_profiles pr ON pr.member_id = m.id
        LEFT JOIN point_balances b ON b.member_id = m.id
        LEFT JOIN member_tiers mt ON mt.member_id = m.id
        LEFT JOIN tiers t ON t.id = mt.tier_id`)
      for (const row of rows)
        out.set(num(row.run_id), {
          memberId: num(row.id),
          lineUserId: row.line_user_id,
          language: row.language,
          following: row.follow_state === 'following',
          sendable: num(row.sendable) === 1,
          name: row.display_name,
          points: row.balance === null ? 0 : num(row.balance),
          tier: row.tier,
          consentUpdatedAt: row.consent_at === null ? null : num(row.consent_at),
          purchasedSince: num(row.bought) === 1,
        })
      return out
    },
    async activeRunsOf(memberId) {
      const rows = await db
        .select()
        .from(journeyRuns)
        .where(and(eq(journeyRuns.memberId, memberId), eq(journeyRuns.status, 'active')))
      return rows.map(toRun)
    },
  }
  return due
}
