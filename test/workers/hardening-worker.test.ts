import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashCode } from '../../server/src/domain/staff/codes.ts'
import { pageSecurityHeaders } from '../../server/src/middleware/security-headers.ts'
import { ensureAppsBuilt } from '../e2e/sandbox-server.ts'
import { startLineStandIn, type LineStandIn } from '../../server/src/sandbox/line-stand-in/index.ts'
import { postWebhook } from '../support/webhook-client.ts'
import {
  buildWorkerBundle,
  startLocalWorker,
  type LocalWorker,
  type WorkerBundle,
} from './local-worker.ts'

/**
 * The hardening of issue 13 on the Workers entry (workerd via Miniflare, local D1 migrated from
 * server/migrations): real LINE payloads all in one body, parked with their staff alert by the D1
 * trigger; a standby follow; the D1 attempt counters (per `cf-connecting-ip` and global); JSON-only
 * bodies with their limits; and the pages' security headers from the static assets' `_headers`
 * and from the Worker itself (deep links).
 */

const TIMEOUT = 120_000
let bundle: WorkerBundle | undefined
let line: LineStandIn
let worker: LocalWorker

interface Payload {
  event: Record<string, unknown>
  expect: 'stored' | 'parked'
}
const payloads = (
  JSON.parse(readFileSync(new URL('../webhook/line-payloads.json', import.meta.url), 'utf8')) as {
    payloads: Payload[]
  }
).payloads

beforeAll(async () => {
  await ensureAppsBuilt()
  bundle = await buildWorkerBundle()
  line = await startLineStandIn({ rateLimits: false })
  worker = await startLocalWorker({
    bundle,
    vars: {
      LINE_CHANNEL_SECRET: line.channelSecret,
      LINE_CHANNEL_ACCESS_TOKEN: line.channelAccessToken,
      LINE_API_BASE_URL: line.url,
      LINE_DATA_API_BASE_URL: line.url,
      LINE_JWKS_URL: line.jwksUrl,
      LINE_ID_TOKEN_ISSUER: line.issuer,
      LINE_LOGIN_CHANNEL_ID: line.loginChannelId,
    },
  })
  line.setWebhookUrl(`${worker.url}/webhook`)
}, TIMEOUT)

