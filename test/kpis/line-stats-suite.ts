import { sql } from 'drizzle-orm'
import { expect } from 'vitest'
import { createBroadcastRepository } from '../../server/src/db/repositories/broadcast-repository.ts'
import { createInsightStore } from '../../server/src/db/repositories/insight-repository.ts'
import { createJourneyRepository } from '../../server/src/db/repositories/journey-repository.ts'
import { createKpiStore } from '../../server/src/db/repositories/kpi-repository.ts'
import { createLineStatsStore } from '../../server/src/db/repositories/line-stats-repository.ts'
import { createInsightService } from '../../server/src/domain/kpis/insights.ts'
import { pollUnitStats } from '../../server/src/domain/line-stats/poll.ts'
import { broadcastUnit, journeyStepUnit } from '../../server/src/domain/line-stats/units.ts'
import { silentLogger, webIds } from '../../server/src/domain/ports.ts'
import { createLineMessagingClient } from '../../server/src/line/messaging-client.ts'
import { startLineStandIn } from '../../server/src/sandbox/line-stand-in/index.ts'
import type { Driver } from '../events/event-suite.ts'

const jst = (local: string) => Date.parse(`${local.replace(' ', 'T')}:00+09:00`)

/**
 * LINE's per-unit opens and clicks end to end on one database (better-sqlite3 or workerd's D1):
 * a broadcast's multicast and a journey step's push carry their unit name in the request body;
 * the stand-in counts the opens and clicks its users make; the poll writes LINE's figures (null
 * under 20 people, as LINE reports) and the dashboard's campaign rows return them.
 */
export async function unitStatsFromSendToDashboard(driver: Driver) {
  let now = jst('2026-04-10 12:00')
  const standIn = await startLineStandIn({
    rateLimits: false,
    now: () => now,
    monthlyQuota: 'none',
  })
  try {
    const run = (q: ReturnType<typeof sql>) => driver.db.run(q)
    await run(sql`INSERT INTO broadcasts (id, title, messages, audience, status, holdout_percent,
        attribution_days, started_at, created_at, updated_at)
      VALUES (7, '春の配信', '[]', '{"kind":"all"}', 'done', 0, 7, ${now}, 0, 0)`)
    await run(sql`INSERT INTO journeys (id, name, trigger_kind, trigger, steps, goal, created_at, updated_at)
      VALUES (3, 'おかえり', 'dormant', '{"kind":"dormant","days":60}', '[]',
        '{"kind":"purchase","days":14}', 0, 0)`)
    const users = Array.from({ length: 25 }, (_, i) =>
      standIn.createUser({ displayName: `会員${i}`, friend: true }),
    )
    for (const [i, u] of users.entries()) {
      await run(sql`INSERT INTO members (id, line_user_id, member_number, follow_state,
          follow_state_at, first_followed_at, followed_at, created_at, updated_at)
        VALUES (${i + 1}, ${u.userId}, ${`M${i + 1}`}, 'following', 0, 0, 0, 0, 0)`)
      await run(sql`INSERT INTO broadcast_recipients (broadcast_id, member_id, holdout, status)
        VALUES (7, ${i + 1}, 0, 'sent')`)
    }
    await run(sql`INSERT INTO journey_runs (id, journey_id, member_id, occurrence, status, entered_at, created_at)
      VALUES (1, 3, 1, 'o1', 'completed', ${now}, 0)`)
    await run(sql`INSERT INTO journey_step_log (run_id, journey_id, member_id, step, outcome, at)
      VALUES (1, 3, 1, 1, 'sent', ${now})`)

    const client = (aggregationUnits: boolean) =>
      createLineMessagingClient({
        apiBaseUrl: standIn.url,
        channelAccessToken: standIn.channelAccessToken,
        ids: webIds,
        logger: silentLogger,
        aggregationUnits,
      })
    const line = client(true)
    const text = [{ type: 'text' as const, text: '春のセール' }]
    await line.multicast(
      users.map((u) => u.userId),
      text,
      webIds.uuid(),
      { aggregationUnit: broadcastUnit(7) },
    )
    await line.push(users[0]!.userId, text, webIds.uuid(), {
      aggregationUnit: journeyStepUnit(3, 1),
    })
    // Switched off: the same call carries no unit.
    await client(false).push(users[1]!.userId, text, webIds.uuid(), {
      aggregationUnit: journeyStepUnit(3, 1),
    })
    const bodies = standIn
      .requests()
      .filter((r) => /\/v2\/bot\/message\/(multicast|push)$/.test(r.path))
      .map((r) => (r.body as { customAggregationUnits?: string[] }).customAggregationUnits)
    expect(bodies).toEqual([['joren_b7'], ['joren_j3_s1'], undefined])

    // 21 open the broadcast, 3 of them tap its link; the journey's one push is opened once.
    for (const [i, u] of users.entries()) {
      if (i >= 21) continue
      const received = standIn.received(u.userId).find((r) => r.aggregationUnit === 'joren_b7')
      expect(received).toBeDefined()
      standIn.interact(u.userId, received!.messageId, i < 3)
    }
    const journeyPush = standIn
      .received(users[0]!.userId)
      .find((r) => r.aggregationUnit === 'joren_j3_s1')
    standIn.interact(users[0]!.userId, journeyPush!.messageId)

    now = jst('2026-04-11 09:00')
    const store = createLineStatsStore(driver.db, driver.atomic)
    expect(await pollUnitStats({ store, line, logger: silentLogger, now: () => now })).toEqual({
      stored: 2,
      failed: 0,
    })
    const stats = await driver.query<Record<string, unknown>>(
      'SELECT unit, kind, ref_id, step, opened, clicked, from_day, to_day, reported_at FROM line_unit_stats ORDER BY unit',
    )
    expect(stats).toEqual([
      {
        unit: 'joren_b7',
        kind: 'broadcast',
        ref_id: 7,
        step: null,
        opened: 21,
        clicked: null, // 3 people: LINE reports fewer than 20 as null
        from_day: '2026-04-10',
        to_day: '2026-04-11',
        reported_at: now,
      },
      {
        unit: 'joren_j3_s1',
        kind: 'journey',
        ref_id: 3,
        step: 1,
        opened: null,
        clicked: null,
        from_day: '2026-03-12',
        to_day: '2026-04-11',
        reported_at: now,
      },
    ])

    const insights = await createInsightService({
      store: createInsightStore(driver.db, createKpiStore(driver.db, driver.atomic)),
      broadcasts: createBroadcastRepository(driver.db, driver.atomic),
      journeys: createJourneyRepository(driver.db),
      lineStats: store,
      quota: async () => ({
        type: 'none',
        limit: null,
        used: 0,
        remaining: null,
        level: 'ok',
        checkedAt: now,
      }),
      timeZone: 'Asia/Tokyo',
      now: () => now,
    }).insights({})
    const row = (kind: string, id: number) =>
      insights.campaigns.find((c) => c.kind === kind && c.id === id)
    expect(row('broadcast', 7)?.line).toEqual([
      {
        unit: 'joren_b7',
        step: null,
        opened: 21,
        clicked: null,
        from: '2026-04-10',
        to: '2026-04-11',
        reportedAt: now,
      },
    ])
    expect(row('journey', 3)?.line).toEqual([
      {
        unit: 'joren_j3_s1',
        step: 1,
        opened: null,
        clicked: null,
        from: '2026-03-12',
        to: '2026-04-11',
        reportedAt: now,
      },
    ])
  } finally {
    await standIn.close()
  }
}
