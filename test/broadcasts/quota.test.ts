import type { BroadcastEstimate, MessageQuotaResponse } from '@joren/shared'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { claimOwner, startWorld, TestClock, type World } from '../auth/world.ts'
import type { Owner } from '../coupons/coupon-world.ts'
import { startLineStandIn, type LineStandIn } from '../../server/src/sandbox/line-stand-in/index.ts'
import {
  createBroadcast,
  progress,
  seedAudience,
  send,
  untilStatus,
  type AudienceMember,
} from './broadcast-world.ts'

// The month's quota against LINE's own rules (the stand-in counts one message per recipient and
// refuses a whole request that does not fit what is left, with LINE's 429 body).
const clock = new TestClock()
let standIn: LineStandIn
let world: World
let owner: Owner

beforeAll(async () => {
  standIn = await startLineStandIn({ rateLimits: false, now: clock.now, monthlyQuota: 200 })
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

const multicasts = () =>
  standIn.requests().filter((r) => r.path === '/v2/bot/message/multicast' && r.method === 'POST')
const quotaCalls = () =>
  standIn.requests().filter((r) => r.path.startsWith('/v2/bot/message/quota'))
const reached = (audience: AudienceMember[]) =>
  audience.filter((m) => standIn.received(m.userId).length > 0)
const settle = () => new Promise((r) => setTimeout(r, 1_200))

async function estimate(id: number) {
  const res = await world.api<BroadcastEstimate>('GET', `/api/staff/broadcasts/${id}/estimate`, {
    token: owner.token(),
  })
  expect(res.status).toBe(200)
  return res.body
}

describe('the quota used as the confirmation promised', () => {
  it('free plan with 150 left and 200 recipients: the confirmed send delivers exactly 150, earliest members first, then stops', async () => {
    const audience = seedAudience(world, { consenting: 200 })
    standIn.setQuota({ limit: 200, used: 50 })
    const id = await createBroadcast(world, owner)
    const e = await estimate(id)
    expect(e.recipients).toBe(200)
    expect(e.quota).toMatchObject({ type: 'limited', limit: 200, used: 50, remaining: 150 })
    expect(e.needsConfirm).toBe(true)
    expect(e.overQuota).toEqual({ sent: 150, stopped: 50, order: 'earliest_members' })

    const refused = await send(world, owner, id)
    expect(refused.status).toBe(409)
    expect(refused.body.error?.code).toBe('over_quota_confirm')
    expect((await progress(world, owner, id)).status).toBe('draft')
    expect(multicasts()).toEqual([])

    expect((await send(world, owner, id, { confirmOverQuota: true })).status).toBe(200)
    const stopped = await untilStatus(world, owner, id, 'quota_stopped')
    expect(stopped.error).toContain('上限に達した')
    await settle()
    // One request sized to the remainder; the rest is not sent to be refused.
    expect(multicasts().map((c) => c.status)).toEqual([200])
    const got = reached(audience)
    expect(got).toHaveLength(150)
    expect(got.map((m) => m.memberId)).toEqual(audience.slice(0, 150).map((m) => m.memberId))
    for (const m of got) expect(standIn.received(m.userId)).toHaveLength(1)
    expect(standIn.quota().used).toBe(200)
    // The rest waits for staff: 50 still queued, none failed.
    const rows = world.joren.rows<{ status: string; n: number }>(
      `select status, count(*) as n from broadcast_recipients where broadcast_id = ? and holdout = 0
         group by status order by status`,
      id,
    )
    expect(rows).toEqual([
      { status: 'queued', n: 50 },
      { status: 'sent', n: 150 },
    ])

    // A plan change: resume sends the 50 others, each once.
    standIn.setQuota({ limit: 5_000 })
    const resumed = await world.api('POST', `/api/staff/broadcasts/${id}/resume`, {
      token: owner.token(),
    })
    expect(resumed.status).toBe(200)
    await untilStatus(world, owner, id, 'done')
    for (const m of audience) expect(standIn.received(m.userId)).toHaveLength(1)
    expect(standIn.quota().used).toBe(250)
  })

  it('563 left and 1,000 recipients: 563 delivered (a full chunk and one of 63), not 500', async () => {
    const audience = seedAudience(world, { consenting: 1_000 })
    standIn.setQuota({ limit: 5_000, used: 5_000 - 563 })
    const id = await createBroadcast(world, owner)
    const e = await estimate(id)
    expect(e.overQuota).toMatchObject({ sent: 563, stopped: 437 })
    expect((await send(world, owner, id, { confirmOverQuota: true })).status).toBe(200)
    await untilStatus(world, owner, id, 'quota_stopped')
    await settle()
    expect(reached(audience)).toHaveLength(563)
    expect(standIn.quota().used).toBe(5_000)
    expect(multicasts().every((c) => c.status === 200)).toBe(true)
  })
})

describe('LINE answers "monthly limit reached"', () => {
  it('stops the send after one try and shows it; nothing is retried', async () => {
    const audience = seedAudience(world, { consenting: 1 })
    // LINE's figure says 10 are left, but the month is used up.
    standIn.setQuota({ limit: 10, used: 10, reportedUsageLag: 10 })
    const id = await createBroadcast(world, owner)
    expect((await estimate(id)).needsConfirm).toBe(false)
    expect((await send(world, owner, id)).status).toBe(200)
    const stopped = await untilStatus(world, owner, id, 'quota_stopped')
    expect(stopped.error).toBe(
      '今月のメッセージ通数の上限に達したため、配信を止めました。プランを変更するか来月になってから「再開」してください。送信済みの相手には重複して届きません。',
    )
    await settle()
    expect(multicasts().map((c) => c.status)).toEqual([429])
    expect(standIn.received(audience[0]?.userId ?? '')).toEqual([])
  })

  it("LINE's usage figure lags: the chunk sized to the remainder is split once, the part that fits goes, then it stops", async () => {
    const audience = seedAudience(world, { consenting: 40 })
    // 20 really left; LINE reports 50.
    standIn.setQuota({ limit: 100, used: 80, reportedUsageLag: 30 })
    const id = await createBroadcast(world, owner)
    expect((await estimate(id)).quota.remaining).toBe(50)
    expect((await send(world, owner, id)).status).toBe(200)
    await untilStatus(world, owner, id, 'quota_stopped')
    await settle()
    expect(multicasts().map((c) => c.status)).toEqual([429, 200])
    expect(reached(audience)).toHaveLength(20)
    expect(standIn.quota().used).toBe(100)

    // Resumed after a plan change: the other 20 get it, nobody twice.
    standIn.setQuota({ limit: 1_000, reportedUsageLag: 0 })
    await world.api('POST', `/api/staff/broadcasts/${id}/resume`, { token: owner.token() })
    await untilStatus(world, owner, id, 'done')
    for (const m of audience) expect(standIn.received(m.userId)).toHaveLength(1)
  })

  it('when the split part is refused too it stops: two tries, never a loop', async () => {
    const audience = seedAudience(world, { consenting: 40 })
    // 5 really left; LINE reports 50.
    standIn.setQuota({ limit: 100, used: 95, reportedUsageLag: 45 })
    const id = await createBroadcast(world, owner)
    expect((await send(world, owner, id)).status).toBe(200)
    const stopped = await untilStatus(world, owner, id, 'quota_stopped')
    expect(stopped.error).toContain('上限')
    await settle()
    expect(multicasts().map((c) => c.status)).toEqual([429, 429])
    expect(reached(audience)).toHaveLength(0)
  })
})

describe("LINE's quota endpoint down", () => {
  it('estimate and send still work, marked quota unknown, with at most two quota calls', async () => {
    const audience = seedAudience(world, { consenting: 30 })
    standIn.inject({ path: /^\/v2\/bot\/message\/quota/, kind: 'status', status: 500 })
    const id = await createBroadcast(world, owner)
    const e = await estimate(id)
    expect(e.recipients).toBe(30)
    expect(e.quota).toEqual({
      type: 'unknown',
      limit: null,
      used: null,
      remaining: null,
      level: 'unknown',
      checkedAt: null,
    })
    expect(e.needsConfirm).toBe(false)
    expect(quotaCalls().length).toBeLessThanOrEqual(2)
    const widget = await world.api<MessageQuotaResponse>('GET', '/api/staff/quota', {
      token: owner.token(),
    })
    expect(widget.body.quota.level).toBe('unknown')

    expect((await send(world, owner, id)).status).toBe(200)
    await untilStatus(world, owner, id, 'done')
    for (const m of audience) expect(standIn.received(m.userId)).toHaveLength(1)
    expect(quotaCalls().length).toBeLessThanOrEqual(2)
  })
})

describe('the quota widget', () => {
  it('shows used and left, and warns from 80 %', async () => {
    standIn.setQuota({ limit: 200, used: 170 })
    const res = await world.api<MessageQuotaResponse>('GET', '/api/staff/quota', {
      token: owner.token(),
    })
    expect(res.status).toBe(200)
    expect(res.body.quota).toMatchObject({
      type: 'limited',
      limit: 200,
      used: 170,
      remaining: 30,
      level: 'near',
    })
    expect((await world.api('GET', '/api/staff/quota')).status).toBe(401)
  })
})
