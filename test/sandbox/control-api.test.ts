import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rawRequest } from '../support/raw-http.ts'
import { startLineStandIn } from '../../server/src/sandbox/line-stand-in/index.ts'
import { lineApi, startReceiver, text } from './stand-in-support.ts'
import type { LineStandIn } from '../../server/src/sandbox/line-stand-in/types.ts'

let line: LineStandIn
let receiver: Awaited<ReturnType<typeof startReceiver>>

beforeAll(async () => {
  receiver = await startReceiver()
  line = await startLineStandIn({ webhookUrl: receiver.url })
})
afterAll(async () => {
  await line.close()
  await receiver.close()
})

async function control(method: string, path: string, body?: unknown) {
  const res = await fetch(`${line.url}/_stand-in${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: res.status, body: (await res.json()) as Record<string, unknown> & unknown[] }
}

describe('control API', () => {
  it('drives users, webhooks, messages, tokens, faults and reset over HTTP', async () => {
    const created = await control('POST', '/users', { displayName: 'Sora', language: 'ja' })
    expect(created.status).toBe(201)
    const userId = created.body.userId as string
    expect(userId).toMatch(/^U[0-9a-f]{32}$/)
    expect((await control('GET', '/users')).body).toEqual([
      expect.objectContaining({ userId, friend: false }),
    ])

    const followed = await control('POST', `/users/${userId}/follow`)
    expect(followed).toMatchObject({
      status: 200,
      body: { status: 200, events: [{ type: 'follow' }] },
    })
    expect((await control('POST', `/users/${userId}/text`, { text: 'hello' })).body).toMatchObject({
      events: [{ message: { text: 'hello' } }],
    })
    expect(
      (await control('POST', `/users/${userId}/postback`, { data: 'x=1' })).body,
    ).toMatchObject({
      events: [{ postback: { data: 'x=1' } }],
    })
    expect((await control('POST', `/users/${userId}/text`, {})).status).toBe(400)
    expect(receiver.captured).toHaveLength(3)

    const api = lineApi(line)
    expect(
      (await api.post('/v2/bot/message/push', { to: userId, messages: [text('pushed')] })).status,
    ).toBe(200)
    expect((await control('GET', `/users/${userId}/messages`)).body).toEqual([
      expect.objectContaining({ via: 'push', message: text('pushed') }),
    ])

    const { idToken } = (await control('POST', `/users/${userId}/id-token`, { aud: 'abc' })).body
    const payload = JSON.parse(
      Buffer.from(String(idToken).split('.')[1] ?? '', 'base64url').toString(),
    )
    expect(payload).toMatchObject({ sub: userId, aud: 'abc', name: 'Sora' })

    const fault = await control('POST', '/faults', {
      pathPattern: '^/v2/bot/message/',
      kind: 'status',
      status: 503,
      count: 1,
    })
    expect(fault.status).toBe(201)
    expect(
      (await api.post('/v2/bot/message/push', { to: userId, messages: [text('x')] })).status,
    ).toBe(503)
    await control('POST', '/faults', { kind: 'status', status: 500 })
    expect((await control('DELETE', '/faults')).status).toBe(200)

    const requests = (await control('GET', '/requests')).body
    expect(requests.map((r) => (r as { status: number }).status)).toEqual([200, 503])
    await control('POST', '/reset')
    expect((await control('GET', `/users/${userId}/messages`)).body).toEqual([])
    expect((await control('GET', '/requests')).body).toEqual([])
    expect((await control('GET', '/info')).body).toMatchObject({
      url: line.url,
      channelSecret: line.channelSecret,
    })
  })

  it("records what a user sent, with a postback's display text, but not forgeries or redeliveries", async () => {
    const { userId } = line.createUser({ displayName: 'Mio' })
    await control('POST', `/users/${userId}/follow`)
    await control('POST', `/users/${userId}/text`, { text: 'ポイント' })
    await control('POST', `/users/${userId}/postback`, {
      data: 'action=help',
      displayText: 'ヘルプ',
    })
    const forged = line.buildEvent.text(userId, 'forged')
    await line.deliver([forged], { signature: 'bad' })
    const genuine = line.buildEvent.text(userId, 'again')
    await line.deliver([genuine])
    await line.deliver([genuine], { redelivery: true })

    const sent = (await control('GET', `/users/${userId}/sent`)).body as unknown as {
      event: { type: string; message?: { text: string } }
      displayText?: string
    }[]
    expect(sent.map((s) => s.event.type)).toEqual(['follow', 'message', 'postback', 'message'])
    expect(sent[1]?.event.message?.text).toBe('ポイント')
    expect(sent[2]?.displayText).toBe('ヘルプ')
    expect(sent[3]?.event.message?.text).toBe('again')
    line.reset()
    expect(line.sent(userId)).toEqual([])
  })

  it('grants no cross-origin access, refuses non-loopback hosts and proxies, and 404s unknown routes', async () => {
    const preflight = await fetch(`${line.url}/_stand-in/users`, { method: 'OPTIONS' })
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull()
    const { port } = new URL(line.url)
    const user = line.createUser({})
    const refused: Record<string, string>[] = [
      { host: `evil.example:${port}` },
      { host: `localhost:${Number(port) + 1}` },
      { 'x-forwarded-for': '203.0.113.7' },
      { forwarded: 'for=203.0.113.7' },
    ]
    for (const headers of refused) {
      const res = await rawRequest(line.url, `/_stand-in/users/${user.userId}/id-token`, headers)
      expect(res.status).toBe(403)
      expect(res.body).not.toContain('idToken')
    }
    const ok = await rawRequest(line.url, `/_stand-in/users/${user.userId}/id-token`, {
      host: `localhost:${port}`,
    })
    expect(ok.status).toBe(200)
    expect(JSON.parse(ok.body)).toEqual({ idToken: expect.any(String) })
    expect((await control('GET', '/nothing')).status).toBe(404)
  })
})
