import type { BroadcastResponse } from '@joren/shared'
import Sqlite from 'better-sqlite3'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startLineStandIn, type LineStandIn } from '../../server/src/sandbox/line-stand-in/index.ts'
import { eventually } from '../support/joren-node.ts'
import { spawnJoren, type JorenProcess } from '../support/joren-process.ts'

let standIn: LineStandIn
let dir: string

beforeAll(async () => {
  standIn = await startLineStandIn({ rateLimits: true, monthlyQuota: 'none' })
  dir = mkdtempSync(join(tmpdir(), 'joren-broadcast-crash-'))
})
afterAll(async () => {
  await standIn.close()
  rmSync(dir, { recursive: true, force: true })
})

async function api<T>(
  joren: JorenProcess,
  token: string,
  method: string,
  path: string,
  body?: unknown,
) {
  const res = await fetch(`${joren.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: res.status, body: (await res.json()) as T }
}

/** The real entry on its own database file, with an owner signed up. */
async function startWithOwner(file: string) {
  const env = {
    DATABASE_PATH: join(dir, file),
    PORT: '0',
    LINE_CHANNEL_SECRET: standIn.channelSecret,
    LINE_CHANNEL_ACCESS_TOKEN: standIn.channelAccessToken,
    LINE_API_BASE_URL: standIn.url,
    LINE_DATA_API_BASE_URL: standIn.url,
    LINE_JWKS_URL: standIn.jwksUrl,
    LINE_ID_TOKEN_ISSUER: standIn.issuer,
    LINE_LOGIN_CHANNEL_ID: standIn.loginChannelId,
  }
  const joren = await spawnJoren(env)
  // Printed just after the URL line.
  const code = await eventually(() => {
    const found = /Owner setup code: (\S+)/.exec(joren.output())?.[1]
    if (!found) throw new Error(`no setup code yet:\n${joren.output()}`)
    return found
  }, 10_000)
  const ownerUser = standIn.createUser({ displayName: '店長' })
  const token = () => standIn.issueIdToken(ownerUser.userId)
  expect((await api(joren, token(), 'POST', '/api/staff/setup', { code })).status).toBe(201)
  // The run uses the real clock at any hour; quiet hours (start = end: none) are not what it tests.
  const policy = { quietStart: '00:00', quietEnd: '00:00', weeklyCap: 2 }
  expect((await api(joren, token(), 'PUT', '/api/staff/journeys/policy', policy)).status).toBe(200)
  return { env, joren, token }
}

describe('a broadcast through faults and two kill -9 restarts', () => {
  it('reaches every recipient exactly once, in chunks of at most 500', async () => {
    const started = await startWithOwner('joren.db')
    const { env, token } = started
    let joren = started.joren

    // 1,000 山田, 1,000 佐藤 (two multicast groups) and 600 with their own names (pushes),
    // 60 blocked and 60 without consent.
    const db = new Sqlite(env.DATABASE_PATH)
    const users: { userId: string; memberId: number; sendable: boolean }[] = []
    const insertMember = db.prepare(
      `insert into members (line_user_id, member_number, display_name, follow_state, follow_state_at,
         first_followed_at, followed_at, created_at, updated_at)
       values (?, ?, ?, ?, 1, 1, 1, 1, 1) returning id`,
    )
    const insertProfile = db.prepare(
      `insert into member_profiles (member_id, interests, marketing_choice, updated_at) values (?, '[]', ?, 1)`,
    )
    db.transaction(() => {
      for (let i = 0; i < 2720; i++) {
        const blocked = i >= 2600 && i < 2660
        const noConsent = i >= 2660
        const name = i < 1000 ? '山田' : i < 2000 ? '佐藤' : `客${i}`
        const user = standIn.createUser({ displayName: name, friend: !blocked })
        const { id } = insertMember.get(
          user.userId,
          String(3_000_000_000 + i),
          name,
          blocked ? 'blocked' : 'following',
        ) as { id: number }
        insertProfile.run(id, noConsent ? 'out' : 'in')
        users.push({ userId: user.userId, memberId: id, sendable: !blocked && !noConsent })
      }
    })()

    // A share of calls fail (500, rate-limit 429, dropped connections); every send is slow, so
    // the kills land with chunks in flight (accepted by LINE, not yet recorded as sent).
    const sends = /^\/v2\/bot\/message\/(push|multicast)$/
    standIn.inject({ path: sends, kind: 'status', status: 500, share: 0.15, seed: 1 })
    standIn.inject({ path: sends, kind: 'status', status: 429, share: 0.1, seed: 2 })
    standIn.inject({ path: sends, kind: 'drop', share: 0.1, seed: 3 })
    standIn.inject({ path: sends, kind: 'latency', ms: 120 })

    const created = await api<BroadcastResponse>(joren, token(), 'POST', '/api/staff/broadcasts', {
      title: '週末セール',
      messages: [{ type: 'text', text: '{name}様、今週末はセールです' }],
      audience: { kind: 'all' },
      holdoutPercent: 10,
    })
    expect(created.status).toBe(201)
    const id = created.body.broadcast.id
    expect((await api(joren, token(), 'POST', `/api/staff/broadcasts/${id}/send`, {})).status).toBe(
      200,
    )

    const sentChunks = () =>
      (
        db
          .prepare(
            `select count(*) as n from broadcast_chunks where broadcast_id = ? and status = 'sent'`,
          )
          .get(id) as { n: number }
      ).n
    const status = () =>
      (db.prepare('select status from broadcasts where id = ?').get(id) as { status: string })
        .status
    // The send returns once the plan is claimed; the chunks exist once it is sending.
    await eventually(() => expect(status()).not.toBe('planning'), 30_000)
    const total = (
      db.prepare('select count(*) as n from broadcast_chunks where broadcast_id = ?').get(id) as {
        n: number
      }
    ).n

    for (const after of [Math.floor(total / 4), Math.floor(total / 2)]) {
      await eventually(() => expect(sentChunks()).toBeGreaterThanOrEqual(after), 30_000)
      expect(status()).toBe('sending')
      joren.child.kill('SIGKILL')
      await joren.exited
      joren = await spawnJoren(env)
    }
    try {
      await eventually(() => expect(status()).toBe('done'), 60_000)
      const holdout = new Set(
        (
          db
            .prepare(
              'select member_id from broadcast_recipients where broadcast_id = ? and holdout = 1',
            )
            .all(id) as { member_id: number }[]
        ).map((r) => r.member_id),
      )
      expect(holdout.size).toBeGreaterThan(100)
      for (const u of users) {
        const got = standIn.received(u.userId)
        if (!u.sendable || holdout.has(u.memberId)) expect(got).toEqual([])
        else expect(got).toHaveLength(1)
      }
      const sizes = db
        .prepare('select kind, recipient_count as n from broadcast_chunks where broadcast_id = ?')
        .all(id) as { kind: string; n: number }[]
      expect(Math.max(...sizes.map((s) => s.n))).toBeLessThanOrEqual(500)
      expect(sizes.filter((s) => s.kind === 'multicast').length).toBeGreaterThanOrEqual(4)
      const requests = standIn.requests().filter((r) => sends.test(r.path))
      expect(requests.some((r) => r.status === 409)).toBe(true)
    } finally {
      db.close()
      standIn.clearFaults()
      joren.child.kill('SIGTERM')
      await joren.exited
    }
  }, 240_000)
})

describe('a broadcast whose process is killed (kill -9) while it is planning', () => {
  it('is planned again after the restart and reaches every recipient exactly once', async () => {
    const started = await startWithOwner('joren-planning.db')
    const { env, token } = started
    let joren = started.joren
    // 60,000 consenting members under three names ({name} → three multicast groups): planning
    // renders every recipient, long enough to be killed in the middle of it.
    const MEMBERS = 60_000
    const names = ['山田', '佐藤', '鈴木']
    const db = new Sqlite(env.DATABASE_PATH)
    const users: { userId: string; memberId: number }[] = []
    const insertMember = db.prepare(
      `insert into members (line_user_id, member_number, display_name, follow_state, follow_state_at,
         first_followed_at, followed_at, created_at, updated_at)
       values (?, ?, ?, 'following', 1, 1, 1, 1, 1) returning id`,
    )
    const insertProfile = db.prepare(
      `insert into member_profiles (member_id, interests, marketing_choice, updated_at) values (?, '[]', 'in', 1)`,
    )
    db.transaction(() => {
      for (let i = 0; i < MEMBERS; i++) {
        const name = names[i % names.length] ?? '山田'
        const user = standIn.createUser({ displayName: name, friend: true })
        const { id } = insertMember.get(user.userId, String(4_000_000_000 + i), name) as {
          id: number
        }
        insertProfile.run(id)
        users.push({ userId: user.userId, memberId: id })
      }
    })()
    // The insert blocked this process's event loop for seconds: let the HTTP client see the
    // keep-alive sockets the server closed meanwhile, or the next request reuses a dead one.
    await new Promise((resolve) => setTimeout(resolve, 100))
    const sends = /^\/v2\/bot\/message\/(push|multicast)$/
    const sentBefore = standIn.requests().filter((r) => sends.test(r.path)).length

    const created = await api<BroadcastResponse>(joren, token(), 'POST', '/api/staff/broadcasts', {
      title: '年末のご挨拶',
      messages: [{ type: 'text', text: '{name}様、今年もありがとうございました' }],
      audience: { kind: 'all' },
      holdoutPercent: 10,
    })
    expect(created.status).toBe(201)
    const id = created.body.broadcast.id
    const sent = await api<BroadcastResponse>(
      joren,
      token(),
      'POST',
      `/api/staff/broadcasts/${id}/send`,
      {},
    )
    expect(sent.status).toBe(200)
    expect(sent.body.broadcast.status).toBe('planning')

    const plan = db.prepare(`select status,
        (select count(*) from broadcast_recipients where broadcast_id = b.id) as recipients
      from broadcasts b where id = ?`)
    const state = () => plan.get(id) as { status: string; recipients: number }
    // Killed as soon as the frozen audience is visible and the plan not yet finished.
    for (;;) {
      const s = state()
      if (s.status !== 'planning') throw new Error(`planning ended before the kill: ${s.status}`)
      if (s.recipients > 0) break
      await new Promise((r) => setImmediate(r))
    }
    joren.child.kill('SIGKILL')
    await joren.exited
    try {
      // Killed mid-plan: still planning, part of it written, nothing sent.
      expect(state().status).toBe('planning')
      expect(state().recipients).toBeGreaterThan(0)
      expect(standIn.requests().filter((r) => sends.test(r.path)).length).toBe(sentBefore)

      joren = await spawnJoren(env)
      await eventually(() => expect(state().status).toBe('done'), 60_000)
      const holdout = new Set(
        (
          db
            .prepare(
              'select member_id from broadcast_recipients where broadcast_id = ? and holdout = 1',
            )
            .all(id) as { member_id: number }[]
        ).map((r) => r.member_id),
      )
      expect(holdout.size).toBeGreaterThan(MEMBERS / 20)
      expect(state().recipients).toBe(MEMBERS)
      expect(
        db
          .prepare(
            `select status, last_error as error, count(*) as n from broadcast_chunks
             where broadcast_id = ? group by status, last_error`,
          )
          .all(id),
      ).toEqual([{ status: 'sent', error: null, n: expect.any(Number) }])
      for (const u of users)
        expect(standIn.received(u.userId)).toHaveLength(holdout.has(u.memberId) ? 0 : 1)
      const [sizes] = db
        .prepare(
          `select max(recipient_count) as most, sum(recipient_count) as total, count(*) as chunks
           from broadcast_chunks where broadcast_id = ?`,
        )
        .all(id) as { most: number; total: number; chunks: number }[]
      expect(sizes?.most).toBeLessThanOrEqual(500)
      expect(sizes?.total).toBe(MEMBERS - holdout.size)
    } finally {
      db.close()
      joren.child.kill('SIGTERM')
      await joren.exited
    }
  }, 240_000)
})
