import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startLineStandIn, type LineStandIn } from '../../server/src/sandbox/line-stand-in/index.ts'
import { eventually, startJoren, type JorenUnderTest } from '../support/joren-node.ts'

let standIn: LineStandIn
let joren: JorenUnderTest

beforeAll(async () => {
  standIn = await startLineStandIn({ rateLimits: false })
})
afterAll(async () => {
  await standIn.close()
})
beforeEach(async () => {
  standIn.reset()
  joren = await startJoren(standIn, { lineTimeoutMs: 500 })
})
afterEach(async () => {
  await joren.close()
})

async function followed(name = 'テスト') {
  const user = standIn.createUser({ displayName: name })
  await standIn.follow(user.userId)
  await eventually(() => expect(standIn.received(user.userId)).toHaveLength(2))
  return user
}

const pushes = () => standIn.requests().filter((r) => r.path === '/v2/bot/message/push')

describe('outbound messages', () => {
  it('pushes when the reply token is stale (redelivery), once, after a 500 — same retry key', async () => {
    const user = await followed()
    standIn.inject({ path: '/v2/bot/message/push', kind: 'status', status: 500, count: 1 })
    await standIn.deliver([standIn.buildEvent.text(user.userId, 'ヘルプ')], { redelivery: true })
    await eventually(() => expect(standIn.received(user.userId)).toHaveLength(3))
    const attempts = pushes()
    expect(attempts.map((r) => r.status)).toEqual([500, 200])
    const keys = attempts.map((r) => r.headers['x-line-retry-key'])
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/)
    expect(keys[1]).toBe(keys[0])
    expect(standIn.received(user.userId)[2]).toMatchObject({ via: 'push' })
    await eventually(() =>
      expect(joren.rows("select status, via from outbox where via = 'push'")).toEqual([
        { status: 'sent', via: 'push' },
      ]),
    )
  })

  it('retries a dropped connection and a timeout with the same key and delivers once', async () => {
    const user = await followed()
    standIn.inject({ path: '/v2/bot/message/push', kind: 'drop', count: 1 })
    standIn.inject({ path: '/v2/bot/message/push', kind: 'latency', ms: 1_500, count: 1 })
    await standIn.deliver([standIn.buildEvent.text(user.userId, 'ヘルプ')], { redelivery: true })
    await eventually(() => expect(standIn.received(user.userId)).toHaveLength(3), 10_000)
    const keys = new Set(pushes().map((r) => r.headers['x-line-retry-key']))
    expect(keys.size).toBe(1)
    expect(standIn.received(user.userId).filter((m) => m.via === 'push')).toHaveLength(1)
  })

  it('never retries the monthly limit and records the failure', async () => {
    const user = await followed()
    standIn.inject({
      path: '/v2/bot/message/push',
      kind: 'status',
      status: 429,
      body: { message: 'You have reached your monthly limit.' },
      count: 5,
    })
    await standIn.deliver([standIn.buildEvent.text(user.userId, 'ヘルプ')], { redelivery: true })
    await eventually(() =>
      expect(joren.rows('select status, last_error from outbox where via is null')).toEqual([
        { status: 'failed', last_error: 'You have reached your monthly limit.' },
      ]),
    )
    expect(pushes()).toHaveLength(1)
  })

  it('falls back to push when LINE refuses the reply token', async () => {
    const user = await followed()
    const event = standIn.buildEvent.text(user.userId, 'ヘルプ')
    standIn.inject({
      path: '/v2/bot/message/reply',
      kind: 'status',
      status: 400,
      body: { message: 'Invalid reply token' },
      count: 1,
    })
    await standIn.deliver([event])
    await eventually(() => expect(standIn.received(user.userId)).toHaveLength(3))
    expect(standIn.received(user.userId)[2]).toMatchObject({ via: 'push' })
  })
})
