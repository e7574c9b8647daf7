import {
  parseMemberNumbersCsv,
  type BroadcastAttribution,
  type BroadcastEstimate,
  type BroadcastResult,
} from '@joren/shared'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { claimOwner, startWorld, TestClock, type World } from '../auth/world.ts'
import { createTemplate, type Owner } from '../coupons/coupon-world.ts'
import { startLineStandIn, type LineStandIn } from '../../server/src/sandbox/line-stand-in/index.ts'
import { isHoldout } from '../../server/src/domain/broadcasts/holdout.ts'
import { startJoren } from '../support/joren-node.ts'
import {
  apiFor,
  createBroadcast,
  progress,
  receivedTexts,
  seedAudience,
  send,
  untilStatus,
} from './broadcast-world.ts'

const clock = new TestClock()
let standIn: LineStandIn
let world: World
let owner: Owner

beforeAll(async () => {
  standIn = await startLineStandIn({ rateLimits: false, now: clock.now, monthlyQuota: 'none' })
})
afterAll(async () => {
  await standIn.close()
})
beforeEach(async () => {
  clock.reset()
  world = await startWorld(standIn, clock)
  owner = await claimOwner(world)
})
afterEach(async () => {
  await world.joren.close()
})

/** The `broadcast.chunk_accepted` events of a broadcast's chunks, in chunk order. */
function acceptedEvents(id: number) {
  return world.joren
    .rows<{ data: string; member_id: number | null }>(
      `select data, member_id from domain_events where type = 'broadcast.chunk_accepted'
         and json_extract(data, '$.broadcastId') = ? order by json_extract(data, '$.chunkId')`,
      id,
    )
    .map((e) => ({ memberId: e.member_id, ...(JSON.parse(e.data) as Record<string, unknown>) }))
}

function chunks(id: number) {
  return world.joren.rows<{ kind: string; n: number; status: string }>(
    'select kind, recipient_count as n, status from broadcast_chunks where broadcast_id = ? order by id',
    id,
  )
}

describe('who receives a broadcast', () => {
  it('never sends to blocked, non-consenting or holdout members; everyone else gets it once', async () => {
    const audience = seedAudience(world, { consenting: 60, blocked: 6, noConsent: 6 })
    const id = await createBroadcast(world, owner, { holdoutPercent: 25 })
    const estimate = await world.api<BroadcastEstimate>(
      'GET',
      `/api/staff/broadcasts/${id}/estimate`,
      { token: owner.token() },
    )
    expect(estimate.body.audience).toBe(60)
    expect(estimate.body.holdout).toBeGreaterThan(5)
    expect(estimate.body.holdout).toBeLessThan(25)
    expect((await send(world, owner, id)).status).toBe(200)
    const done = await untilStatus(world, owner, id, 'done')

    const holdout = new Set(
      world.joren
        .rows<{
          member_id: number
        }>('select member_id from broadcast_recipients where broadcast_id = ? and holdout = 1', id)
        .map((r) => r.member_id),
    )
    expect(holdout.size).toBe(estimate.body.holdout)
    // The SQL draw is the documented formula (holdout.ts).
    for (const m of audience.filter((a) => a.kind === 'consenting'))
      expect(holdout.has(m.memberId)).toBe(isHoldout(m.memberId, id, 25))
    for (const m of audience) {
      const got = receivedTexts(world, m.userId)
      if (m.kind !== 'consenting' || holdout.has(m.memberId)) expect(got).toEqual([])
      else expect(got).toEqual(['今週末はセールです！'])
    }
    expect(done.recipients).toMatchObject({ sent: 60 - holdout.size, holdout: holdout.size })
    const result = await world.api<BroadcastResult>('GET', `/api/staff/broadcasts/${id}/result`, {
      token: owner.token(),
    })
    expect(result.body).toMatchObject({
      accepted: 60 - holdout.size,
      failed: 0,
      holdout: holdout.size,
    })
  })
})

