import { createHmac } from 'node:crypto'
import { request } from 'node:http'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startLineStandIn, type LineStandIn } from '../../server/src/sandbox/line-stand-in/index.ts'
import { startJoren, type JorenUnderTest } from '../support/joren-node.ts'
import { postWebhook } from '../support/webhook-client.ts'

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
  joren = await startJoren(standIn, { process: false })
})
afterEach(async () => {
  await joren.close()
})

const count = (table: string) =>
  joren.rows<{ n: number }>(`select count(*) as n from ${table}`)[0]?.n

/** A POST whose body is streamed in chunks without a Content-Length (chunked encoding). */
function postChunked(url: string, chunks: Buffer[], signature: string) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-line-signature': signature },
      },
      (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => (body += chunk))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
      },
    )
    // The server may answer and close before the whole body is written.
    req.on('error', reject)
    const write = (i: number) => {
      if (i === chunks.length) return req.end()
      req.write(chunks[i], () => setImmediate(() => write(i + 1)))
    }
    write(0)
  })
}

describe('POST /webhook on the Node fast path', () => {
  it('refuses a streamed body that grows past the limit with the same 413 JSON and stores nothing', async () => {
    const chunk = Buffer.alloc(256 * 1024, 'x')
    const res = await postChunked(
      `${joren.server.url}/webhook`,
      [chunk, chunk, chunk, chunk, chunk],
      'A'.repeat(43) + '=',
    )
    expect(res.status).toBe(413)
    expect(JSON.parse(res.body)).toMatchObject({
      error: { code: 'payload_too_large', limitBytes: 1048576 },
    })
    expect(count('webhook_events')).toBe(0)
  })

  it('accepts a signed body sent in chunks, and answers other routes through Hono', async () => {
    const user = standIn.createUser({})
    const body = JSON.stringify({
      destination: 'U' + '0'.repeat(32),
      events: [standIn.buildEvent.text(user.userId, 'hello')],
    })
    const signature = createHmac('sha256', standIn.channelSecret).update(body).digest('base64')
    const bytes = Buffer.from(body)
    const res = await postChunked(
      `${joren.server.url}/webhook?via=chunks`,
      [bytes.subarray(0, 100), bytes.subarray(100)],
      signature,
    )
    expect(res).toEqual({ status: 200, body: '{}' })
    expect(count('webhook_events')).toBe(1)
    const health = await fetch(`${joren.server.url}/healthz`)
    expect(health.status).toBe(200)
    const notFound = await fetch(`${joren.server.url}/webhook`, { method: 'GET' })
    expect(notFound.status).toBe(404)
  })

  it('answers a bad signature with the same JSON as the Hono route, and parks a signed non-JSON body', async () => {
    const unsigned = await postWebhook(`${joren.server.url}/webhook`, '{}', 'none')
    expect(unsigned.status).toBe(401)
    expect(await unsigned.json()).toEqual({
      error: {
        code: 'invalid_signature',
        message: 'x-line-signature is missing or does not match the request body',
      },
    })
    const notJson = await postWebhook(`${joren.server.url}/webhook`, 'nope', {
      secret: standIn.channelSecret,
    })
    expect(notJson.status).toBe(200)
    expect(await notJson.json()).toEqual({})
    expect(joren.rows('select type, status, payload, last_error from webhook_events')).toEqual([
      {
        type: '',
        status: 'parked',
        payload: 'nope',
        last_error: '署名は正しいものの、本文が JSON として読めません',
      },
    ])
  })

  it('stores 200 concurrent deliveries (with replays among them) each exactly once', async () => {
    const users = Array.from({ length: 20 }, () => standIn.createUser({}))
    const events = Array.from({ length: 150 }, (_, i) =>
      standIn.buildEvent.text(users[i % users.length]!.userId, `m${i}`),
    )
    const deliveries = [...events, ...events.slice(0, 50)]
    const results = await Promise.all(deliveries.map((event) => standIn.deliver([event])))
    expect(results.every((r) => r.status === 200)).toBe(true)
    expect(count('webhook_events')).toBe(150)
    const ids = joren.rows<{ event_id: string }>('select event_id from webhook_events')
    expect(new Set(ids.map((r) => r.event_id))).toEqual(
      new Set(events.map((e) => e.webhookEventId)),
    )
  })
})
