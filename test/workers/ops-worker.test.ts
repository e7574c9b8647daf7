import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { startLineStandIn } from '../../server/src/sandbox/line-stand-in/index.ts'
import type { LineStandIn } from '../../server/src/sandbox/line-stand-in/types.ts'
import { buildWorkerBundle, startLocalWorker, type WorkerBundle } from './local-worker.ts'

/**
 * Operations on workerd + local D1: /readyz follows `wrangler d1 migrations apply` (the
 * d1_migrations table), stateless channel access tokens are issued and used, and the logs are
 * JSON lines without the channel's secrets.
 */
const TIMEOUT = 90_000
let bundle: WorkerBundle | undefined

beforeAll(async () => {
  bundle = await buildWorkerBundle()
}, TIMEOUT)
afterAll(async () => {
  await bundle?.dispose()
})

async function world(vars: (line: LineStandIn) => Record<string, string>) {
  if (!bundle) throw new Error('the worker bundle was not built')
  const line = await startLineStandIn({ rateLimits: false })
  onTestFinished(() => line.close())
  const worker = await startLocalWorker({
    bundle,
    vars: {
      LINE_CHANNEL_SECRET: line.channelSecret,
      LINE_API_BASE_URL: line.url,
      LINE_DATA_API_BASE_URL: line.url,
      ...vars(line),
    },
  })
  onTestFinished(() => worker.dispose())
  line.setWebhookUrl(`${worker.url}/webhook`)
  return { line, worker }
}

async function until(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

describe('operations on Workers + D1', () => {
  it(
    '/readyz is 200 with every migration applied and 503 when D1 is a migration behind',
    async () => {
      const { line, worker } = await world((l) => ({
        LINE_CHANNEL_ACCESS_TOKEN: l.channelAccessToken,
      }))
      expect((await fetch(`${worker.url}/healthz`)).status).toBe(200)
      const ready = await fetch(`${worker.url}/readyz`)
      expect(ready.status).toBe(200)
      expect(await ready.json()).toMatchObject({ ready: true, database: 'ok' })
      const [last] = await worker.query<{ name: string }>(
        'SELECT name FROM d1_migrations ORDER BY name DESC LIMIT 1',
      )
      await worker.query('DELETE FROM d1_migrations WHERE name = ?', last?.name)
      const behind = await fetch(`${worker.url}/readyz`)
      expect(behind.status).toBe(503)
      expect(await behind.json()).toMatchObject({
        ready: false,
        migrations: { missing: [last?.name.replace(/\.sql$/, '')] },
      })
      expect(worker.logs()).not.toContain(line.channelAccessToken)
    },
    TIMEOUT,
  )

  it(
    'stateless tokens: issued from the channel ID and secret and used for the reply; logs hold no secret',
    async () => {
      const { line, worker } = await world((l) => ({
        LINE_CHANNEL_TOKEN_KIND: 'stateless',
        LINE_CHANNEL_ID: l.channelId,
      }))
      const user = line.createUser({ displayName: '会員', language: 'ja' })
      await line.follow(user.userId)
      await until(() => line.received(user.userId).length > 0, 'the welcome reply')
      const [token] = line.issuedTokens()
      expect(token?.kind).toBe('stateless')
      const reply = line.requests().find((r) => r.path === '/v2/bot/message/reply')
      expect(reply?.headers.authorization).toBe(`Bearer ${token?.token}`)
      const logs = worker.logs()
      for (const secret of [token?.token ?? '-', line.channelSecret, user.userId])
        expect(logs).not.toContain(secret)
      expect(logs).toMatch(/"msg":"LINE call".*"lineRequestId":"[0-9a-f-]{36}"/)
    },
    TIMEOUT,
  )
})
