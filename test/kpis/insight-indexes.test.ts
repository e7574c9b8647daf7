import type { SQL } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import type { Database } from '../../server/src/db/database.ts'
import { createInsightStore } from '../../server/src/db/repositories/insight-repository.ts'
import { createKpiStore } from '../../server/src/db/repositories/kpi-repository.ts'
import { memoryDatabase } from '../support/memory-db.ts'

/**
 * The dashboard's insight reads stay indexed whatever the shop's size (1,000,000 members): every
 * statement the insight store runs for coupon redemption by source and the NPS / CSAT / response
 * trend is planned as index searches, never a scan of a table or of a whole index.
 */
describe('insight reads are indexed (EXPLAIN QUERY PLAN)', () => {
  it('coupons by source, NPS, CSAT, respondents and friends search indexes, never scan', async () => {
    const { sqlite, db, atomic } = memoryDatabase()
    const captured: { sql: string; params: unknown[] }[] = []
    const dialect = (
      db as unknown as { dialect: { sqlToQuery(q: SQL): (typeof captured)[number] } }
    ).dialect
    const recording = new Proxy(db, {
      get(target, key, receiver) {
        if (key === 'all')
          return (q: SQL) => {
            captured.push(dialect.sqlToQuery(q))
            return target.all(q)
          }
        return Reflect.get(target, key, receiver) as unknown
      },
    }) as Database
    const store = createInsightStore(recording, createKpiStore(db, atomic))
    const start = Date.parse('2026-03-01T00:00:00+09:00')
    const end = Date.parse('2026-04-01T00:00:00+09:00')
    await store.couponsBySource(start, end)
    await store.nps(start, end)
    await store.csat(start, end)
    await store.respondents(start, end)
    await store.friendsAt(end)
    expect(captured).toHaveLength(5)

    for (const q of captured) {
      const plan = (
        sqlite.prepare(`EXPLAIN QUERY PLAN ${q.sql}`).all(...q.params) as { detail: string }[]
      ).map((r) => r.detail)
      const text = `${q.sql}\n→ ${plan.join(' | ')}`
      // A SCAN is allowed only over json_each (a survey version's question list).
      for (const step of plan)
        if (step.startsWith('SCAN')) expect(step, text).toMatch(/VIRTUAL TABLE INDEX/)
      expect(
        plan.some((s) => s.startsWith('SEARCH')),
        text,
      ).toBe(true)
    }
    const plans = captured.map((q) =>
      (sqlite.prepare(`EXPLAIN QUERY PLAN ${q.sql}`).all(...q.params) as { detail: string }[])
        .map((r) => r.detail)
        .join(' | '),
    )
    expect(plans[0]).toContain('coupons_issued_source_idx')
    expect(plans[1]).toContain('survey_responses_submitted_idx')
    expect(plans[2]).toContain('survey_answers_response_idx')
    expect(plans[3]).toContain('survey_responses_submitted_idx')
    expect(plans[4]).toContain('members_friends_since_idx')
  })
})
