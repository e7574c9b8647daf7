import { describe, expect, it } from 'vitest'
import { isJourneyHoldout } from '../../server/src/domain/journeys/holdout.ts'
import { claimOwner, TestClock, useWorld } from '../auth/world.ts'
import { seedAudience } from '../broadcasts/broadcast-world.ts'
import { eventually, startJoren } from '../support/joren-node.ts'
import {
  buy,
  consent,
  journey,
  listJourneys,
  logOf,
  memberOf,
  pushesTo,
  runsOf,
  setClock,
  settleEvents,
  sql,
  template,
  tick,
} from './journey-world.ts'

/**
 * Journeys end to end on Node: the real server, its database and the LINE stand-in; time is a
 * test clock moved by hand (no sleeping) and each tick is the periodic job the minute timer runs.
 */

const clock = new TestClock()
const world = useWorld(clock)

const WELCOME_1 = '昨日はお友だち追加ありがとうございました'
const WELCOME_2 = 'お買い物のたびにポイントが貯まります'
const BIRTHDAY = 'もうすぐお誕生日ですね'

async function follower(name = '会員') {
  const user = await world.member(name)
  const member = memberOf(world.joren, user.userId)
  consent(world.joren, member.id)
  await settleEvents(world.joren)
  return { ...user, ...member }
}

