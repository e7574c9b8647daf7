import Sqlite from 'better-sqlite3'
import { execFile } from 'node:child_process'
import { createHash, generateKeyPairSync } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { Redactor } from '../../server/src/domain/ops/redaction.ts'
import { createConsoleLogger } from '../../server/src/entry/console-logger.ts'
import { refreshMarginMs } from '../../server/src/line/channel-token.ts'
import { TestClock } from '../auth/world.ts'
import { startLineStandIn, type LineStandIn } from '../../server/src/sandbox/line-stand-in/index.ts'
import { lineApi } from '../sandbox/stand-in-support.ts'
import { eventually, startJoren, type JorenUnderTest } from '../support/joren-node.ts'

const run = promisify(execFile)
const REPO = resolve(import.meta.dirname, '../..')
const TSX = join(REPO, 'node_modules/.bin/tsx')

let standIn: LineStandIn
const clock = new TestClock()
const started: JorenUnderTest[] = []
const dirs: string[] = []

beforeAll(async () => {
  standIn = await startLineStandIn({ rateLimits: false, now: clock.now })
})
afterAll(async () => {
  await standIn.close()
})
afterEach(async () => {
  for (const j of started.splice(0)) await j.close()
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
  standIn.reset()
  clock.offsetMs = 0
})

async function joren(options: Parameters<typeof startJoren>[1] = {}) {
  const j = await startJoren(standIn, { clock, ...options })
  started.push(j)
  return j
}

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'joren-ops-'))
  dirs.push(d)
  return d
}

async function follow(j: JorenUnderTest, name = '会員') {
  const user = standIn.createUser({ displayName: name, language: 'ja' })
  await standIn.follow(user.userId)
  await eventually(() => {
    if (j.rows('select 1 from members where line_user_id = ?', user.userId).length !== 1)
      throw new Error('member not stored yet')
  })
  return user
}

/** Per table: row count and a SHA-256 of every row in rowid order. */
function fingerprint(path: string): Record<string, { rows: number; sha256: string }> {
  const db = new Sqlite(path, { readonly: true })
  try {
    const tables = db
      .prepare(
        `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`,
      )
      .all() as { name: string }[]
    const out: Record<string, { rows: number; sha256: string }> = {}
    for (const { name } of tables) {
      const rows = db.prepare(`SELECT * FROM "${name}" ORDER BY rowid`).raw().all()
      const hash = createHash('sha256')
      for (const row of rows)
        hash.update(
          JSON.stringify(row, (_k, v: unknown) => (Buffer.isBuffer(v) ? v.toString('hex') : v)),
        )
      out[name] = { rows: rows.length, sha256: hash.digest('hex') }
    }
    return out
  } finally {
    db.close()
  }
}

/** The fingerprint once background work (replies, cursors) has stopped changing the database. */
async function settled(path: string) {
  let previous = fingerprint(path)
  for (let i = 0; i < 50; i++) {
    await new Promise((r) => setTimeout(r, 200))
    const next = fingerprint(path)
    if (JSON.stringify(next) === JSON.stringify(previous)) return next
    previous = next
  }
  throw new Error('the database never settled')
}

describe('/healthz and /readyz', () => {
  it('are ready with every migration applied, and /readyz answers 503 when one is behind', async () => {
    const j = await joren()
    const health = await fetch(`${j.server.url}/healthz`)
    expect(health.status).toBe(200)
    const ready = await fetch(`${j.server.url}/readyz`)
    expect(ready.status).toBe(200)
    const body = (await ready.json()) as {
      ready: boolean
      migrations: { shipped: number; applied: number }
    }
    expect(body.ready).toBe(true)
    expect(body.migrations.applied).toBe(body.migrations.shipped)
    expect(ready.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)

    // The database as an older release left it: the newest migration not recorded.
    j.server.database.sqlite
      .prepare(
        'delete from __drizzle_migrations where created_at = (select max(created_at) from __drizzle_migrations)',
      )
      .run()
    const behind = await fetch(`${j.server.url}/readyz`)
    expect(behind.status).toBe(503)
    const why = (await behind.json()) as {
      ready: boolean
      migrations: { missing: string[] }
      reason: string
    }
    expect(why.ready).toBe(false)
    expect(why.migrations.missing).toHaveLength(1)
    expect(why.reason).toContain('マイグレーション')
    // The process is still up.
    expect((await fetch(`${j.server.url}/healthz`)).status).toBe(200)
  })
})