afterAll(async () => {
  await worker?.dispose()
  await line?.close()
  await bundle?.dispose()
})

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 20_000
  for (;;) {
    const value = await read()
    if (done(value)) return value
    if (Date.now() > deadline)
      throw new Error(`timed out; last: ${JSON.stringify(value)}\n${worker.logs()}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

describe('the webhook on Workers + D1', () => {
  it(
    'accepts every SDK fixture event in one body, parking the unknown and legacy ones with an alert',
    async () => {
      const events = payloads.map((p, i) =>
        typeof p.event.webhookEventId === 'string'
          ? { ...p.event, webhookEventId: `${p.event.webhookEventId}-${i}` }
          : p.event,
      )
      const res = await postWebhook(
        `${worker.url}/webhook`,
        JSON.stringify({ destination: 'U' + 'f'.repeat(32), events }),
        { secret: line.channelSecret },
      )
      expect({ status: res.status, logs: res.status === 200 ? '' : worker.logs() }).toEqual({
        status: 200,
        logs: '',
      })
      const rows = await worker.query<{ status: string }>(
        'SELECT status FROM webhook_events ORDER BY rowid',
      )
      expect(rows).toHaveLength(payloads.length)
      expect(rows.filter((r) => r.status === 'parked')).toHaveLength(
        payloads.filter((p) => p.expect === 'parked').length,
      )
      const alerts = await worker.query<{ kind: string; member_id: null }>(
        "SELECT kind, member_id FROM staff_alerts WHERE kind = 'webhook_parked'",
      )
      expect(alerts.length).toBeGreaterThan(0)
      expect(alerts.every((a) => a.member_id === null)).toBe(true)
      // The processor (waitUntil, then the cron) handles the rest; none fails.
      await worker.scheduled()
      await waitFor(
        () =>
          worker.query<{ n: number }>(
            "SELECT count(*) AS n FROM webhook_events WHERE status IN ('pending', 'processing')",
          ),
        (r) => r[0]?.n === 0,
      )
      expect(
        await worker.query("SELECT event_id, status FROM webhook_events WHERE status = 'dead'"),
      ).toEqual([])
    },
    TIMEOUT,
  )

  it(
    'records a follow in standby mode as a member, and never answers it',
    async () => {
      const user = line.createUser({ displayName: '待機', language: 'ja' })
      const { replyToken: _, ...follow } = line.buildEvent.follow(user.userId)
      expect((await line.deliver([{ ...follow, mode: 'standby' } as never])).status).toBe(200)
      const member = await waitFor(
        () =>
          worker.query<{ follow_state: string }>(
            'SELECT follow_state FROM members WHERE line_user_id = ?',
            user.userId,
          ),
        (r) => r.length === 1,
      )
      expect(member).toEqual([{ follow_state: 'following' }])
      expect(
        await worker.query(
          'SELECT status FROM webhook_events WHERE event_id = ?',
          follow.webhookEventId,
        ),
      ).toEqual([{ status: 'done' }])
      expect(
        await worker.query('SELECT 1 FROM outbox WHERE line_user_id = ?', user.userId),
      ).toEqual([])
      expect(line.received(user.userId)).toEqual([])
    },
    TIMEOUT,
  )
})

describe('guarded API routes on Workers + D1', () => {
  it(
    'counts setup-code guesses per cf-connecting-ip in D1: the 11th is 429, another address goes on',
    async () => {
      const code = 'ABCD-EFGH-JKMN'
      await worker.query(
        'INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)',
        'owner_setup',
        JSON.stringify({ codeHash: await hashCode(code), expiresAt: Date.now() + 600_000 }),
        Date.now(),
      )
      const user = line.createUser({ displayName: '総当たり' })
      const claim = (guess: string, ip: string) =>
        fetch(`${worker.url}/api/staff/setup`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${line.issueIdToken(user.userId)}`,
            'content-type': 'application/json',
            'cf-connecting-ip': ip,
          },
          body: JSON.stringify({ code: guess }),
        })
      for (let i = 0; i < 10; i++)
        expect(
          (await claim(`ZZZZ-ZZZZ-ZZ${String(i).padStart(2, '0')}`, '198.51.100.7')).status,
        ).toBe(400)
      const refused = await claim(code, '198.51.100.7')
      expect(refused.status).toBe(429)
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
      expect(await refused.json()).toMatchObject({
        error: {
          code: 'too_many_attempts',
          message: expect.stringContaining('オーナー設定コード'),
        },
      })
      expect(await worker.query("SELECT kind FROM staff_alerts WHERE kind = 'security'")).toEqual([
        { kind: 'security' },
      ])
      expect(
        await worker.query<{ key: string; count: number }>(
          'SELECT key, count FROM rate_limits ORDER BY key',
        ),
      ).toEqual([
        { key: 'owner_setup:all', count: 11 },
        { key: 'owner_setup:ip:198.51.100.7', count: 11 },
      ])
      // Another address is its own client (still under the global limit of 30).
      const other = await claim(code, '198.51.100.8')
      expect(other.status).toBe(201)
    },
    TIMEOUT,
  )

  it(
    'refuses non-JSON bodies with 415 and oversized ones with 413, also streamed',
    async () => {
      for (const contentType of ['text/plain', 'application/x-www-form-urlencoded']) {
        const res = await fetch(`${worker.url}/api/staff/tags`, {
          method: 'POST',
          headers: { 'content-type': contentType },
          body: '{"name":"x"}',
        })
        expect(res.status).toBe(415)
      }
      // Four times the 16 KB limit, refused on its Content-Length. Not megabytes: workerd answers
      // 413 and closes before reading the body, and a client still writing megabytes then gets
      // ECONNRESET instead of the answer (seen once in CI).
      const big = JSON.stringify({ body: 'x'.repeat(64 * 1024) })
      const notes = await fetch(`${worker.url}/api/staff/members/0000000001/notes`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: big,
      })
      expect(notes.status).toBe(413)
      expect(await notes.json()).toMatchObject({ error: { code: 'payload_too_large' } })
      // A chunked body without Content-Length, read by a route that needs no sign-in.
      const chunks = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('{"code":"'))
          for (let i = 0; i < 4; i++) controller.enqueue(new Uint8Array(8 * 1024).fill(65))
          controller.enqueue(new TextEncoder().encode('"}'))
          controller.close()
        },
      })
      const streamed = await fetch(`${worker.url}/api/staff/setup`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${line.issueIdToken(line.createUser().userId)}`,
          'cf-connecting-ip': '198.51.100.9',
        },
        body: chunks,
        duplex: 'half',
      } as RequestInit)
      expect(streamed.status).toBe(413)
    },
    TIMEOUT,
  )
})

describe('page headers on Workers', () => {
  it(
    'sends the apps’ pages with CSP and anti-framing, from the assets and from the Worker',
    async () => {
      for (const [app, path] of [
        ['liff', '/liff/'],
        ['staff', '/staff/'],
        ['liff', '/liff/card'],
        ['staff', '/staff/members/0000000001'],
      ] as const) {
        const res = await fetch(`${worker.url}${path}`)
        expect({ path, status: res.status }).toEqual({ path, status: 200 })
        expect(res.headers.get('content-type')).toMatch(/^text\/html/)
        for (const [name, value] of Object.entries(pageSecurityHeaders(app, true)))
          expect({ path, name, value: res.headers.get(name) }).toEqual({ path, name, value })
        const html = await res.text()
        // The member page comes from the Worker with the public config inlined (member-page.ts).
        if (app === 'liff') {
          const json = /<script type="application\/json" id="joren-config">(.*?)<\/script>/.exec(
            html,
          )
          expect({ path, inlined: !!json }).toEqual({ path, inlined: true })
          expect(JSON.parse(json?.[1] ?? '{}')).toMatchObject({ sandbox: false })
        }
        if (path === '/liff/card') expect(html).toContain('data-shell="card"')
      }
    },
    TIMEOUT,
  )
})
