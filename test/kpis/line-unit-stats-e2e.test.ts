import type { BroadcastResult, DashboardInsights } from '@joren/shared'
import { describe, expect, it } from 'vitest'
import { runLineUnitStats } from '../../server/src/compose/upkeep.ts'
import { silentLogger, webIds } from '../../server/src/domain/ports.ts'
import { claimOwner, TestClock, useWorld } from '../auth/world.ts'
import { createBroadcast, seedAudience, send, untilStatus } from '../broadcasts/broadcast-world.ts'
import {
  consent,
  memberOf,
  setClock,
  settleEvents,
  template,
  tick,
} from '../journeys/journey-world.ts'

/**
 * LINE's per-unit opens and clicks on the real Node server (LINE_UNIT_STATS=on): the broadcast
 * engine's multicast and a journey step's push carry their unit; the stand-in's users open them;
 * the upkeep job polls LINE; the broadcast result and the dashboard show the figures.
 */

const clock = new TestClock()
const world = useWorld(clock, { env: { LINE_UNIT_STATS: 'on' } })

const upkeep = () =>
  runLineUnitStats({
    background: world.joren.server.background,
    clock,
    ids: webIds,
    logger: silentLogger,
    timeZone: 'Asia/Tokyo',
  })

describe('LINE opens and clicks (Node + SQLite, LINE_UNIT_STATS=on)', () => {
  it('a broadcast and a journey step carry their units; the poll feeds the result and the dashboard', async () => {
    const owner = await claimOwner(world)
    setClock(clock, '2027-03-01T12:00')
    const welcome = await template(world.api, owner, 'welcome')
    const hanako = await world.member('花子')
    consent(world.joren, memberOf(world.joren, hanako.userId).id)
    await settleEvents(world.joren)

    const audience = seedAudience(world, { consenting: 22 })
    const id = await createBroadcast(world, owner)
    expect((await send(world, owner, id)).status).toBe(200)
    await untilStatus(world, owner, id, 'done')
    setClock(clock, '2027-03-02T11:00')
    await tick(world)

    const units = world.standIn
      .requests()
      .filter((r) => /\/v2\/bot\/message\/(multicast|push)$/.test(r.path))
      .map((r) => (r.body as { customAggregationUnits?: string[] }).customAggregationUnits)
    expect(units).toContainEqual([`joren_b${id}`])
    expect(units).toContainEqual([`joren_j${welcome.id}_s0`])
    expect(units.every((u) => u !== undefined)).toBe(true)

    // 21 of the 23 recipients open the broadcast; Hanako opens the welcome push too.
    for (const m of [...audience.slice(0, 20), { userId: hanako.userId }]) {
      const got = world.standIn.received(m.userId).find((r) => r.aggregationUnit === `joren_b${id}`)
      world.standIn.interact(m.userId, got!.messageId, true)
    }
    const welcomePush = world.standIn
      .received(hanako.userId)
      .find((r) => r.aggregationUnit === `joren_j${welcome.id}_s0`)
    world.standIn.interact(hanako.userId, welcomePush!.messageId)

    // Nothing is asked of LINE while pages load: before the poll, no figures.
    const before = await world.api<BroadcastResult>('GET', `/api/staff/broadcasts/${id}/result`, {
      token: owner.token(),
    })
    expect(before.body.line).toBeNull()
    const polledAt = setClock(clock, '2027-03-02T12:00')
    await upkeep()
    const result = await world.api<BroadcastResult>('GET', `/api/staff/broadcasts/${id}/result`, {
      token: owner.token(),
    })
    expect(result.body.line).toMatchObject({ unit: `joren_b${id}`, opened: 21, clicked: 21 })
    expect(result.body.line?.reportedAt).toBeGreaterThanOrEqual(polledAt)
    expect(result.body.line?.reportedAt).toBeLessThan(polledAt + 60_000)

    const insights = await world.api<DashboardInsights>('GET', '/api/staff/dashboard/insights', {
      token: owner.token(),
    })
    const row = (kind: string, ref: number) =>
      insights.body.campaigns.find((c) => c.kind === kind && c.id === ref)
    expect(row('broadcast', id)?.line).toMatchObject([{ opened: 21, clicked: 21, step: null }])
    expect(row('journey', welcome.id)?.line).toMatchObject([
      { unit: `joren_j${welcome.id}_s0`, step: 0, opened: null, clicked: null },
    ])
    // A second pass within six hours asks LINE nothing.
    const asked = () =>
      world.standIn.requests().filter((r) => r.path.includes('/insight/message/event/aggregation'))
        .length
    const n = asked()
    setClock(clock, '2027-03-02T17:59')
    await upkeep()
    expect(asked()).toBe(n)
  })
})
