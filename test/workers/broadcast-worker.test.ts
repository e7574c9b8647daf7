import type { BroadcastResponse } from '@joren/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildWorkerBundle, type WorkerBundle } from './local-worker.ts'
import { startWorkerWorld } from './worker-world.ts'

/**
 * Broadcasts on Workers: the plan is one JOBS queue message (off the send request), then one
 * message per chunk, consumed in batches (≤ 100).
 */

const TIMEOUT = 120_000
let bundle: WorkerBundle | undefined

beforeAll(async () => {
  bundle = await buildWorkerBundle()
}, TIMEOUT)

afterAll(async () => {
  await bundle?.dispose()
})

describe('broadcasts on Workers + D1 + Queues', () => {
  it(
    'fans a broadcast out through the JOBS queue and delivers every chunk once',
    async () => {
      const world = await startWorkerWorld(bundle!, { rateLimits: true, monthlyQuota: 'none' })
      const { line, worker, owner } = world
      const api = (method: string, path: string, token: string, body?: unknown) =>
        world.api<BroadcastResponse>(method, path, token, body)

      // 1,234 consenting friends → 3 multicast chunks (500, 500, 234).
      const n = 1234
      const userIds = Array.from({ length: n }, (_, i) => {
        const userId = `Ub${(i + 1).toString(16).padStart(31, '0')}`
        line.createUser({ userId, friend: true })
        return userId
      })
      await worker.query(
        `WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ${n})
         INSERT INTO members (line_user_id, member_number, display_name, follow_state,
           follow_state_at, followed_at, created_at, updated_at)
         SELECT json_extract(?, '$[' || (i - 1) || ']'), printf('%010d', 4000000000 + i), '会員',
           'following', 1, 1, 1, 1 FROM s`,
        JSON.stringify(userIds),
      )
      await worker.query(
        `INSERT INTO member_profiles (member_id, interests, marketing_choice, updated_at)
         SELECT id, '[]', 'in', 1 FROM members`,
      )

      const created = await api('POST', '/api/staff/broadcasts', owner(), {
        title: 'Workers 配信',
        messages: [{ type: 'text', text: '今週末はセールです' }],
        audience: { kind: 'all' },
      })
      expect(created.status).toBe(201)
      const id = created.body.broadcast.id
      const sent = await api('POST', `/api/staff/broadcasts/${id}/send`, owner(), {})
      expect(sent.status).toBe(200)
      // The request only claims the plan; a JOBS message plans it, then the chunks fan out.
      expect(sent.body.broadcast.status).toBe('planning')

      const deadline = Date.now() + 60_000
      for (;;) {
        const [row] = await worker.query<{ status: string }>(
          'SELECT status FROM broadcasts WHERE id = ?',
          id,
        )
        if (row?.status === 'done') break
        if (Date.now() > deadline) throw new Error(`broadcast ${row?.status}\n${worker.logs()}`)
        await new Promise((r) => setTimeout(r, 100))
      }
      const chunks = await worker.query<{ n: number; status: string }>(
        'SELECT recipient_count AS n, status FROM broadcast_chunks WHERE broadcast_id = ? ORDER BY id',
        id,
      )
      expect(chunks).toEqual([
        { n: 500, status: 'sent' },
        { n: 500, status: 'sent' },
        { n: 234, status: 'sent' },
      ])
      for (const userId of userIds) expect(line.received(userId)).toHaveLength(1)
      // The queue consumer records one event per accepted chunk, with the chunk's own commit.
      const events = await worker.query<{ data: string }>(
        "SELECT data FROM domain_events WHERE type = 'broadcast.chunk_accepted' ORDER BY json_extract(data, '$.chunkId')",
      )
      expect(events.map((e) => (JSON.parse(e.data) as { recipients: number }).recipients)).toEqual([
        500, 500, 234,
      ])
    },
    TIMEOUT,
  )
})