describe('segment audience', () => {
  it('sends to the sendable members of a saved segment only', async () => {
    const audience = seedAudience(world, { consenting: 8, blocked: 2, noConsent: 2 })
    const sqlite = world.joren.server.database.sqlite
    const tag = sqlite
      .prepare(`insert into tags (name, created_at) values ('常連', 1) returning id`)
      .get() as { id: number }
    // Tagged: the first 4 consenting, one blocked, one without consent.
    const tagged = [0, 1, 2, 3, 8, 10].map((i) => audience[i]!)
    for (const m of tagged)
      sqlite
        .prepare('insert into member_tags (member_id, tag_id, created_at) values (?, ?, 1)')
        .run(m.memberId, tag.id)
    const segment = await world.api<{ id: number }>('POST', '/api/staff/segments', {
      token: owner.token(),
      body: {
        name: '常連さん',
        rules: { type: 'all', rules: [{ type: 'tags', match: 'any', tagIds: [tag.id] }] },
      },
    })
    expect(segment.status).toBe(201)
    const id = await createBroadcast(world, owner, {
      audience: { kind: 'segment', segmentId: segment.body.id },
    })
    await send(world, owner, id)
    await untilStatus(world, owner, id, 'done')
    for (const m of audience) {
      const expected = tagged.slice(0, 4).includes(m) ? 1 : 0
      expect(receivedTexts(world, m.userId)).toHaveLength(expected)
    }
  })
})

describe('CSV audience', () => {
  it('sends to the listed member numbers that may receive marketing, skipping the rest', async () => {
    const audience = seedAudience(world, { consenting: 6, noConsent: 1 })
    const numbers = world.joren.rows<{ id: number; n: string }>(
      'select id, member_number as n from members',
    )
    const listed = [audience[0]!, audience[2]!, audience[6]!]
    const { memberNumbers } = parseMemberNumbersCsv(
      [
        '会員番号',
        ...listed.map((m) => numbers.find((r) => r.id === m.memberId)!.n),
        '9999999999',
      ].join('\n'),
    )
    const id = await createBroadcast(world, owner, { audience: { kind: 'members', memberNumbers } })
    await send(world, owner, id)
    await untilStatus(world, owner, id, 'done')
    for (const m of audience)
      expect(receivedTexts(world, m.userId)).toHaveLength(
        m === listed[0] || m === listed[1] ? 1 : 0,
      )
  })
})

describe('grouping', () => {
  it('sends identical messages by multicast in chunks of at most 500 (1,234 → 3)', async () => {
    const audience = seedAudience(world, { consenting: 1234 })
    const id = await createBroadcast(world, owner, {
      messages: [{ type: 'text', text: '{{限定}} 今週末はセールです' }],
    })
    await send(world, owner, id)
    await untilStatus(world, owner, id, 'done')
    expect(chunks(id).map((c) => [c.kind, c.n, c.status])).toEqual([
      ['multicast', 500, 'sent'],
      ['multicast', 500, 'sent'],
      ['multicast', 234, 'sent'],
    ])
    // One event per chunk LINE accepted, with its recipient count: 3 events, not 1,234.
    const ids = world.joren
      .rows<{
        id: number
      }>('select id from broadcast_chunks where broadcast_id = ? order by id', id)
      .map((c) => c.id)
    expect(acceptedEvents(id)).toEqual([
      { memberId: null, broadcastId: id, chunkId: ids[0], recipients: 500 },
      { memberId: null, broadcastId: id, chunkId: ids[1], recipients: 500 },
      { memberId: null, broadcastId: id, chunkId: ids[2], recipients: 234 },
    ])
    for (const m of audience) {
      const got = standIn.received(m.userId)
      expect(got.map((r) => [r.via, r.message.text])).toEqual([
        ['multicast', '{限定} 今週末はセールです'],
      ])
    }
  })

  it('pushes personalised messages and multicasts recipients whose messages came out the same', async () => {
    const names = ['山田', '佐藤', '同じ', '同じ']
    const audience = seedAudience(world, { consenting: 4 }, (i) => names[i] ?? '')
    const id = await createBroadcast(world, owner, {
      messages: [{ type: 'text', text: '{name}様、{points}ポイントお持ちです' }],
    })
    await send(world, owner, id)
    await untilStatus(world, owner, id, 'done')
    expect(
      chunks(id)
        .map((c) => [c.kind, c.n])
        .sort(),
    ).toEqual([
      ['multicast', 2],
      ['push', 1],
      ['push', 1],
    ])
    expect(receivedTexts(world, audience[0]!.userId)).toEqual(['山田様、0ポイントお持ちです'])
    expect(receivedTexts(world, audience[2]!.userId)).toEqual(['同じ様、0ポイントお持ちです'])
  })
})

