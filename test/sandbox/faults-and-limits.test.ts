import { randomUUID } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { startLineStandIn } from '../../server/src/sandbox/line-stand-in/index.ts'
import { lineApi, text } from './stand-in-support.ts'
import type { LineStandIn, StandInOptions } from '../../server/src/sandbox/line-stand-in/types.ts'

const started: LineStandIn[] = []
afterEach(async () => {
  await Promise.all(started.splice(0).map((line) => line.close()))
})

async function start(options: StandInOptions = {}) {
  const line = await startLineStandIn(options)
  started.push(line)
  return { line, api: lineApi(line), user: line.createUser({ friend: true }) }
}

describe('rate limits', () => {
  it('answers 429 to multicasts beyond 200 per second and recovers a second later', async () => {
    let clock = 1_750_000_000_000
    const { line, api, user } = await start({ now: () => clock, monthlyQuota: 'none' })
    const body = { to: [user.userId], messages: [text('x')] }
    const statuses: number[] = []
    // 10 parallel senders: a burst, without opening 210 connections
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        for (let i = 0; i < 21; i++)
          statuses.push((await api.post('/v2/bot/message/multicast', body)).status)
      }),
    )
    expect(statuses.filter((s) => s === 200)).toHaveLength(200)
    expect(statuses.filter((s) => s === 429)).toHaveLength(10)
    const limited = await api.post('/v2/bot/message/multicast', body)
    expect(limited.body).toEqual({
      message: 'The API rate limit has been exceeded. Try again later.',
    })
    // other endpoints have their own buckets
    expect(
      (await api.post('/v2/bot/message/push', { to: user.userId, messages: [text('x')] })).status,
    ).toBe(200)
    clock += 1000
    expect((await api.post('/v2/bot/message/multicast', body)).status).toBe(200)
    expect(line.received(user.userId)).toHaveLength(202)
  })
})

describe('monthly quota', () => {
  it('counts one message per recipient (bubbles are free) and answers 429 past the limit', async () => {
    const { line, api, user } = await start({ monthlyQuota: 3 })
    expect((await api.get('/v2/bot/message/quota')).body).toEqual({ type: 'limited', value: 3 })
    const push = (n: number) =>
      api.post('/v2/bot/message/push', {
        to: user.userId,
        messages: Array.from({ length: n }, () => text('x')),
      })
    expect((await push(2)).status).toBe(200)
    expect((await push(5)).status).toBe(200)
    expect((await api.get('/v2/bot/message/quota/consumption')).body).toEqual({ totalUsage: 2 })
    expect((await push(1)).status).toBe(200)
    const over = await push(1)
    expect(over).toMatchObject({
      status: 429,
      body: { message: 'You have reached your monthly limit.' },
    })
    expect((await api.get('/v2/bot/message/quota/consumption')).body).toEqual({ totalUsage: 3 })
    expect(line.received(user.userId)).toHaveLength(8)
    // replies are free
    const token = line.buildEvent.text(user.userId, 'hi').replyToken
    expect(
      (await api.post('/v2/bot/message/reply', { replyToken: token, messages: [text('r')] }))
        .status,
    ).toBe(200)
  })

  it('refuses a whole multicast that does not fit the remainder; the limit, usage and lag can be set', async () => {
    const { line, api } = await start({ monthlyQuota: 10 })
    const users = Array.from({ length: 6 }, () => line.createUser({ friend: true }))
    line.setQuota({ used: 5 })
    const multicast = (to: typeof users) =>
      api.post('/v2/bot/message/multicast', { to: to.map((u) => u.userId), messages: [text('x')] })
    expect(await multicast(users)).toMatchObject({
      status: 429,
      body: { message: 'You have reached your monthly limit.' },
    })
    for (const u of users) expect(line.received(u.userId)).toEqual([])
    expect((await multicast(users.slice(0, 5))).status).toBe(200)
    expect(line.quota()).toEqual({ limit: 10, used: 10, reportedUsageLag: 0 })
    // LINE's usage figure lags: consumption under-reports, the limit still holds.
    line.setQuota({ limit: 12, reportedUsageLag: 4 })
    expect((await api.get('/v2/bot/message/quota')).body).toEqual({ type: 'limited', value: 12 })
    expect((await api.get('/v2/bot/message/quota/consumption')).body).toEqual({ totalUsage: 6 })
    expect((await multicast(users.slice(0, 3))).status).toBe(429)
    expect((await multicast(users.slice(0, 2))).status).toBe(200)
    line.setQuota({ limit: null })
    expect((await api.get('/v2/bot/message/quota')).body).toEqual({ type: 'none' })
    line.reset()
    expect(line.quota()).toEqual({ limit: 10, used: 0, reportedUsageLag: 0 })
  })

  it('reports an unlimited quota', async () => {
    const { api } = await start({ monthlyQuota: null })
    expect((await api.get('/v2/bot/message/quota')).body).toEqual({ type: 'none' })
  })
})