describe('journeys (Node + SQLite)', () => {
  it('the welcome series: each step once at its shop-local time, across a restart and with two schedulers racing', async () => {
    const owner = await claimOwner(world)
    setClock(clock, '2027-03-01T15:00')
    const welcome = await template(world.api, owner, 'welcome')
    const member = await follower('花子')
    expect(runsOf(world.joren, welcome.id)).toMatchObject([{ status: 'active', next_step: 0 }])

    // Day 1 at 11:00 shop time: not a minute before.
    setClock(clock, '2027-03-02T10:59')
    await tick(world)
    expect(pushesTo(world, member.userId, WELCOME_1)).toHaveLength(0)
    setClock(clock, '2027-03-02T11:00')
    await tick(world)
    await tick(world)
    expect(pushesTo(world, member.userId, WELCOME_1)).toHaveLength(1)
    expect(JSON.stringify(pushesTo(world, member.userId, WELCOME_1))).toContain('花子さま')

    // A second process on the same database file (a restart, or a second Node process): both
    // tick at once when step 2 falls due; it goes once.
    const second = await startJoren(world.standIn, { clock, dir: world.joren.dir, process: false })
    try {
      setClock(clock, '2027-03-04T11:00')
      await Promise.all([tick(world), tick(world, second), tick(world), tick(world, second)])
      await tick(world, second)
      expect(pushesTo(world, member.userId, WELCOME_2)).toHaveLength(1)
      expect(
        world.joren.rows("select count(*) as n from outbox where dedupe_key like 'journey:%'"),
      ).toEqual([{ n: 2 }])
      expect(logOf(world.joren, welcome.id).map((l) => [l.step, l.outcome])).toEqual([
        [0, 'sent'],
        [1, 'sent'],
      ])
    } finally {
      await second.close()
    }
    // The summary counts what happened per step.
    const [summary] = (await listJourneys(world.api, owner)).filter((j) => j.id === welcome.id)
    expect(summary?.stepStats.map((s) => s.sent)).toEqual([1, 1, 0])
    expect(summary?.stepStats[2]?.entered).toBe(1)
  })

  it('a crash between "decided" and "sent": the enqueued step is delivered once by the next process', async () => {
    const owner = await claimOwner(world)
    setClock(clock, '2027-03-01T15:00')
    await template(world.api, owner, 'welcome')
    const member = await follower()
    setClock(clock, '2027-03-02T11:00')
    // The tick decides and enqueues (one commit) but the process "dies" before delivering.
    const { runJourneyTick } = await import('../../server/src/domain/journeys/engine.ts')
    await settleEvents(world.joren)
    expect((await runJourneyTick(world.joren.server.background.journeys)).sent).toBe(1)
    const second = await startJoren(world.standIn, { clock, dir: world.joren.dir, process: false })
    try {
      await tick(world, second)
      await tick(world)
      await tick(world, second)
      const { deliverDueMessages } = await import('../../server/src/domain/messaging/outbox.ts')
      await deliverDueMessages(second.server.background.processorDeps)
      await deliverDueMessages(world.joren.server.background.processorDeps)
      // (The first process's own drain may be the one that delivers it: wait for the stand-in.)
      await eventually(() => expect(pushesTo(world, member.userId, WELCOME_1)).toHaveLength(1))
      await tick(world, second)
      expect(pushesTo(world, member.userId, WELCOME_1)).toHaveLength(1)
    } finally {
      await second.close()
    }
  })

  it('birthday: 7 days before at 10:00, once a year; 29 Feb is celebrated on 28 Feb in a non-leap year', async () => {
    const owner = await claimOwner(world)
    const leap = await follower('うるう')
    const march = await follower('三月')
    sql(
      world.joren,
      "update member_profiles set birthday = '2000-02-29' where member_id = ?",
      leap.id,
    )
    sql(
      world.joren,
      "update member_profiles set birthday = '1990-03-07' where member_id = ?",
      march.id,
    )
    setClock(clock, '2027-02-20T12:00')
    const birthday = await template(world.api, owner, 'birthday')
    await tick(world)
    expect(runsOf(world.joren, birthday.id)).toEqual([])
    // 2027 has no 29 Feb: the birthday is 28 Feb, so the wish goes on 21 Feb at 10:00.
    setClock(clock, '2027-02-21T09:30')
    await tick(world)
    expect(pushesTo(world, leap.userId, BIRTHDAY)).toHaveLength(0)
    setClock(clock, '2027-02-21T10:00')
    await tick(world)
    await tick(world)
    expect(pushesTo(world, leap.userId, BIRTHDAY)).toHaveLength(1)
    // The coupon card came with it, and the coupon is the member's.
    const card = world.standIn
      .received(leap.userId)
      .filter((r) => r.via === 'push' && (r.message as { type: string }).type === 'flex')
    expect(card).toHaveLength(1)
    expect(
      world.joren.rows("select member_id, source from coupons where source = 'automation'"),
    ).toEqual([{ member_id: leap.id, source: 'automation' }])
    // 28 Feb: the 7 March member; the leap member gets nothing more this year.
    setClock(clock, '2027-02-28T10:00')
    await tick(world)
    expect(pushesTo(world, march.userId, BIRTHDAY)).toHaveLength(1)
    setClock(clock, '2027-03-01T10:00')
    await tick(world)
    expect(pushesTo(world, leap.userId, BIRTHDAY)).toHaveLength(1)
    // 2028 is a leap year: 29 Feb itself, so 22 Feb — not 21 Feb.
    setClock(clock, '2028-02-21T10:00')
    await tick(world)
    expect(pushesTo(world, leap.userId, BIRTHDAY)).toHaveLength(1)
    setClock(clock, '2028-02-22T10:00')
    await tick(world)
    expect(pushesTo(world, leap.userId, BIRTHDAY)).toHaveLength(2)
    expect(runsOf(world.joren, birthday.id).map((r) => r.member_id)).toEqual([
      leap.id,
      march.id,
      leap.id,
    ])
  })

  it('after purchase: a purchase at 23:59 shop time counts on its own day; quiet hours defer to 09:00, recorded', async () => {
    const owner = await claimOwner(world)
    const member = await follower()
    setClock(clock, '2027-04-10T12:00')
    // No weekly cap here (three pushes in two days); quiet hours as by default.
    await world.api('PUT', '/api/staff/journeys/policy', {
      token: owner.token(),
      body: { quietStart: '21:00', quietEnd: '09:00', weeklyCap: 0 },
    })
    const nextDay = await journey(world.api, owner, {
      name: '翌日のお礼',
      trigger: { kind: 'after_purchase', minAmountYen: 500, categories: [] },
      steps: [
        {
          wait: { days: 1, hours: 0, at: '10:00' },
          messages: [{ type: 'text', text: 'J翌日のお礼' }],
        },
      ],
      goal: { kind: 'none', days: 7 },
    })
    const hourLater = await journey(world.api, owner, {
      name: '1時間後',
      trigger: { kind: 'after_purchase', minAmountYen: null, categories: [] },
      steps: [
        { wait: { days: 0, hours: 1, at: null }, messages: [{ type: 'text', text: 'J1時間後' }] },
      ],
      goal: { kind: 'none', days: 7 },
    })
    // Below the amount filter: only the hour-later journey.
    setClock(clock, '2027-04-10T13:00')
    await buy(world, owner, member.number, 300)
    expect(runsOf(world.joren, nextDay.id)).toEqual([])
    expect(runsOf(world.joren, hourLater.id)).toHaveLength(1)
    await tick(world)
    // (The test clock runs on from where it is set: due times carry the milliseconds it ran.)
    setClock(clock, '2027-04-10T14:01')
    await tick(world)
    expect(pushesTo(world, member.userId, 'J1時間後')).toHaveLength(1)

    // 23:59 on 10 Apr (14:59 UTC): "the next day at 10:00" is 11 Apr 10:00 shop time.
    setClock(clock, '2027-04-10T23:59')
    await buy(world, owner, member.number, 800)
    setClock(clock, '2027-04-11T01:00')
    await tick(world)
    // The hour-later step falls at 00:59: quiet hours (21:00–09:00) defer it to 09:00.
    expect(pushesTo(world, member.userId, 'J1時間後')).toHaveLength(1)
    expect(logOf(world.joren, hourLater.id).at(-1)).toMatchObject({
      outcome: 'deferred',
      reason: 'quiet_hours',
    })
    setClock(clock, '2027-04-11T08:59')
    await tick(world)
    expect(pushesTo(world, member.userId, 'J1時間後')).toHaveLength(1)
    setClock(clock, '2027-04-11T09:00')
    await tick(world)
    expect(pushesTo(world, member.userId, 'J1時間後')).toHaveLength(2)
    expect(pushesTo(world, member.userId, 'J翌日のお礼')).toHaveLength(0)
    setClock(clock, '2027-04-11T10:00')
    await tick(world)
    expect(pushesTo(world, member.userId, 'J翌日のお礼')).toHaveLength(1)
    const timeline = await world.api<{ entries: { kind: string; reason: string | null }[] }>(
      'GET',
      `/api/staff/journeys/members/${member.number}/timeline`,
      { token: owner.token() },
    )
    expect(timeline.status).toBe(200)
    expect(timeline.body.entries.map((e) => e.kind)).toEqual(
      expect.arrayContaining(['entered', 'sent', 'deferred', 'completed']),
    )
  })

  it('the frequency cap skips the lower-priority push and records why; the higher one goes', async () => {
    const owner = await claimOwner(world)
    const member = await follower()
    setClock(clock, '2027-05-10T12:00')
    const policy = await world.api('PUT', '/api/staff/journeys/policy', {
      token: owner.token(),
      body: { quietStart: '21:00', quietEnd: '09:00', weeklyCap: 1 },
    })
    expect(policy.status).toBe(200)
    const step = (text: string) => [
      { wait: { days: 0, hours: 1, at: null }, messages: [{ type: 'text' as const, text }] },
    ]
    const trigger = { kind: 'after_purchase' as const, minAmountYen: null, categories: [] }
    const low = await journey(world.api, owner, {
      name: '低',
      trigger,
      steps: step('J低'),
      goal: { kind: 'none', days: 7 },
      priority: 10,
    })
    const high = await journey(world.api, owner, {
      name: '高',
      trigger,
      steps: step('J高'),
      goal: { kind: 'none', days: 7 },
      priority: 90,
    })
    await buy(world, owner, member.number)
    setClock(clock, '2027-05-10T13:01')
    await tick(world)
    expect(pushesTo(world, member.userId, 'J高')).toHaveLength(1)
    expect(pushesTo(world, member.userId, 'J低')).toHaveLength(0)
    expect(logOf(world.joren, low.id)).toMatchObject([
      { outcome: 'skipped', reason: 'frequency_cap' },
    ])
    expect(logOf(world.joren, high.id)).toMatchObject([{ outcome: 'sent' }])
    const list = await listJourneys(world.api, owner)
    expect(list.find((j) => j.id === low.id)?.stepStats[0]?.skipped).toEqual({ frequency_cap: 1 })
    // Bad input is refused with a reason and changes nothing.
    const bad = await world.api<{ error: { message: string } }>(
      'PUT',
      '/api/staff/journeys/policy',
      {
        token: owner.token(),
        body: { quietStart: '25:00', quietEnd: '09:00', weeklyCap: 1 },
      },
    )
    expect(bad.status).toBe(400)
    expect(JSON.stringify(bad.body)).toContain('HH:MM')
  })

  it('exit on conversion: a purchase ends the run and the next step never goes', async () => {
    const owner = await claimOwner(world)
    setClock(clock, '2027-06-01T15:00')
    const welcome = await template(world.api, owner, 'welcome')
    const member = await follower()
    setClock(clock, '2027-06-02T11:00')
    await tick(world)
    expect(pushesTo(world, member.userId, WELCOME_1)).toHaveLength(1)
    setClock(clock, '2027-06-03T12:00')
    await buy(world, owner, member.number)
    expect(runsOf(world.joren, welcome.id)).toMatchObject([
      { status: 'exited', exit_reason: 'converted' },
    ])
    setClock(clock, '2027-06-04T11:00')
    await tick(world)
    expect(pushesTo(world, member.userId, WELCOME_2)).toHaveLength(0)
    const summary = (await listJourneys(world.api, owner)).find((j) => j.id === welcome.id)
    expect(summary?.converted).toBe(1)
    expect(summary?.stepStats[0]?.converted).toBe(1)
  })

  it('purchase cycle: every ~14 days → reminded after 14 days + margin, not before; 2 purchases → none', async () => {
    const owner = await claimOwner(world)
    const regular = await follower('常連')
    const twice = await follower('二回')
    const days = ['2027-01-01', '2027-01-15', '2027-01-29']
    for (const [i, day] of days.entries()) {
      setClock(clock, `${day}T12:00`)
      await buy(world, owner, regular.number)
      if (i < 2) await buy(world, owner, twice.number)
    }
    setClock(clock, '2027-01-29T13:00')
    const cycle = await template(world.api, owner, 'purchase_cycle') // margin 3 days, 10:00
    // Expected next purchase: 12 Feb 12:00; + 3 days margin = 15 Feb 12:00.
    setClock(clock, '2027-02-12T12:00')
    await tick(world)
    setClock(clock, '2027-02-15T11:59')
    await tick(world)
    expect(runsOf(world.joren, cycle.id)).toEqual([])
    setClock(clock, '2027-02-15T12:01')
    await tick(world)
    expect(runsOf(world.joren, cycle.id)).toMatchObject([{ member_id: regular.id }])
    // Its step is at 10:00 on the entry day (already past): it goes now, once.
    await tick(world)
    expect(pushesTo(world, regular.userId, 'いつものお買い物のタイミング')).toHaveLength(1)
    setClock(clock, '2027-03-30T12:00')
    await tick(world)
    expect(pushesTo(world, twice.userId, 'いつものお買い物のタイミング')).toHaveLength(0)
    expect(runsOf(world.joren, cycle.id)).toHaveLength(1)
  })

  it('holdout members receive nothing and are counted in the lift report', async () => {
    const owner = await claimOwner(world)
    setClock(clock, '2027-07-01T12:00')
    const audience = seedAudience(world, { consenting: 16 })
    const held = await journey(world.api, owner, {
      name: 'ホールドアウト',
      trigger: { kind: 'after_purchase', minAmountYen: null, categories: [] },
      steps: [
        { wait: { days: 0, hours: 1, at: null }, messages: [{ type: 'text', text: 'J保留' }] },
      ],
      goal: { kind: 'none', days: 14 },
      holdoutPercent: 50,
    })
    const numbers = world.joren.rows<{ id: number; member_number: string }>(
      'select id, member_number from members',
    )
    for (const m of audience) {
      const number = numbers.find((n) => n.id === m.memberId)?.member_number ?? ''
      await buy(world, owner, number, 1000)
    }
    setClock(clock, '2027-07-01T13:01')
    await tick(world)
    const heldOut = audience.filter((m) => isJourneyHoldout(m.memberId, held.id, 50))
    expect(heldOut.length).toBeGreaterThan(0)
    expect(heldOut.length).toBeLessThan(audience.length)
    for (const m of audience)
      expect(pushesTo(world, m.userId, 'J保留')).toHaveLength(heldOut.includes(m) ? 0 : 1)
    // A second purchase within the window by one entered and every held-out member.
    setClock(clock, '2027-07-03T12:00')
    const entered = audience.find((m) => !heldOut.includes(m))!
    for (const m of [entered, ...heldOut]) {
      const number = numbers.find((n) => n.id === m.memberId)?.member_number ?? ''
      await buy(world, owner, number, 2000)
    }
    const lift = await world.api<{
      entered: { members: number; purchasers: number; revenueYen: number }
      heldOut: { members: number; purchasers: number; revenueYen: number }
      lift: { difference: number | null; interval95: [number, number] | null }
    }>('GET', `/api/staff/journeys/${held.id}/lift`, { token: owner.token() })
    expect(lift.status).toBe(200)
    // Every run's own trigger purchase is at its entry (not after it): only the second ones count;
    // each second purchase is itself a new occurrence (a new run) of the after-purchase journey.
    expect(lift.body.heldOut.members).toBe(heldOut.length * 2)
    expect(lift.body.entered.members).toBe(audience.length - heldOut.length + 1)
    expect(lift.body.heldOut.purchasers).toBe(heldOut.length)
    expect(lift.body.entered.purchasers).toBe(1)
    expect(lift.body.lift.difference).toBeLessThan(0)
    expect(lift.body.lift.interval95).not.toBeNull()
  })
})
