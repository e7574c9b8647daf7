import type { BroadcastResult, FailedRecipientPage, StaffAlertPage } from '@joren/shared'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { claimOwner, startWorld, TestClock, type World } from '../auth/world.ts'
import type { Owner } from '../coupons/coupon-world.ts'
import { startLineStandIn, type LineStandIn } from '../../server/src/sandbox/line-stand-in/index.ts'
import {
  createBroadcast,
  receivedTexts,
  seedAudience,
  send,
  untilStatus,
} from './broadcast-world.ts'

/**
 * Failures show (issue 14): the broadcast report lists who did not get it and LINE's reason in
 * Japanese, paged; a failed chunk raises one staff alert.
 */

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

describe('broadcast report: failed recipients', () => {
  it('lists the members of a chunk LINE refused with the reason in Japanese, paged, and alerts staff', async () => {
    const audience = seedAudience(world, { consenting: 520 })
    const id = await createBroadcast(world, owner, { title: '週末セール' })
    // LINE refuses one multicast request as malformed (a 4xx: never retried).
    standIn.inject({
      path: '/v2/bot/message/multicast',
      kind: 'status',
      status: 400,
      body: { message: "The property, 'to', in the request body is invalid (line: -, column: -)" },
      count: 1,
    })
    expect((await send(world, owner, id)).status).toBe(200)
    await untilStatus(world, owner, id, 'done')

    const failedChunks = world.joren.rows<{ member_ids: string }>(
      `select member_ids from broadcast_chunks where broadcast_id = ? and status = 'failed'`,
      id,
    )
    expect(failedChunks).toHaveLength(1)
    const failedIds = new Set(JSON.parse(failedChunks[0]!.member_ids) as number[])
    expect(failedIds.size === 500 || failedIds.size === 20).toBe(true)

    // Page through the report.
    const listed: FailedRecipientPage['items'] = []
    let cursor: string | null = null
    let pages = 0
    do {
      const query: string = cursor ? `?limit=200&cursor=${cursor}` : '?limit=200'
      const page = await world.api<FailedRecipientPage>(
        'GET',
        `/api/staff/broadcasts/${id}/failed-recipients${query}`,
        { token: owner.token() },
      )
      expect(page.status).toBe(200)
      listed.push(...page.body.items)
      cursor = page.body.nextCursor
      pages++
    } while (cursor !== null && pages < 10)
    expect(pages).toBe(Math.ceil(failedIds.size / 200))
    expect(listed).toHaveLength(failedIds.size)
    expect(new Set(listed.map((r) => r.memberId))).toEqual(failedIds)
    for (const r of listed) {
      expect(r.reason).toBe('送信先の指定が正しくありません。')
      expect(r.memberNumber).toMatch(/^\d{10}$/)
      expect(r.memberName).toMatch(/^会員\d+$/)
    }
    // Who is listed got nothing; everyone else got it once.
    for (const m of audience)
      expect(receivedTexts(world, m.userId)).toEqual(
        failedIds.has(m.memberId) ? [] : ['今週末はセールです！'],
      )
    const result = await world.api<BroadcastResult>('GET', `/api/staff/broadcasts/${id}/result`, {
      token: owner.token(),
    })
    expect(result.body).toMatchObject({
      accepted: 520 - failedIds.size,
      failed: failedIds.size,
      failures: [{ reason: '送信先の指定が正しくありません。', recipients: failedIds.size }],
    })

    // One alert for the broadcast, on the console's alert list.
    const alerts = await world.api<StaffAlertPage>('GET', '/api/staff/alerts', {
      token: owner.token(),
    })
    const jobAlerts = alerts.body.items.filter((a) => a.kind === 'job_failed')
    expect(jobAlerts).toHaveLength(1)
    expect(jobAlerts[0]?.summary).toContain('配信「週末セール」の一部のお客様に送れませんでした')

    // Bad input: a 400 that says why.
    const bad = await world.api('GET', `/api/staff/broadcasts/${id}/failed-recipients?cursor=x`, {
      token: owner.token(),
    })
    expect(bad.status).toBe(400)
    const none = await world.api('GET', `/api/staff/broadcasts/999999/failed-recipients`, {
      token: owner.token(),
    })
    expect(none.status).toBe(404)
  })

  it('a broadcast that went to everyone lists no one', async () => {
    seedAudience(world, { consenting: 3 })
    const id = await createBroadcast(world, owner)
    await send(world, owner, id)
    await untilStatus(world, owner, id, 'done')
    const page = await world.api<FailedRecipientPage>(
      'GET',
      `/api/staff/broadcasts/${id}/failed-recipients`,
      { token: owner.token() },
    )
    expect(page.body).toEqual({ items: [], nextCursor: null })
    expect(world.joren.rows(`select 1 from staff_alerts where kind = 'job_failed'`)).toEqual([])
  })
})
