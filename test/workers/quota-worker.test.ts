import type { BroadcastEstimate, BroadcastResponse } from '@joren/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildWorkerBundle, type WorkerBundle } from './local-worker.ts'
import { startWorkerWorld, type WorkerWorld } from './worker-world.ts'

/**
 * The month's quota on Workers + D1 + Queues: a confirmed send over the remainder delivers exactly
 * the remainder (the stand-in refuses whole requests over quota, as LINE does), and LINE's quota
 * endpoints down do not stop an estimate or a send.
 */

const TIMEOUT = 120_000
let bundle: WorkerBundle | undefined

beforeAll(async () => {
  bundle = await buildWorkerBundle()
}, TIMEOUT)

afterAll(async () => {
  await bundle?.dispose()
})

async function seed(world: WorkerWorld, n: number, prefix: string): Promise<string[]> {
  const userIds = Array.from({ length: n }, (_, i) => {
    const userId = `U${prefix}${(i + 1).toString(16).padStart(31, '0')}`
    world.line.createUser({ userId, friend: true })
    return userId
  })
  await world.worker.query(
    `WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ${n})
     INSERT INTO members (line_user_id, member_number, display_name, follow_state,
       follow_state_at, followed_at, created_at, updated_at)
     SELECT json_extract(?, '$[' || (i - 1) || ']'), printf('%010d', 4000000000 + i), '会員',
       'following', 1, 1, 1, 1 FROM s`,
    JSON.stringify(userIds),
  )
  await world.worker.query(
    `INSERT INTO member_profiles (member_id, interests, marketing_consent, updated_at)
     SELECT id, '[]', 1, 1 FROM members`,
  )
  return userIds
}

async function untilStatus(world: WorkerWorld, id: number, status: string): Promise<void> {
  const deadline = Date.now() + 60_000
  for (;;) {
    const [row] = await world.worker.query<{ status: string }>(
      'SELECT status FROM broadcasts WHERE id = ?',
      id,
    )
    if (row?.status === status) return
    if (Date.now() > deadline)
      throw new Error(`broadcast ${row?.status}, want ${status}\n${world.worker.logs()}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

async function create(world: WorkerWorld): Promise<number> {
  const created = await world.api<BroadcastResponse>(
    'POST',
    '/api/staff/broadcasts',
    world.owner(),
    {
      title: '上限の配信',
      messages: [{ type: 'text', text: '今週末はセールです' }],
      audience: { kind: 'all' },
    },
  )
  expect(created.status).toBe(201)
  return created.body.broadcast.id
}

describe('the monthly quota on Workers + D1', () => {
  it(
    'with 563 left a confirmed send to 1,234 delivers exactly 563, stops, and a resume sends the rest once',
    async () => {
      const world = await startWorkerWorld(bundle!, { rateLimits: false, monthlyQuota: 1_000 })
      const userIds = await seed(world, 1_234, 'a')
      world.line.setQuota({ used: 437 })
      const id = await create(world)
      const estimate = await world.api<BroadcastEstimate>(
        'GET',
        `/api/staff/broadcasts/${id}/estimate`,
        world.owner(),
      )
      expect(estimate.body.overQuota).toMatchObject({ sent: 563, stopped: 671 })
      const refused = await world.api('POST', `/api/staff/broadcasts/${id}/send`, world.owner(), {})
      expect(refused.status).toBe(409)
      const sent = await world.api('POST', `/api/staff/broadcasts/${id}/send`, world.owner(), {
        confirmOverQuota: true,
      })
      expect(sent.status).toBe(200)
      await untilStatus(world, id, 'quota_stopped')
      await new Promise((r) => setTimeout(r, 1_500))
      const reached = userIds.filter((u) => world.line.received(u).length > 0)
      expect(reached).toHaveLength(563)
      expect(world.line.quota().used).toBe(1_000)
      const [row] = await world.worker.query<{ error: string }>(
        'SELECT error FROM broadcasts WHERE id = ?',
        id,
      )
      expect(row?.error).toContain('上限に達した')

      world.line.setQuota({ limit: 5_000 })
      const resumed = await world.api('POST', `/api/staff/broadcasts/${id}/resume`, world.owner())
      expect(resumed.status).toBe(200)
      await untilStatus(world, id, 'done')
      for (const userId of userIds) expect(world.line.received(userId)).toHaveLength(1)
    },
    TIMEOUT,
  )

  it(
    "LINE's quota endpoints down: the estimate shows the recipients with the quota unknown, and the send goes",
    async () => {
      const world = await startWorkerWorld(bundle!, { rateLimits: false, monthlyQuota: 1_000 })
      const userIds = await seed(world, 30, 'b')
      world.line.inject({ path: /^\/v2\/bot\/message\/quota/, kind: 'status', status: 503 })
      const id = await create(world)
      const estimate = await world.api<BroadcastEstimate>(
        'GET',
        `/api/staff/broadcasts/${id}/estimate`,
        world.owner(),
      )
      expect(estimate.status).toBe(200)
      expect(estimate.body.recipients).toBe(30)
      expect(estimate.body.quota).toMatchObject({ type: 'unknown', level: 'unknown' })
      const quotaCalls = () =>
        world.line.requests().filter((r) => r.path.startsWith('/v2/bot/message/quota')).length
      expect(quotaCalls()).toBeLessThanOrEqual(2)
      const sent = await world.api('POST', `/api/staff/broadcasts/${id}/send`, world.owner(), {})
      expect(sent.status).toBe(200)
      await untilStatus(world, id, 'done')
      for (const userId of userIds) expect(world.line.received(userId)).toHaveLength(1)
    },
    TIMEOUT,
  )
})
