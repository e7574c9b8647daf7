import { describe, expect, it } from 'vitest'
import { createJourneyRepository } from '../../server/src/db/repositories/journey-repository.ts'
import { memoryDatabase } from '../support/memory-db.ts'

/**
 * The due-step pass stays indexed at shop scale (a run per member, 1,000,000 runs): the claim
 * searches the partial due index (no scan of the runs, no sort), the members' facts and every
 * batch write join the batch's JSON rows to their tables by key — a SCAN only over json_each.
 */
describe('journeys due-step statements are indexed (EXPLAIN QUERY PLAN)', () => {
  it('claim, facts, cap counts and the batch writes search by key, never scan a table', async () => {
    const { sqlite, db } = memoryDatabase()
    const ran: { sql: string; params: unknown[] }[] = []
    const prepare = sqlite.prepare.bind(sqlite)
    sqlite.prepare = ((text: string) => {
      const statement = prepare(text)
      for (const method of ['all', 'run', 'get'] as const) {
        const call = statement[method].bind(statement) as (...a: unknown[]) => unknown
        ;(statement as unknown as Record<string, unknown>)[method] = (...params: unknown[]) => {
          ran.push({ sql: text, params })
          return call(...params)
        }
      }
      return statement
    }) as typeof sqlite.prepare
    const store = createJourneyRepository(db)
    const now = Date.parse('2027-06-01T03:00:00Z')
    await store.claimDue(now, 120_000, 500)
    await store.memberFactsMany([{ runId: 1, memberId: 1, since: 0 }])
    await store.countsSince([1, 2], 0)
    const reads = [...ran]
    const writes = [
      store.logsWrite([
        {
          runId: 1,
          journeyId: 1,
          memberId: 1,
          step: 0,
          outcome: 'sent',
          reason: null,
          outboxKey: 'journey:1:0',
          couponId: null,
          at: now,
        },
      ]),
      store.advancesWrite(
        [{ runId: 1, step: 0, advance: { kind: 'completed' }, sentStep: 0 }],
        now,
      ),
      store.defersWrite([{ runId: 1, step: 0, until: now }]),
      store.endsWrite([{ runId: 1, reason: 'blocked' }], now),
      store.recordManyWrite([{ memberId: 1, at: now, source: 'journey', ref: 'journey:1:0' }]),
    ].map((w) => (w as unknown as { toSQL(): { sql: string; params: unknown[] } }).toSQL())
    expect(reads.map((r) => r.sql.slice(0, 30))).toEqual([
      expect.stringMatching(/^update "journey_runs"/),
      expect.stringMatching(/^WITH q AS/),
      expect.stringMatching(/^SELECT member_id AS id/),
    ])

    const planOf = (q: { sql: string; params: unknown[] }) =>
      (sqlite.prepare(`EXPLAIN QUERY PLAN ${q.sql}`).all(...q.params) as { detail: string }[]).map(
        (r) => r.detail,
      )
    for (const q of [...reads, ...writes]) {
      const plan = planOf(q)
      const text = `${q.sql}\n→ ${plan.join(' | ')}`
      for (const step of plan) {
        if (step.startsWith('SCAN')) expect(step, text).toMatch(/VIRTUAL TABLE INDEX/)
        expect(step, text).not.toMatch(/TEMP B-TREE/)
      }
      // Reads and updates find their rows by a key (an insert's plan is its json_each alone).
      if (!q.sql.startsWith('insert'))
        expect(
          plan.some((s) => s.startsWith('SEARCH')),
          text,
        ).toBe(true)
    }
    // The claim walks the partial index of active runs by due time.
    expect(planOf(reads[0]!).join(' | ')).toMatch(
      /SEARCH journey_runs USING INDEX journey_runs_due_idx \(next_due_at<\?\)/,
    )
  })
})
