import Sqlite from 'better-sqlite3'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { TestClock } from '../auth/world.ts'
import { startLineStandIn, type LineStandIn } from '../../server/src/sandbox/line-stand-in/index.ts'
import type { Fault, StandInUser } from '../../server/src/sandbox/line-stand-in/types.ts'
import { eventually, startJoren, type JorenUnderTest } from '../support/joren-node.ts'
import { spawnJoren } from '../support/joren-process.ts'

/**
 * The reply policy end to end: for each way a reply can fail at LINE, what the outbox row ends as
 * and what the customer got — one delivery, or "delivery unknown" shown to staff; never two.
 */

let standIn: LineStandIn
let joren: JorenUnderTest
let clock: TestClock

beforeAll(async () => {
  standIn = await startLineStandIn({ rateLimits: false })
})
afterAll(async () => {
  await standIn.close()
})
beforeEach(async () => {
  standIn.reset()
  clock = new TestClock()
  joren = await startJoren(standIn, { lineTimeoutMs: 500, clock })
})
afterEach(async () => {
  await standIn.setReachable(true)
  await joren.close()
})

const REPLY = '/v2/bot/message/reply'
const PUSH = '/v2/bot/message/push'

/** A following member (welcome already received), then one 「ヘルプ」 with the given reply faults. */
async function askWithFaults(faults: Fault[]) {
  const user = standIn.createUser({ displayName: '花子' })
  await standIn.follow(user.userId)
  await eventually(() => expect(standIn.received(user.userId)).toHaveLength(2))
  for (const fault of faults) standIn.inject(fault)
  const event = standIn.buildEvent.text(user.userId, 'ヘルプ')
  expect((await standIn.deliver([event])).status).toBe(200)
  return { user, event, dedupeKey: `event:${event.webhookEventId}:reply` }
}

interface Row {
  status: string
  via: string | null
  last_error: string | null
  reply_token: string
  retry_key: string
}

function answerRow(dedupeKey: string): Row | undefined {
  return joren.rows<Row>(
    'select status, via, last_error, reply_token, retry_key from outbox where dedupe_key = ?',
    dedupeKey,
  )[0]
}

/** Sends LINE accepted for this outbox row: by its reply token, and by its retry key. */
function deliveries(user: StandInUser, row: Row) {
  const received = standIn.received(user.userId)
  const requests = (filter: (m: (typeof received)[number]) => boolean) =>
    new Set(received.filter(filter).map((m) => m.requestId)).size
  return {
    reply: requests((m) => m.via === 'reply' && m.replyToken === row.reply_token),
    push: requests((m) => m.via === 'push' && m.retryKey === row.retry_key),
  }
}

async function settled(dedupeKey: string, status: string): Promise<Row> {
  return eventually(() => {
    const row = answerRow(dedupeKey)
    expect(row?.status).toBe(status)
    return row as Row
  }, 10_000)
}

function threadDelivery(user: StandInUser) {
  return joren.rows<{
    delivery: string | null
    delivery_reason: string | null
    via: string | null
  }>(
    `select c.delivery, c.delivery_reason, c.via from chat_messages c join members m on m.id = c.member_id
     where m.line_user_id = ? and c.direction = 'out' and c.source_key like 'outbox:%' order by c.id`,
    user.userId,
  )
}