describe('LINE answers', () => {
  it('counts a 409 for a chunk LINE accepted before (same retry key) as sent, delivered once', async () => {
    // The sender is not started: the chunk waits with its stored retry key.
    await world.joren.close()
    const joren = await startJoren(standIn, { clock, process: false })
    world = { ...world, joren, api: apiFor(joren) }
    owner = await claimOwner(world)
    const audience = seedAudience(world, { consenting: 3 })
    const id = await createBroadcast(world, owner)
    await send(world, owner, id)
    // Planned in the background (the sender need not run for that).
    await untilStatus(world, owner, id, 'sending')
    const [chunk] = joren.rows<{ retry_key: string; to: string; messages: string }>(
      'select retry_key, "to", messages from broadcast_chunks where broadcast_id = ?',
      id,
    )
    // An attempt that reached LINE before a crash: accepted, then the process died.
    const first = await fetch(`${standIn.url}/v2/bot/message/multicast`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${standIn.channelAccessToken}`,
        'content-type': 'application/json',
        'x-line-retry-key': chunk!.retry_key,
      },
      body: JSON.stringify({ to: JSON.parse(chunk!.to), messages: JSON.parse(chunk!.messages) }),
    })
    expect(first.status).toBe(200)
    await joren.server.broadcasts.start()
    await untilStatus(world, owner, id, 'done')
    const statuses = standIn
      .requests()
      .filter((r) => r.path === '/v2/bot/message/multicast')
      .map((r) => r.status)
    expect(statuses).toEqual([200, 409])
    for (const m of audience) expect(receivedTexts(world, m.userId)).toHaveLength(1)
    expect(chunks(id).map((c) => c.status)).toEqual(['sent'])
    const result = await world.api<BroadcastResult>('GET', `/api/staff/broadcasts/${id}/result`, {
      token: owner.token(),
    })
    expect(result.body.accepted).toBe(3)
    // Accepted before the crash, recorded once the 409 told the sender so.
    expect(acceptedEvents(id)).toEqual([
      { memberId: null, broadcastId: id, chunkId: expect.any(Number), recipients: 3 },
    ])
  })
})

describe('scheduling', () => {
  it('fires a scheduled broadcast once at its time, also after a restart', async () => {
    const audience = seedAudience(world, { consenting: 5 })
    const at = clock.now() + 60 * 60_000
    const id = await createBroadcast(world, owner, { scheduledAt: at })
    const res = await send(world, owner, id)
    expect(res.body.broadcast.status).toBe('scheduled')
    await new Promise((r) => setTimeout(r, 1_500))
    expect(receivedTexts(world, audience[0]!.userId)).toEqual([])

    // Restart before it is due; the new process fires it when the clock reaches it.
    const dir = world.joren.dir
    await world.joren.server.close()
    const joren = await startJoren(standIn, { clock, dir })
    world = { ...world, joren, api: apiFor(joren) }
    clock.advance(60 * 60_000 + 1_000)
    await untilStatus(world, owner, id, 'done')
    await new Promise((r) => setTimeout(r, 2_500))
    for (const m of audience) expect(receivedTexts(world, m.userId)).toHaveLength(1)
  })
})

describe('coupon card and attribution', () => {
  it('issues exactly one coupon per recipient under retries and attributes redemptions and purchases', async () => {
    const template = await createTemplate(world, owner, { title: '秋の100円引き' })
    const audience = seedAudience(world, { consenting: 40 })
    standIn.inject({
      kind: 'status',
      status: 500,
      share: 0.3,
      seed: 7,
      path: '/v2/bot/message/push',
    })
    const id = await createBroadcast(world, owner, {
      holdoutPercent: 50,
      messages: [
        { type: 'text', text: '{name}さんに「{coupon}」をお届けします' },
        { type: 'coupon', templateId: template.id },
      ],
    })
    await send(world, owner, id)
    await untilStatus(world, owner, id, 'done', 30_000)
    const recipients = world.joren.rows<{ member_id: number; holdout: number }>(
      'select member_id, holdout from broadcast_recipients where broadcast_id = ?',
      id,
    )
    const coupons = world.joren.rows<{ member_id: number; n: number; id: number }>(
      `select member_id, count(*) as n, max(id) as id from coupons
       where source = 'broadcast' and source_ref = ? group by member_id`,
      `broadcast:${id}`,
    )
    const sent = recipients.filter((r) => r.holdout === 0)
    expect(coupons).toHaveLength(sent.length)
    expect(coupons.every((c) => c.n === 1)).toBe(true)
    for (const m of audience) {
      const r = recipients.find((x) => x.member_id === m.memberId)
      const got = standIn.received(m.userId)
      if (r?.holdout === 1) expect(got).toEqual([])
      else {
        expect(got.map((g) => g.message.type)).toEqual(['text', 'flex'])
        expect(got[0]?.message.text).toMatch(/さんに「秋の100円引き」をお届けします$/)
        const coupon = coupons.find((c) => c.member_id === m.memberId)
        expect(JSON.stringify(got[1]?.message)).toContain(`/liff/coupons/${coupon?.id}`)
      }
    }
    // One recipient redeems and buys; one holdout member buys.
    const buyer = sent[0]!.member_id
    const holdoutBuyer = recipients.find((r) => r.holdout === 1)!.member_id
    const sqlite = world.joren.server.database.sqlite
    const now = clock.now()
    sqlite
      .prepare(
        `update coupons set state = 'redeemed', redeemed_at = ? where member_id = ? and source = 'broadcast'`,
      )
      .run(now, buyer)
    const buy = sqlite.prepare(
      `insert into purchases (member_id, amount_yen, purchased_at, source, created_at) values (?, ?, ?, 'register', ?)`,
    )
    buy.run(buyer, 1200, now, now)
    buy.run(holdoutBuyer, 800, now, now)
    const attribution = await world.api<BroadcastAttribution>(
      'GET',
      `/api/staff/broadcasts/${id}/attribution`,
      { token: owner.token() },
    )
    const holdoutCount = recipients.length - sent.length
    expect(attribution.body.coupons).toEqual({ issued: sent.length, redeemed: 1 })
    expect(attribution.body.recipients).toMatchObject({
      members: sent.length,
      purchasers: 1,
      revenueYen: 1200,
    })
    expect(attribution.body.holdout).toMatchObject({ members: holdoutCount, purchasers: 1 })
    expect(attribution.body.lift).toBeCloseTo(1 / sent.length - 1 / holdoutCount)
    // One buyer on each side: the interval spans zero, around the difference.
    const [low, high] = attribution.body.liftInterval95 ?? [NaN, NaN]
    expect(low).toBeLessThan(0)
    expect(high).toBeGreaterThan(0)
    expect(low).toBeLessThan(attribution.body.lift ?? NaN)
    expect(high).toBeGreaterThan(attribution.body.lift ?? NaN)
  })
})

describe('monthly limit', () => {
  it('asks for a confirm over the quota, sends the remainder as confirmed, then stops as quota_stopped and never retries blindly', async () => {
    const limited = await startLineStandIn({ rateLimits: false, now: clock.now, monthlyQuota: 10 })
    await world.joren.close()
    world = await startWorld(limited, clock)
    owner = await claimOwner(world)
    const audience = seedAudience(world, { consenting: 25 })
    const id = await createBroadcast(world, owner)
    const refused = await send(world, owner, id)
    expect(refused.status).toBe(409)
    expect(refused.body.error?.code).toBe('over_quota_confirm')
    expect((await progress(world, owner, id)).status).toBe('draft')
    await send(world, owner, id, { confirmOverQuota: true })
    const stopped = await untilStatus(world, owner, id, 'quota_stopped')
    expect(stopped.error).toContain('上限')
    await new Promise((r) => setTimeout(r, 1_500))
    // The 10 left went to the first 10 members in one request; the 15 others were not sent.
    const calls = limited.requests().filter((r) => r.path === '/v2/bot/message/multicast')
    expect(calls.map((c) => c.status)).toEqual([200])
    for (const [i, m] of audience.entries())
      expect(limited.received(m.userId)).toHaveLength(i < 10 ? 1 : 0)
    await world.joren.close()
    await limited.close()
    world = await startWorld(standIn, clock)
  })
})
