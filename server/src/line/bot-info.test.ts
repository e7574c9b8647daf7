import { describe, expect, it } from 'vitest'
import { createBotInfo } from './bot-info.ts'

function fakeLine(responses: (() => Response)[]) {
  const calls: string[] = []
  const fetch = (async (url: string, init?: RequestInit) => {
    calls.push(`${url} ${new Headers(init?.headers).get('authorization')}`)
    const next = responses.shift()
    if (!next) throw new Error('no more responses')
    return next()
  }) as unknown as typeof globalThis.fetch
  return { fetch, calls }
}

describe('bot info', () => {
  it('builds the add-friend URL from the basic ID, once', async () => {
    let now = 0
    const line = fakeLine([() => Response.json({ basicId: '@123abcde' })])
    const info = createBotInfo({
      apiBaseUrl: 'https://api.line.test/',
      channelAccessToken: 'token',
      clock: { now: () => now },
      fetch: line.fetch,
    })
    const urls = await Promise.all([info.addFriendUrl(), info.addFriendUrl()])
    now += 60_000
    urls.push(await info.addFriendUrl())
    expect(urls).toEqual(Array(3).fill('https://line.me/R/ti/p/@123abcde'))
    expect(line.calls).toEqual(['https://api.line.test/v2/bot/info Bearer token'])
  })

  it('answers null when LINE fails, asks again only after a pause, and keeps a known URL', async () => {
    let now = 0
    const line = fakeLine([
      () => new Response('oops', { status: 500 }),
      () => Response.json({ basicId: '@shop' }),
      () => new Response('oops', { status: 500 }),
    ])
    const info = createBotInfo({
      apiBaseUrl: 'https://api.line.test',
      channelAccessToken: 't',
      clock: { now: () => now },
      fetch: line.fetch,
      ttlMs: 1_000_000,
    })
    expect(await info.addFriendUrl()).toBeNull()
    expect(await info.addFriendUrl()).toBeNull()
    expect(line.calls).toHaveLength(1)
    now += 60_000
    expect(await info.addFriendUrl()).toBe('https://line.me/R/ti/p/@shop')
    now += 1_000_001
    expect(await info.addFriendUrl()).toBe('https://line.me/R/ti/p/@shop')
    expect(line.calls).toHaveLength(3)
  })
})