describe('reply policy (Node)', () => {
  it('a reply refused with 429 (before LINE processed it) is tried again and delivered once', async () => {
    const { user, dedupeKey } = await askWithFaults([
      { path: REPLY, kind: 'status', status: 429, count: 1 },
    ])
    const row = await settled(dedupeKey, 'sent')
    expect(row.via).toBe('reply')
    expect(deliveries(user, row)).toEqual({ reply: 1, push: 0 })
  })

  it('a 5xx before LINE processed the reply: tried again while fresh, delivered once', async () => {
    const { user, dedupeKey } = await askWithFaults([
      { path: REPLY, kind: 'status', status: 503, count: 1 },
    ])
    const row = await settled(dedupeKey, 'sent')
    expect(row.via).toBe('reply')
    expect(deliveries(user, row)).toEqual({ reply: 1, push: 0 })
  })

  it('a 500 after LINE delivered the reply: the retry finds the token used → delivery unknown, no push', async () => {
    const { user, dedupeKey } = await askWithFaults([
      { path: REPLY, kind: 'status', status: 500, phase: 'after', count: 1 },
    ])
    const row = await settled(dedupeKey, 'unknown')
    expect(row.via).toBeNull()
    expect(row.last_error).toContain('reply outcome unknown')
    expect(row.last_error).not.toContain('crash')
    expect(deliveries(user, row)).toEqual({ reply: 1, push: 0 })
    expect(standIn.requests().filter((r) => r.path === PUSH)).toHaveLength(0)
    // Staff see it in the member's thread.
    expect(threadDelivery(user).at(-1)).toEqual({
      delivery: 'unknown',
      delivery_reason: 'reply_in_doubt',
      via: null,
    })
  })

  it('a connection dropped before LINE processed the reply: tried again, delivered once', async () => {
    const { user, dedupeKey } = await askWithFaults([{ path: REPLY, kind: 'drop', count: 1 }])
    const row = await settled(dedupeKey, 'sent')
    expect(row.via).toBe('reply')
    expect(deliveries(user, row)).toEqual({ reply: 1, push: 0 })
  })

  it('a connection dropped after LINE delivered the reply → delivery unknown, delivered once', async () => {
    const { user, dedupeKey } = await askWithFaults([
      { path: REPLY, kind: 'drop', phase: 'after', count: 1 },
    ])
    const row = await settled(dedupeKey, 'unknown')
    expect(deliveries(user, row)).toEqual({ reply: 1, push: 0 })
  })

  it('a timeout (LINE answers after the client gave up): one delivery, never two', async () => {
    // LINE processes the timed-out call 1.5 s later; the retry (after ~0.5 s + backoff) comes first.
    const { user, dedupeKey } = await askWithFaults([
      { path: REPLY, kind: 'latency', ms: 1_500, count: 1 },
    ])
    const row = await settled(dedupeKey, 'sent')
    expect(row.via).toBe('reply')
    await new Promise((r) => setTimeout(r, 1_500))
    expect(deliveries(user, row)).toEqual({ reply: 1, push: 0 })
    expect(answerRow(dedupeKey)?.status).toBe('sent')
  })

  it('LINE unreachable (connection refused) until the token is stale: one push with the retry key', async () => {
    const user = standIn.createUser({ displayName: '次郎' })
    await standIn.follow(user.userId)
    await eventually(() => expect(standIn.received(user.userId)).toHaveLength(2))
    // LINE's API refuses connections; webhooks still reach Joren.
    await standIn.setReachable(false)
    const event = standIn.buildEvent.text(user.userId, 'ヘルプ')
    const dedupeKey = `event:${event.webhookEventId}:reply`
    expect((await standIn.deliver([event])).status).toBe(200)
    await eventually(() => expect(answerRow(dedupeKey)?.last_error).toContain('ECONNREFUSED'))
    expect(answerRow(dedupeKey)?.status).toBe('pending')
    // The reply token goes stale while LINE is unreachable; nothing of the reply went.
    clock.advance(60_000)
    await standIn.setReachable(true)
    const row = await settled(dedupeKey, 'sent')
    expect(row.via).toBe('push')
    expect(deliveries(user, row)).toEqual({ reply: 0, push: 1 })
  })

  it('a 500 after delivery, then the token goes stale before the retry → delivery unknown, no push', async () => {
    const { user, dedupeKey } = await askWithFaults([
      { path: REPLY, kind: 'status', status: 500, phase: 'after', count: 1 },
      // The retry cannot get through either (refused), and the token goes stale meanwhile.
      { path: REPLY, kind: 'status', status: 429, count: 100 },
    ])
    await eventually(() => expect(answerRow(dedupeKey)?.last_error).toBeTruthy(), 10_000)
    clock.advance(60_000)
    const row = await settled(dedupeKey, 'unknown')
    expect(deliveries(user, row)).toEqual({ reply: 1, push: 0 })
    expect(standIn.requests().filter((r) => r.path === PUSH)).toHaveLength(0)
  })

  it('a fallback push after the monthly limit fails without retry; the next one does not ask LINE', async () => {
    const monthly = {
      path: PUSH,
      kind: 'status' as const,
      status: 429,
      body: { message: 'You have reached your monthly limit.' },
    }
    const { user, dedupeKey } = await askWithFaults([
      { path: REPLY, kind: 'status', status: 400, body: { message: 'Invalid reply token' } },
      monthly,
    ])
    const row = await settled(dedupeKey, 'failed')
    expect(row.last_error).toContain('monthly limit')
    expect(standIn.requests().filter((r) => r.path === PUSH)).toHaveLength(1)
    expect(threadDelivery(user).at(-1)).toMatchObject({
      delivery: 'failed',
      delivery_reason: 'monthly_limit',
    })
    const again = standIn.buildEvent.text(user.userId, 'ヘルプ')
    await standIn.deliver([again])
    const second = await settled(`event:${again.webhookEventId}:reply`, 'failed')
    expect(second.last_error).toContain('monthly_limit')
    expect(standIn.requests().filter((r) => r.path === PUSH)).toHaveLength(1)
  })
})