describe('backup and restore', () => {
  it('backs up the live database (its WAL included) and restores it with identical rows', async () => {
    const dir = tempDir()
    const first = await joren({ dir })
    for (let i = 0; i < 5; i++) await follow(first, `会員${i}`)
    await settled(first.dbPath)
    await first.close()
    started.splice(started.indexOf(first), 1)
    // Running again, without its background loops (whose leases tick on their own), and with
    // fresh writes still in the WAL (no checkpoint yet).
    const j = await joren({ dir, process: false })
    j.server.database.sqlite.exec('update members set updated_at = updated_at + 1')
    const live = fingerprint(j.dbPath)
    expect(live.members?.rows).toBe(5)

    // While the server runs: the CLI takes a consistent copy.
    const backups = join(dir, 'backups')
    const out = await run(TSX, ['server/src/entry/backup.ts', backups], {
      cwd: REPO,
      env: { ...process.env, DATABASE_PATH: j.dbPath },
    })
    expect(out.stdout).toMatch(/Backed up .* to .*joren-\d{8}T\d{6}Z\.db/)
    const files = readdirSync(backups)
    expect(files).toHaveLength(1)
    const backupFile = join(backups, files[0] ?? '')
    expect(fingerprint(j.dbPath)).toEqual(live) // nothing moved meanwhile
    expect(fingerprint(backupFile)).toEqual(live)

    // More happens after the backup; the restore brings the database back to the backup.
    j.server.database.sqlite.exec('update members set updated_at = 0')
    await j.close()
    started.splice(started.indexOf(j), 1)
    const restored = await run(TSX, ['server/src/entry/restore.ts', backupFile], {
      cwd: REPO,
      env: { ...process.env, DATABASE_PATH: j.dbPath },
    })
    expect(restored.stdout).toContain('previous database is kept')
    expect(fingerprint(j.dbPath)).toEqual(live)
    const kept = readdirSync(dir).filter((f) => f.includes('before-restore'))
    expect(kept).toHaveLength(1)
    expect(fingerprint(join(dir, kept[0] ?? '')).members?.sha256).not.toBe(live.members?.sha256)

    // The server starts on the restored file and finds the members.
    const again = await joren({ dir, process: false })
    expect(again.rows('select count(*) as n from members')).toEqual([{ n: 5 }])
  }, 120_000)

  it('refuses to restore a file that is not a Joren database', async () => {
    const dir = tempDir()
    const bogus = join(dir, 'bogus.db')
    new Sqlite(bogus).exec('create table t (x)').close()
    await expect(
      run(TSX, ['server/src/entry/restore.ts', bogus], {
        cwd: REPO,
        env: { ...process.env, DATABASE_PATH: join(dir, 'joren.db') },
      }),
    ).rejects.toMatchObject({ stderr: expect.stringContaining('not a Joren database') })
    expect(existsSync(join(dir, 'joren.db'))).toBe(false)
  }, 60_000)

  it('takes the scheduled backup once a day and keeps BACKUP_KEEP of them', async () => {
    const dir = tempDir()
    const backups = join(dir, 'daily')
    const j = await joren({ dir, env: { BACKUP_DIR: backups, BACKUP_KEEP: '2' } })
    await follow(j)
    const first = await j.server.backupNow()
    expect(first).not.toBeNull()
    expect(await j.server.backupNow()).toBeNull() // not a day old yet
    for (let day = 1; day <= 3; day++) {
      clock.advance(24 * 60 * 60 * 1000 + 1000)
      expect(await j.server.backupNow()).not.toBeNull()
    }
    const kept = readdirSync(backups).sort()
    expect(kept).toHaveLength(2)
    expect(kept).not.toContain(first?.split('/').at(-1))
    expect(fingerprint(join(backups, kept[1] ?? '')).members?.rows).toBe(1)
  })
})

