import { sql } from 'drizzle-orm'
import { expect } from 'vitest'
import { composeUnitBudget, LINE_UNITS_REPORTED_KEY } from '../../server/src/compose/line-units.ts'
import { createSettingsStore } from '../../server/src/db/repositories/settings-repository.ts'
import { broadcastUnit, journeyStepUnit } from '../../server/src/domain/line-stats/units.ts'
import { silentLogger, webIds } from '../../server/src/domain/ports.ts'
import { createLineMessagingClient } from '../../server/src/line/messaging-client.ts'
import { startLineStandIn } from '../../server/src/sandbox/line-stand-in/index.ts'
import type { Driver } from '../events/event-suite.ts'

const jst = (local: string) => Date.parse(`${local.replace(' ', 'T')}:00+09:00`)
const text = [{ type: 'text' as const, text: 'お知らせ' }]

/**
 * LINE allows a channel 1,000 customAggregationUnits names a calendar month (UTC+9), and the
 * stand-in refuses a send with a new name past them, as LINE does. Through the budget the
 * product builds (compose/line-units.ts) on one database: a name used already this month still
 * rides along; a new one past the limit is left off, the message is delivered without it, and
 * staff get one alert for the month; LINE's own count (other tools use names too) also closes
 * the door; a new month opens it again.
 */
export async function unitNamesStayWithinTheMonthlyLimit(driver: Driver) {
  let now = jst('2026-05-31 23:00')
  const standIn = await startLineStandIn({
    rateLimits: false,
    now: () => now,
    monthlyQuota: 'none',
  })
  try {
    const user = standIn.createUser({ displayName: '会員', friend: true })
    const client = createLineMessagingClient({
      apiBaseUrl: standIn.url,
      channelAccessToken: standIn.channelAccessToken,
      ids: webIds,
      logger: silentLogger,
      aggregationUnits: true,
    })
    const settings = createSettingsStore(driver.db)
    const units = composeUnitBudget(
      {
        db: driver.db,
        atomic: driver.atomic,
        repositories: { settings },
        clock: { now: () => now },
        logger: silentLogger,
      },
      client,
      true,
    )
    const sentUnits = () =>
      standIn
        .requests()
        .filter((r) => /\/v2\/bot\/message\/(multicast|push)$/.test(r.path) && r.status === 200)
        .map((r) => (r.body as { customAggregationUnits?: string[] }).customAggregationUnits)
    const alerts = () =>
      driver.query<{ summary: string; dedupe_key: string }>(
        "SELECT summary, dedupe_key FROM staff_alerts WHERE kind = 'job_failed' ORDER BY id",
      )

    // May (UTC+9): one name used; the other 999 of the month's names taken by earlier sends.
    await units.messenger.push(user.userId, text, webIds.uuid(), {
      aggregationUnit: broadcastUnit(1),
    })
    await driver.db.run(sql`INSERT INTO line_aggregation_units (month, unit, first_used_at)
      SELECT '2026-05', 'joren_b' || (value + 1000), 0 FROM json_each(${JSON.stringify(
        Array.from({ length: 999 }, (_, i) => i),
      )})`)

    // A name used this month still rides along; a new one is left off and the push still goes.
    await units.messenger.push(user.userId, text, webIds.uuid(), {
      aggregationUnit: broadcastUnit(1),
    })
    await units.messenger.multicast([user.userId], text, webIds.uuid(), {
      aggregationUnit: journeyStepUnit(4, 2),
    })
    await units.messenger.push(user.userId, text, webIds.uuid(), {
      aggregationUnit: broadcastUnit(9),
    })
    expect(sentUnits()).toEqual([['joren_b1'], ['joren_b1'], undefined, undefined])
    expect(standIn.received(user.userId)).toHaveLength(4)
    const [alert, ...more] = await alerts()
    expect(more).toEqual([])
    expect(alert?.dedupe_key).toBe('line_units_full:2026-05')
    expect(alert?.summary).toContain('2026年5月の上限（1,000件）')
    expect(alert?.summary).toContain('メッセージは通常どおり届きます')
    const [count] = await driver.query<{ n: number }>(
      "SELECT count(*) AS n FROM line_aggregation_units WHERE month = '2026-05'",
    )
    expect(count?.n).toBe(1000)

    // June (UTC+9) starts an hour later: the door opens again, and the poll keeps LINE's count.
    now = jst('2026-06-01 00:30')
    await units.messenger.push(user.userId, text, webIds.uuid(), {
      aggregationUnit: broadcastUnit(9),
    })
    expect(sentUnits().at(-1)).toEqual(['joren_b9'])
    await units.background.recordUnitUsage()
    expect(await settings.get(LINE_UNITS_REPORTED_KEY)).toEqual({ month: '2026-06', used: 1 })

    // Other tools on the channel used the rest of June's names (LINE's count says 1,000): only
    // June's name already in use rides along.
    standIn.setAggregationUnits({
      month: '2026-06',
      used: Array.from({ length: 999 }, (_, i) => `other_tool_${i}`),
    })
    await units.background.recordUnitUsage()
    expect(await settings.get(LINE_UNITS_REPORTED_KEY)).toEqual({ month: '2026-06', used: 1000 })
    const fresh = composeUnitBudget(
      {
        db: driver.db,
        atomic: driver.atomic,
        repositories: { settings },
        clock: { now: () => now },
        logger: silentLogger,
      },
      client,
      true,
    )
    await fresh.messenger.push(user.userId, text, webIds.uuid(), {
      aggregationUnit: broadcastUnit(10),
    })
    await fresh.messenger.push(user.userId, text, webIds.uuid(), {
      aggregationUnit: broadcastUnit(9),
    })
    expect(sentUnits().slice(-2)).toEqual([undefined, ['joren_b9']])
    expect((await alerts()).map((a) => a.dedupe_key)).toEqual([
      'line_units_full:2026-05',
      'line_units_full:2026-06',
    ])
    expect(standIn.received(user.userId)).toHaveLength(7)
  } finally {
    await standIn.close()
  }
}

/** Without the budget, a new name past the month's 1,000 is refused by LINE (the stand-in). */
export async function theStandInRefusesNamesPastTheLimit() {
  const standIn = await startLineStandIn({ rateLimits: false, monthlyQuota: 'none' })
  try {
    const user = standIn.createUser({ displayName: '会員', friend: true })
    standIn.setAggregationUnits({ limit: 2 })
    const client = createLineMessagingClient({
      apiBaseUrl: standIn.url,
      channelAccessToken: standIn.channelAccessToken,
      ids: webIds,
      logger: silentLogger,
      aggregationUnits: true,
      maxAttempts: 1,
    })
    const push = (unit: string) =>
      client.push(user.userId, text, webIds.uuid(), { aggregationUnit: unit })
    await push('a')
    await push('b')
    await expect(push('c')).rejects.toMatchObject({ kind: 'rejected' })
    await push('a')
    expect(await client.aggregationUnitsUsed()).toBe(2)
    expect(standIn.received(user.userId)).toHaveLength(3)
  } finally {
    await standIn.close()
  }
}
