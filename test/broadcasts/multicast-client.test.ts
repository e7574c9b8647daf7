import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { SendFailure } from '../../server/src/domain/messaging/messenger.ts'
import { silentLogger, webIds } from '../../server/src/domain/ports.ts'
import { createLineMessagingClient } from '../../server/src/line/messaging-client.ts'
import type { PacedEndpoint, Pacer } from '../../server/src/line/rate-limiter.ts'
import { startLineStandIn, type LineStandIn } from '../../server/src/sandbox/line-stand-in/index.ts'

let line: LineStandIn
beforeAll(async () => {
  line = await startLineStandIn({ rateLimits: false, monthlyQuota: 3 })
})
afterAll(async () => {
  await line.close()
})
beforeEach(() => line.reset())

function client(pacer?: Pacer) {
  return createLineMessagingClient({
    apiBaseUrl: line.url,
    channelAccessToken: line.channelAccessToken,
    ids: webIds,
    logger: silentLogger,
    retryBaseMs: 5,
    pacer,
  })
}

describe('multicast', () => {
  it('retries a 500 with the same key; a resend of that key is 409 → already accepted', async () => {
    const users = [line.createUser({ friend: true }), line.createUser({ friend: true })]
    const to = users.map((u) => u.userId)
    line.inject({ kind: 'status', status: 500, count: 1, path: '/v2/bot/message/multicast' })
    const key = webIds.uuid()
    await client().multicast(to, [{ type: 'text', text: 'やあ' }], key)
    const again = await client()
      .multicast(to, [{ type: 'text', text: 'やあ' }], key)
      .catch((e: unknown) => e)
    expect(again).toBeInstanceOf(SendFailure)
    expect((again as SendFailure).kind).toBe('already_accepted')
    for (const u of users) expect(line.received(u.userId)).toHaveLength(1)
    const keys = line
      .requests()
      .filter((r) => r.path === '/v2/bot/message/multicast')
      .map((r) => r.headers['x-line-retry-key'])
    expect(new Set(keys)).toEqual(new Set([key]))
  })

  it('slows the shared pacer on a rate-limit 429 and never retries the monthly limit', async () => {
    const slowed: PacedEndpoint[] = []
    const pacer: Pacer = { take: () => Promise.resolve(), slowDown: (e) => slowed.push(e) }
    const to = Array.from({ length: 4 }, () => line.createUser({ friend: true }).userId)
    line.inject({ kind: 'status', status: 429, count: 1, path: '/v2/bot/message/multicast' })
    const failure = await client(pacer)
      .multicast(to, [{ type: 'text', text: 'x' }], webIds.uuid())
      .catch((e: unknown) => e)
    expect(slowed).toEqual(['multicast'])
    expect((failure as SendFailure).kind).toBe('monthly_limit')
    expect(line.requests().filter((r) => r.path === '/v2/bot/message/multicast')).toHaveLength(2)
  })

  it('refuses more than 500 recipients before calling LINE', async () => {
    const to = Array.from({ length: 501 }, (_, i) => `U${i.toString(16).padStart(32, '0')}`)
    await expect(
      client().multicast(to, [{ type: 'text', text: 'x' }], webIds.uuid()),
    ).rejects.toThrow(/1 to 500/)
  })
})
