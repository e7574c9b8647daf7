import type { BroadcastEstimate } from '@joren/shared'
import { describe, expect, it } from 'vitest'
import { claimOwner, TestClock, useWorld } from '../auth/world.ts'
import {
  buy,
  consent,
  journey,
  logOf,
  memberOf,
  pushesTo,
  setClock,
  settleEvents,
  tick,
} from '../journeys/journey-world.ts'
import { createBroadcast, receivedTexts, send, untilStatus } from './broadcast-world.ts'

/**
 * One contact policy for journeys and broadcasts, end to end on Node with the LINE stand-in: the
 * weekly cap leaves members out of a broadcast (recorded, counted in the composer), a broadcast's
 * send counts toward the cap journeys read, and a send confirmed in quiet hours is deferred.
 */

const clock = new TestClock()
const world = useWorld(clock)
const SALE = '今週末はセールです！'

async function follower(name: string) {
  const user = await world.member(name)
  const member = memberOf(world.joren, user.userId)
  consent(world.joren, member.id)
  await settleEvents(world.joren)
  return { ...user, ...member }
}

const step = (text: string, hours: number) => ({
  wait: { days: 0, hours, at: null },
  messages: [{ type: 'text' as const, text }],
})

async function estimate(owner: { token(): string }, id: number) {
  const res = await world.api<BroadcastEstimate>('GET', `/api/staff/broadcasts/${id}/estimate`, {
    token: owner.token(),
  })
  expect(res.status).toBe(200)
  return res.body
}

describe('broadcasts under the contact policy', () => {
  it('leaves out a member who had 2 journey pushes this week, records and counts them', async () => {
    const owner = await claimOwner(world)
    setClock(clock, '2027-05-10T12:00')
    const capped = await follower('上限')
    const other = await follower('ほか')
    await journey(world.api, owner, {
      name: '購入後',
      trigger: { kind: 'after_purchase', minAmountYen: null, categories: [] },
      steps: [step('J一通目', 1), step('J二通目', 1)],
      goal: { kind: 'none', days: 7 },
      priority: 50,
    })
    await buy(world, owner, capped.number)
    setClock(clock, '2027-05-10T13:01')
    await tick(world)
    setClock(clock, '2027-05-10T14:02')
    await tick(world)
    expect(pushesTo(world, capped.userId, 'J一通目')).toHaveLength(1)
    expect(pushesTo(world, capped.userId, 'J二通目')).toHaveLength(1)

    setClock(clock, '2027-05-10T15:00')
    const id = await createBroadcast(world, owner)
    const e = await estimate(owner, id)
    expect(e.reach.frequencyCapApplies).toBe(true)
    expect(e.reach.excluded.frequencyCap).toBe(1)
    expect(e.reach.reasons).toContain('直近7日間に2通受け取った方 1人')
    expect(e.recipients).toBe(e.reach.reachable - 1)

    expect((await send(world, owner, id)).status).toBe(200)
    await untilStatus(world, owner, id, 'done')
    expect(receivedTexts(world, other.userId)).toContain(SALE)
    expect(receivedTexts(world, capped.userId)).not.toContain(SALE)
    expect(
      world.joren.rows('select member_id, reason from broadcast_skips where broadcast_id = ?', id),
    ).toEqual([{ member_id: capped.id, reason: 'frequency_cap' }])
    expect(
      world.joren.rows<{ n: number }>(
        'select count(*) as n from broadcast_recipients where broadcast_id = ? and member_id = ?',
        id,
        capped.id,
      )[0]?.n,
    ).toBe(0)
  })

  it("counts a broadcast toward the cap: the member's next journey step is skipped with its reason", async () => {
    const owner = await claimOwner(world)
    setClock(clock, '2027-05-10T12:00')
    const policy = await world.api('PUT', '/api/staff/journeys/policy', {
      token: owner.token(),
      body: { quietStart: '21:00', quietEnd: '09:00', weeklyCap: 1 },
    })
    expect(policy.status).toBe(200)
    const member = await follower('会員')
    const j = await journey(world.api, owner, {
      name: '購入後',
      trigger: { kind: 'after_purchase', minAmountYen: null, categories: [] },
      steps: [step('Jお礼', 1)],
      goal: { kind: 'none', days: 7 },
      priority: 50,
    })
    await buy(world, owner, member.number)
    setClock(clock, '2027-05-10T12:10')
    const id = await createBroadcast(world, owner)
    expect((await estimate(owner, id)).reach.excluded.frequencyCap).toBe(0)
    expect((await send(world, owner, id)).status).toBe(200)
    await untilStatus(world, owner, id, 'done')
    expect(receivedTexts(world, member.userId)).toContain(SALE)
    expect(
      world.joren.rows('select source from marketing_contacts where member_id = ?', member.id),
    ).toEqual([{ source: 'broadcast' }])

    setClock(clock, '2027-05-10T13:01')
    await tick(world)
    expect(pushesTo(world, member.userId, 'Jお礼')).toHaveLength(0)
    expect(logOf(world.joren, j.id)).toMatchObject([
      { outcome: 'skipped', reason: 'frequency_cap' },
    ])
  })

  it('defers a broadcast confirmed at 22:00 JST to 09:00 the next morning, and says so', async () => {
    const owner = await claimOwner(world)
    const member = await follower('夜')
    setClock(clock, '2027-05-10T22:00')
    const id = await createBroadcast(world, owner)
    const e = await estimate(owner, id)
    expect(e.quietHoursWarning?.message).toContain('配信しない時間帯（21:00〜09:00）')
    const res = await send(world, owner, id)
    expect(res.status).toBe(200)
    expect(res.body.broadcast.status).toBe('scheduled')
    expect(res.body.broadcast.scheduledAt).toBe(Date.parse('2027-05-11T09:00:00+09:00'))
    const [audit] = world.joren.rows<{ after: string }>(
      "select after from audit_log where action = 'broadcast.send'",
    )
    expect(JSON.parse(audit?.after ?? '{}')).toMatchObject({ deferred: { reason: 'quiet_hours' } })
    await new Promise((r) => setTimeout(r, 1_000))
    expect(receivedTexts(world, member.userId)).not.toContain(SALE)
    setClock(clock, '2027-05-11T09:00')
    await untilStatus(world, owner, id, 'done')
    await new Promise((r) => setTimeout(r, 1_500))
    expect(receivedTexts(world, member.userId)).toContain(SALE)
  })
})