describe('structured logs', () => {
  it('are JSON lines with request IDs and LINE request IDs, and hold no token, secret, ID token or user ID', async () => {
    const lines: string[] = []
    const redactor = new Redactor()
    redactor.add(standIn.channelSecret)
    redactor.add(standIn.channelAccessToken)
    const logger = createConsoleLogger('info', { redactor, write: (l) => lines.push(l) })
    const j = await joren({ logger, secrets: redactor })
    const user = await follow(j, '山田 花子')
    await standIn.sendText(user.userId, 'こんにちは')
    await eventually(() => {
      if (standIn.received(user.userId).length < 2) throw new Error('no answer yet')
    })
    const idToken = standIn.issueIdToken(user.userId)
    const me = await fetch(`${j.server.url}/api/liff/me`, {
      headers: { authorization: `Bearer ${idToken}` },
    })
    expect(me.status).toBe(200)
    // A forged token and a bad webhook signature: the failure paths log too.
    await fetch(`${j.server.url}/api/liff/me`, { headers: { authorization: `Bearer ${idToken}x` } })
    await fetch(`${j.server.url}/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-line-signature': 'AAAA' },
      body: JSON.stringify({ destination: standIn.botUserId, events: [] }),
    })

    const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(entries.length).toBeGreaterThan(3)
    for (const e of entries) {
      expect(typeof e.time).toBe('string')
      expect(['info', 'warn', 'error']).toContain(e.level)
    }
    const requests = entries.filter((e) => e.msg === 'request')
    expect(requests.some((e) => e.path === '/api/liff/me' && e.status === 200)).toBe(true)
    expect(requests.some((e) => e.path === '/webhook' && e.status === 401)).toBe(true)
    for (const e of requests) expect(e.requestId).toMatch(/^[0-9a-f-]{36}$/)
    // Every LINE call is logged with the x-line-request-id LINE answered.
    const lineCalls = await eventually(() => {
      const logged = lines
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .filter((e) => e.msg === 'LINE call')
      expect(logged.length).toBe(standIn.requests().filter((r) => r.path.startsWith('/v2/')).length)
      return logged
    })
    const answered = standIn.requests().filter((r) => r.path.startsWith('/v2/'))
    for (const r of answered)
      expect(lineCalls.some((e) => e.lineRequestId === r.requestId)).toBe(true)

    const text = lines.join('')
    for (const secret of [standIn.channelAccessToken, standIn.channelSecret, idToken, user.userId])
      expect(text).not.toContain(secret)
    expect(text).not.toContain('山田')
  })

  it('cuts secrets, JWTs, LINE user IDs and personal fields whatever a caller passes', () => {
    const lines: string[] = []
    const redactor = new Redactor()
    redactor.add('s3cr3t-channel-value')
    const logger = createConsoleLogger('info', { redactor, write: (l) => lines.push(l) })
    const jwt = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJVMTIzIn0.c2lnbmF0dXJl'
    logger.error(`failed for U${'a'.repeat(32)} with s3cr3t-channel-value`, {
      accessToken: 'abc',
      nested: { header: `Bearer zzz`, note: jwt },
      displayName: '山田',
      error: new Error(`token ${jwt}`),
    })
    const text = lines.join('')
    expect(text).not.toContain('s3cr3t-channel-value')
    expect(text).not.toContain('a'.repeat(32))
    expect(text).not.toContain(jwt)
    expect(text).not.toContain('zzz')
    expect(text).not.toContain('山田')
    expect(JSON.parse(text)).toMatchObject({
      level: 'error',
      accessToken: '[secret]',
      displayName: '[personal]',
    })
  })
})

describe('short-lived channel access tokens', () => {
  function keyPair() {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const kid = standIn.registerAssertionKey(publicKey.export({ format: 'jwk' }))
    return {
      kid,
      privateJwk: JSON.stringify({ ...privateKey.export({ format: 'jwk' }), alg: 'RS256' }),
    }
  }

  function assertionsSent(path: string) {
    return standIn
      .requests()
      .filter((r) => r.path === path)
      .map((r) => {
        const form = r.body as Record<string, string> | null
        const [header, claims] = (form?.client_assertion ?? '')
          .split('.')
          .slice(0, 2)
          .map(
            (p) =>
              JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>,
          )
        return { header, claims, status: r.status }
      })
  }

  it('v2.1: issues one with a signed JWT assertion, uses it, and refreshes it before it expires', async () => {
    const { kid, privateJwk } = keyPair()
    const lifetime = 3600
    const j = await joren({
      env: {
        LINE_CHANNEL_ACCESS_TOKEN: '',
        LINE_CHANNEL_TOKEN_KIND: 'v2.1',
        LINE_CHANNEL_ID: standIn.channelId,
        LINE_CHANNEL_KEY_ID: kid,
        LINE_CHANNEL_PRIVATE_KEY: privateJwk,
        LINE_TOKEN_LIFETIME_SECONDS: String(lifetime),
      },
    })
    const first = await follow(j)
    await eventually(() => {
      if (standIn.received(first.userId).length === 0) throw new Error('no welcome yet')
    })
    const sent = assertionsSent('/oauth2/v2.1/token')
    expect(sent).toHaveLength(1)
    expect(sent[0]).toMatchObject({
      status: 200,
      header: { alg: 'RS256', kid },
      claims: {
        iss: standIn.channelId,
        sub: standIn.channelId,
        aud: 'https://api.line.me/',
        token_exp: lifetime,
      },
    })
    const [token1] = standIn.issuedTokens()
    expect(token1?.kind).toBe('v2.1')
    // The welcome went out with the issued token (the stand-in accepts only its own tokens).
    const welcome = standIn.requests().find((r) => r.path === '/v2/bot/message/reply')
    expect(welcome?.headers.authorization).toBe(`Bearer ${token1?.token}`)
    expect(welcome?.status).toBe(200)

    // Still well before the refresh point: the same token.
    clock.advance((lifetime * 1000 - refreshMarginMs(lifetime * 1000)) / 2)
    await follow(j, '二人目')
    expect(standIn.issuedTokens()).toHaveLength(1)

    // Past the refresh point, before expiry: a new token is issued and used.
    clock.advance((lifetime * 1000 - refreshMarginMs(lifetime * 1000)) / 2 + 1000)
    const third = await follow(j, '三人目')
    await eventually(() => {
      if (standIn.received(third.userId).length === 0) throw new Error('no welcome yet')
    })
    const tokens = standIn.issuedTokens()
    expect(tokens).toHaveLength(2)
    const lastReply = standIn
      .requests()
      .filter((r) => r.path === '/v2/bot/message/reply')
      .at(-1)
    expect(lastReply?.headers.authorization).toBe(`Bearer ${tokens[1]?.token}`)
    expect(lastReply?.status).toBe(200)
    // The first one would have stopped working at its expiry.
    expect(token1!.expiresAt).toBeGreaterThan(clock.now())
    clock.advance(token1!.expiresAt - clock.now() + 1)
    expect((await lineApi(standIn, token1?.token).get('/v2/bot/info')).status).toBe(401)
    expect((await lineApi(standIn, tokens[1]?.token).get('/v2/bot/info')).status).toBe(200)
  })

  it('stateless: 15-minute tokens from the channel ID and secret, refreshed before they expire', async () => {
    const j = await joren({
      env: {
        LINE_CHANNEL_ACCESS_TOKEN: '',
        LINE_CHANNEL_TOKEN_KIND: 'stateless',
        LINE_CHANNEL_ID: standIn.channelId,
      },
    })
    await follow(j)
    expect(standIn.issuedTokens().map((t) => t.kind)).toEqual(['stateless'])
    clock.advance(13 * 60 * 1000) // past 12 minutes: refreshed, though still valid for 2
    const second = await follow(j, '二人目')
    await eventually(() => {
      if (standIn.received(second.userId).length === 0) throw new Error('no welcome yet')
    })
    expect(standIn.issuedTokens()).toHaveLength(2)
    const form = standIn.requests().find((r) => r.path === '/oauth2/v3/token')?.body
    expect(form).toMatchObject({ grant_type: 'client_credentials', client_id: standIn.channelId })
  })

  it('a key LINE does not know is refused and nothing is sent', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
    void publicKey
    const j = await joren({
      env: {
        LINE_CHANNEL_ACCESS_TOKEN: '',
        LINE_CHANNEL_TOKEN_KIND: 'v2.1',
        LINE_CHANNEL_ID: standIn.channelId,
        LINE_CHANNEL_KEY_ID: 'unregistered-kid',
        LINE_CHANNEL_PRIVATE_KEY: JSON.stringify(privateKey.export({ format: 'jwk' })),
      },
    })
    const user = standIn.createUser({ displayName: '会員', language: 'ja' })
    await standIn.follow(user.userId)
    await eventually(() => {
      expect(assertionsSent('/oauth2/v2.1/token').some((a) => a.status === 400)).toBe(true)
    })
    expect(standIn.issuedTokens()).toHaveLength(0)
    expect(standIn.received(user.userId)).toHaveLength(0)
    void j
  })
})