describe('faults', () => {
  it('fails the next call with 500 without effect, then succeeds with the same retry key', async () => {
    const { line, api, user } = await start()
    const handle = line.inject({
      path: '/v2/bot/message/push',
      kind: 'status',
      status: 500,
      count: 1,
    })
    const key = randomUUID()
    const body = { to: user.userId, messages: [text('x')] }
    const failed = await api.post('/v2/bot/message/push', body, { 'X-Line-Retry-Key': key })
    expect(failed.status).toBe(500)
    expect(line.received(user.userId)).toEqual([])
    const ok = await api.post('/v2/bot/message/push', body, { 'X-Line-Retry-Key': key })
    expect(ok.status).toBe(200)
    expect(handle.hits).toBe(1)
    expect((await api.post('/v2/bot/message/push', body, { 'X-Line-Retry-Key': key })).status).toBe(
      409,
    )
    expect(line.received(user.userId)).toHaveLength(1)
    expect(line.requests().map((r) => r.status)).toEqual([500, 200, 409])
  })

  it('drops the connection without answering', async () => {
    const { line, api, user } = await start()
    line.inject({ path: /\/push$/, kind: 'drop', count: 1 })
    const body = { to: user.userId, messages: [text('x')] }
    await expect(api.post('/v2/bot/message/push', body)).rejects.toThrow()
    expect(line.received(user.userId)).toEqual([])
    expect((await api.post('/v2/bot/message/push', body)).status).toBe(200)
    expect(line.requests().map((r) => r.status)).toEqual([0, 200])
  })

  it('delays calls, applies count-limited faults in injection order, and can be removed', async () => {
    const { line, api } = await start()
    line.inject({ path: '/v2/bot/info', kind: 'latency', ms: 120 })
    line.inject({ path: '/v2/bot/info', kind: 'status', status: 503, count: 1 })
    expect((await api.get('/v2/bot/info')).status).toBe(503)
    const started = performance.now()
    expect((await api.get('/v2/bot/info')).status).toBe(200)
    expect(performance.now() - started).toBeGreaterThanOrEqual(100)
    line.clearFaults()
    expect((await api.get('/v2/bot/info')).status).toBe(200)
  })

  it('hits a seeded share of calls deterministically', async () => {
    const run = async () => {
      const { line, api } = await start()
      line.inject({ method: 'GET', kind: 'status', status: 502, share: 0.5, seed: 42 })
      const statuses: number[] = []
      for (let i = 0; i < 20; i++) statuses.push((await api.get('/v2/bot/message/quota')).status)
      return statuses
    }
    const first = await run()
    expect(first).toEqual(await run())
    expect(first.filter((s) => s === 502).length).toBeGreaterThan(3)
    expect(first.filter((s) => s === 200).length).toBeGreaterThan(3)
  })

  it('processes a call and then answers 500 (phase after): the reply token is used up', async () => {
    const { line, api, user } = await start()
    line.inject({ path: '/v2/bot/message/reply', kind: 'status', status: 500, phase: 'after' })
    const replyToken = line.buildEvent.text(user.userId, 'hi').replyToken
    const body = { replyToken, messages: [text('r')] }
    const first = await api.post('/v2/bot/message/reply', body)
    expect(first.status).toBe(500)
    expect(line.received(user.userId)).toMatchObject([{ via: 'reply', replyToken }])
    line.clearFaults()
    expect(await api.post('/v2/bot/message/reply', body)).toMatchObject({
      status: 400,
      body: { message: 'Invalid reply token' },
    })
    expect(line.received(user.userId)).toHaveLength(1)
  })

  it('refuses a call before processing (default phase): the reply token stays good', async () => {
    const { line, api, user } = await start()
    line.inject({ path: '/v2/bot/message/reply', kind: 'status', status: 500, count: 1 })
    const replyToken = line.buildEvent.text(user.userId, 'hi').replyToken
    const body = { replyToken, messages: [text('r')] }
    expect((await api.post('/v2/bot/message/reply', body)).status).toBe(500)
    expect(line.received(user.userId)).toEqual([])
    expect((await api.post('/v2/bot/message/reply', body)).status).toBe(200)
    expect(line.received(user.userId)).toHaveLength(1)
  })

  it('processes a push and then drops the connection (phase after): a retry is a 409', async () => {
    const { line, api, user } = await start()
    line.inject({ path: /\/push$/, kind: 'drop', phase: 'after', count: 1 })
    const key = randomUUID()
    const body = { to: user.userId, messages: [text('x')] }
    await expect(
      api.post('/v2/bot/message/push', body, { 'X-Line-Retry-Key': key }),
    ).rejects.toThrow()
    expect(line.received(user.userId)).toHaveLength(1)
    expect((await api.post('/v2/bot/message/push', body, { 'X-Line-Retry-Key': key })).status).toBe(
      409,
    )
    expect(line.received(user.userId)).toHaveLength(1)
  })

  it('delays every call by a time in the base latency range', async () => {
    const { line, api } = await start({ latency: { minMs: 60, maxMs: 90, seed: 1 } })
    for (let i = 0; i < 3; i++) {
      const started = performance.now()
      expect((await api.get('/v2/bot/info')).status).toBe(200)
      expect(performance.now() - started).toBeGreaterThanOrEqual(55)
    }
    line.setLatency(undefined)
    const started = performance.now()
    await api.get('/v2/bot/info')
    expect(performance.now() - started).toBeLessThan(55)
  })

  it('refuses connections while unreachable and answers again on the same port', async () => {
    const { line, api } = await start()
    expect((await api.get('/v2/bot/info')).status).toBe(200)
    await line.setReachable(false)
    const refused = await api.get('/v2/bot/info').catch((error: unknown) => error)
    expect(refused).toBeInstanceOf(Error)
    expect(String((refused as Error & { cause?: { code?: string } }).cause?.code)).toBe(
      'ECONNREFUSED',
    )
    await line.setReachable(true)
    expect((await api.get('/v2/bot/info')).status).toBe(200)
  })

  it('processes a call at once and answers late (latency phase after)', async () => {
    const { line, api, user } = await start()
    line.inject({ path: '/v2/bot/message/reply', kind: 'latency', ms: 200, phase: 'after' })
    const replyToken = line.buildEvent.text(user.userId, 'hi').replyToken
    const answered = api.post('/v2/bot/message/reply', { replyToken, messages: [text('r')] })
    await new Promise((r) => setTimeout(r, 100))
    expect(line.received(user.userId)).toHaveLength(1)
    expect((await answered).status).toBe(200)
  })
})
