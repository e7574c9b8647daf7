import Sqlite from 'better-sqlite3'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startLineStandIn, type LineStandIn } from '../../server/src/sandbox/line-stand-in/index.ts'
import { eventually } from '../support/joren-node.ts'
import { spawnJoren } from '../support/joren-process.ts'

let standIn: LineStandIn
let dir: string

beforeAll(async () => {
  standIn = await startLineStandIn({ rateLimits: false })
  dir = mkdtempSync(join(tmpdir(), 'joren-crash-'))
})
afterAll(async () => {
  await standIn.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('processing after a crash', () => {
  it('resumes pending events after kill -9 and processes each exactly once', async () => {
    const env = {
      DATABASE_PATH: join(dir, 'joren.db'),
      PORT: '0',
      LINE_CHANNEL_SECRET: standIn.channelSecret,
      LINE_CHANNEL_ACCESS_TOKEN: standIn.channelAccessToken,
      LINE_API_BASE_URL: standIn.url,
      LINE_DATA_API_BASE_URL: standIn.url,
    }
    const users = Array.from({ length: 8 }, (_, i) => standIn.createUser({ displayName: `客${i}` }))
    // Profile look-ups are slow, so the kill lands while events are mid-way through processing.
    standIn.inject({ path: /^\/v2\/bot\/profile\//, kind: 'latency', ms: 250 })

    const first = await spawnJoren(env)
    standIn.setWebhookUrl(`${first.url}/webhook`)
    for (const user of users) expect((await standIn.follow(user.userId)).status).toBe(200)

    const db = new Sqlite(env.DATABASE_PATH, { readonly: true })
    const members = () => (db.prepare('select count(*) as n from members').get() as { n: number }).n
    await eventually(() => expect(members()).toBeGreaterThanOrEqual(2), 10_000)
    first.child.kill('SIGKILL')
    await first.exited
    const pendingAtKill = db
      .prepare("select count(*) as n from webhook_events where status != 'done'")
      .get() as { n: number }
    expect(pendingAtKill.n).toBeGreaterThan(0)

    standIn.clearFaults()
    const second = await spawnJoren(env)
    try {
      await eventually(() => {
        expect(
          db.prepare("select count(*) as n from webhook_events where status = 'done'").get(),
        ).toEqual({ n: 8 })
        for (const user of users) expect(standIn.received(user.userId)).toHaveLength(2)
      }, 15_000)
      expect(members()).toBe(8)
      await new Promise((r) => setTimeout(r, 300))
      for (const user of users) expect(standIn.received(user.userId)).toHaveLength(2)
      const retried = db.prepare('select max(attempts) as n from webhook_events').get() as {
        n: number
      }
      expect(retried.n).toBe(2)
    } finally {
      db.close()
      second.child.kill('SIGTERM')
      expect(await second.exited).toBe(0)
    }
    // Two process starts plus waits of up to 10 s and 15 s: more than the default 20 s on a busy
    // machine, though each wait bounds itself.
  }, 60_000)
})
