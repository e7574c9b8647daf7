import type { BroadcastEstimate, MarketingChoice } from '@joren/shared'
import { describe, expect, it } from 'vitest'
import { claimOwner, TestClock, useWorld, type World } from '../auth/world.ts'
import { createBroadcast, send, untilStatus } from '../broadcasts/broadcast-world.ts'
import {
  logOf,
  memberOf,
  pushesTo,
  runsOf,
  setClock,
  settleEvents,
  template,
  tick,
} from '../journeys/journey-world.ts'
import { eventually } from '../support/joren-node.ts'

/**
 * Who may be messaged (issue 14), end to end on Node: the real server and database, members made
 * by following the LINE stand-in, their choice made through the mini-app's API, and what the
 * stand-in received.
 */

const clock = new TestClock()
const world = useWorld(clock)

const SALE = '今週末はセールです！'
const WELCOME_1 = '昨日はお友だち追加ありがとうございました'

type Owner = { token(): string }
type Member = { userId: string; token(): string }

function broadcastTexts(w: World, userId: string): unknown[] {
  return w.standIn.received(userId).filter((r) => JSON.stringify(r.message).includes(SALE))
}

async function optOut(member: Member, receive = false): Promise<MarketingChoice> {
  const res = await world.api<MarketingChoice>('PUT', '/api/liff/marketing', {
    token: member.token(),
    body: { receive },
  })
  expect(res.status).toBe(200)
  return res.body
}

async function estimate(owner: Owner, id: number): Promise<BroadcastEstimate> {
  const res = await world.api<BroadcastEstimate>('GET', `/api/staff/broadcasts/${id}/estimate`, {
    token: owner.token(),
  })
  expect(res.status).toBe(200)
  return res.body
}

async function broadcastToAll(owner: Owner): Promise<number> {
  const id = await createBroadcast(world, owner)
  const res = await send(world, owner, id)
  expect(res.status, JSON.stringify(res.body)).toBeLessThan(300)
  await untilStatus(world, owner, id, 'done')
  return id
}

async function setDefault(owner: Owner, marketingDefault: 'everyone' | 'opt_in') {
  const res = await world.api('PUT', '/api/staff/settings/messaging', {
    token: owner.token(),
    body: { marketingDefault },
  })
  expect(res.status).toBe(200)
}