describe('reply policy after a crash', () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'joren-reply-crash-'))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('replies in flight when the process dies are tried again while fresh: one delivered once, one found used → unknown after a crash', async () => {
    await joren.close()
    const env = {
      DATABASE_PATH: join(dir, 'joren.db'),
      PORT: '0',
      LINE_CHANNEL_SECRET: standIn.channelSecret,
      LINE_CHANNEL_ACCESS_TOKEN: standIn.channelAccessToken,
      LINE_API_BASE_URL: standIn.url,
      LINE_DATA_API_BASE_URL: standIn.url,
    }
    const first = await spawnJoren(env)
    standIn.setWebhookUrl(`${first.url}/webhook`)
    const delivered = standIn.createUser({ displayName: '三郎' })
    const lost = standIn.createUser({ displayName: '四郎' })
    for (const user of [delivered, lost]) {
      await standIn.follow(user.userId)
      await eventually(() => expect(standIn.received(user.userId)).toHaveLength(2), 10_000)
    }
    // Both replies are slow. LINE delivers the first at once and answers late; the second waits
    // before LINE takes it. The process is killed while both are in flight.
    standIn.inject({ path: REPLY, kind: 'latency', ms: 3_000, phase: 'after', count: 1 })
    standIn.inject({ path: REPLY, kind: 'latency', ms: 3_000, count: 1 })
    const first1 = standIn.buildEvent.text(delivered.userId, 'ヘルプ')
    await standIn.deliver([first1])
    const db = new Sqlite(env.DATABASE_PATH, { readonly: true })
    const row = (eventId: string) =>
      db
        .prepare(
          'select status, via, reply_attempted_at, last_error from outbox where dedupe_key = ?',
        )
        .get(`event:${eventId}:reply`) as
        | {
            status: string
            via: string | null
            reply_attempted_at: number | null
            last_error: string | null
          }
        | undefined
    try {
      await eventually(() => expect(row(first1.webhookEventId)?.reply_attempted_at).not.toBeNull())
      const second1 = standIn.buildEvent.text(lost.userId, 'ヘルプ')
      await standIn.deliver([second1])
      await eventually(() => expect(row(second1.webhookEventId)?.reply_attempted_at).not.toBeNull())
      first.child.kill('SIGKILL')
      await first.exited
      expect(standIn.received(delivered.userId)).toHaveLength(3)
      const second = await spawnJoren(env)
      try {
        await eventually(() => expect(row(first1.webhookEventId)?.status).toBe('unknown'), 10_000)
        expect(row(first1.webhookEventId)?.last_error).toContain('after a crash')
        await eventually(() => expect(row(second1.webhookEventId)?.status).toBe('sent'), 10_000)
        expect(row(second1.webhookEventId)?.via).toBe('reply')
        await new Promise((r) => setTimeout(r, 3_500))
        expect(standIn.received(delivered.userId)).toHaveLength(3)
        expect(standIn.received(lost.userId)).toHaveLength(3)
      } finally {
        second.child.kill('SIGTERM')
        await second.exited
      }
    } finally {
      db.close()
    }
    // A fresh server for afterEach to close.
    joren = await startJoren(standIn, { lineTimeoutMs: 500, clock })
  }, 60_000)
})