describe('who may be messaged', () => {
  it('a broadcast reaches every friend by default, none of whom opened the mini-app', async () => {
    const owner = await claimOwner(world)
    const friends = [
      await world.member('一郎'),
      await world.member('二郎'),
      await world.member('三郎'),
    ]
    const id = await createBroadcast(world, owner)
    const before = await estimate(owner, id)
    expect(before.reach).toMatchObject({
      segment: 3,
      reachable: 3,
      excluded: { blocked: 0, optedOut: 0, notOptedIn: 0, holdout: 0 },
      reasons: [],
    })
    expect((await send(world, owner, id)).status).toBeLessThan(300)
    await untilStatus(world, owner, id, 'done')
    for (const f of friends) expect(broadcastTexts(world, f.userId)).toHaveLength(1)
  })

  it('an opted-out member gets no broadcast and no journey, yet still gets replies; the estimate says why', async () => {
    const owner = await claimOwner(world)
    setClock(clock, '2027-03-01T15:00')
    const welcome = await template(world.api, owner, 'welcome')
    const stays = await world.member('残る人')
    const leaves = await world.member('やめる人')
    const blocks = await world.member('ブロックする人')
    await settleEvents(world.joren)

    const choice = await optOut(leaves)
    expect(choice).toEqual({ receive: false, choice: 'out', marketingDefault: 'everyone' })
    expect((await world.api('GET', '/api/liff/marketing', { token: leaves.token() })).body).toEqual(
      choice,
    )
    await world.standIn.unfollow(blocks.userId)
    await eventually(() =>
      expect(world.joren.rows("select 1 from members where follow_state = 'blocked'")).toHaveLength(
        1,
      ),
    )

    // The composer: 3 in the audience, 1 reached, and why the other two are not.
    const id = await createBroadcast(world, owner, { holdoutPercent: 0 })
    const e = await estimate(owner, id)
    expect(e.reach).toEqual({
      segment: 3,
      reachable: 1,
      excluded: { blocked: 1, optedOut: 1, notOptedIn: 0, holdout: 0, frequencyCap: 0 },
      // One contact policy: the default weekly cap applies to broadcasts too.
      frequencyCapApplies: true,
      reasons: [
        '1人はブロック中または友だち解除済みです',
        '1人は「お知らせを受け取らない」を選んでいます',
      ],
    })
    expect(e.recipients).toBe(1)
    expect((await send(world, owner, id)).status).toBeLessThan(300)
    await untilStatus(world, owner, id, 'done')
    expect(broadcastTexts(world, stays.userId)).toHaveLength(1)
    expect(broadcastTexts(world, leaves.userId)).toHaveLength(0)
    expect(broadcastTexts(world, blocks.userId)).toHaveLength(0)

    // Journeys: the welcome series' first step goes to the one who stays only.
    setClock(clock, '2027-03-02T11:00')
    await tick(world)
    await tick(world)
    expect(pushesTo(world, stays.userId, WELCOME_1)).toHaveLength(1)
    expect(pushesTo(world, leaves.userId, WELCOME_1)).toHaveLength(0)
    const left = memberOf(world.joren, leaves.userId)
    // They opted out after entering the series: their run ends, recorded with the reason.
    expect(runsOf(world.joren, welcome.id).find((r) => r.member_id === left.id)).toMatchObject({
      exit_reason: 'no_consent',
    })
    expect(
      logOf(world.joren, welcome.id).filter((l) => l.member_id === left.id && l.outcome === 'sent'),
    ).toEqual([])

    // Replies are not marketing: the opted-out member asks and is answered.
    await world.standIn.sendText(leaves.userId, 'ポイント')
    await eventually(() =>
      expect(
        world.standIn
          .received(leaves.userId)
          .filter((r) => r.via === 'reply' && JSON.stringify(r.message).includes('pt')),
      ).toHaveLength(1),
    )

    // Switching back on is honoured by the next send at once.
    await optOut(leaves, true)
    await broadcastToAll(owner)
    expect(broadcastTexts(world, leaves.userId)).toHaveLength(1)
  })

  it('the shop can switch the default to opt-in; members who chose keep their choice', async () => {
    const owner = await claimOwner(world)
    const never = await world.member('選んでいない人')
    const yes = await world.member('受け取る人')
    const no = await world.member('受け取らない人')
    await optOut(yes, true)
    await optOut(no, false)

    await setDefault(owner, 'opt_in')
    const id = await createBroadcast(world, owner)
    const e = await estimate(owner, id)
    expect(e.reach).toMatchObject({
      segment: 3,
      reachable: 1,
      excluded: { blocked: 0, optedOut: 1, notOptedIn: 1 },
    })
    expect(e.reach.reasons).toContain(
      '1人はお知らせの受け取りを選んでいません（設定: 受け取りを選んだ人にだけ配信）',
    )
    expect((await world.api('GET', '/api/liff/marketing', { token: never.token() })).body).toEqual({
      receive: false,
      choice: null,
      marketingDefault: 'opt_in',
    })
    expect((await send(world, owner, id)).status).toBeLessThan(300)
    await untilStatus(world, owner, id, 'done')
    expect(broadcastTexts(world, yes.userId)).toHaveLength(1)
    expect(broadcastTexts(world, never.userId)).toHaveLength(0)
    expect(broadcastTexts(world, no.userId)).toHaveLength(0)

    // Back to everyone: the one who never chose is reached again; the one who said no is not.
    await setDefault(owner, 'everyone')
    await broadcastToAll(owner)
    expect(broadcastTexts(world, never.userId)).toHaveLength(1)
    expect(broadcastTexts(world, yes.userId)).toHaveLength(2)
    expect(broadcastTexts(world, no.userId)).toHaveLength(0)
  })

  it('refuses a bad choice or settings with 400 and changes nothing; staff may read but not change', async () => {
    const owner = await claimOwner(world)
    const member = await world.member()
    const bad = await world.api('PUT', '/api/liff/marketing', {
      token: member.token(),
      body: { receive: 'no' },
    })
    expect(bad.status).toBe(400)
    expect(world.count('member_profiles')).toBe(0)
    const badSettings = await world.api('PUT', '/api/staff/settings/messaging', {
      token: owner.token(),
      body: { receipt: 'sometimes' },
    })
    expect(badSettings.status).toBe(400)
    expect(world.joren.rows("select 1 from settings where key = 'messaging'")).toEqual([])
  })
})
