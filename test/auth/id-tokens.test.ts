import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { LineStandIn } from '../../server/src/sandbox/line-stand-in/index.ts'
import { startStandIn, startWorld, TestClock, type World } from './world.ts'

/**
 * LIFF ID tokens against the real Node server and the stand-in's real ES256 keys: every forgery is
 * a 401 with its code, and a refused request reads and writes nothing.
 */

const clock = new TestClock()
let standIn: LineStandIn
let world: World

beforeAll(async () => {
  standIn = await startStandIn(clock)
})
afterAll(async () => {
  await standIn.close()
})
beforeEach(async () => {
  clock.offsetMs = 0
  world = await startWorld(standIn, clock)
})
afterEach(async () => {
  await world.joren.close()
})

const profile = {
  birthday: '1990-04-01',
  gender: 'female',
  prefecture: '13',
  interests: ['food'],
  marketingConsent: true,
}

/** Everything a signed-in request could change. */
const writes = () => ({
  profiles: world.count('member_profiles'),
  staff: world.count('staff'),
  audit: world.count('audit_log'),
  invites: world.count('staff_invites'),
  settings: world.joren.rows('select key, value from settings order by key'),
})

describe('LIFF ID token verification on member and staff routes', () => {
  it('refuses each forged or broken token with 401 and its code, reading and writing nothing', async () => {
    const member = await world.member('山田 花子')
    const code = world.joren.server.ownerSetup?.code
    expect(code).toBeDefined()
    const before = writes()
    // Warm the key cache with one good request, so 'unknown key' means what it says.
    expect((await world.api('GET', '/api/liff/me', { token: member.token() })).status).toBe(200)

    const header = (token: string) => ({ authorization: token })
    const cases: [string, Record<string, string>, string][] = [
      ['wrong aud', header(`Bearer ${member.token({ aud: '1234567890' })}`), 'invalid_token'],
      [
        'wrong iss',
        header(`Bearer ${member.token({ iss: 'https://evil.example' })}`),
        'invalid_token',
      ],
      ['other key', header(`Bearer ${member.token({ signWith: 'other-key' })}`), 'invalid_token'],
      [
        'other key, unknown kid',
        header(`Bearer ${member.token({ signWith: 'other-key', kid: 'forged' })}`),
        'invalid_token',
      ],
      ['HS256', header(`Bearer ${member.token({ signWith: 'hs256' })}`), 'invalid_token'],
      [
        'HS256 claiming ES256',
        header(`Bearer ${member.token({ signWith: 'hs256', alg: 'ES256' })}`),
        'invalid_token',
      ],
      ['alg none', header(`Bearer ${member.token({ signWith: 'none' })}`), 'invalid_token'],
      ['expired', header(`Bearer ${member.token({ expiresInSec: -120 })}`), 'token_expired'],
      ['malformed: one part', header('Bearer not-a-jwt'), 'malformed_token'],
      ['malformed: garbage parts', header('Bearer a.b.c'), 'malformed_token'],
      [
        'malformed: two tokens',
        header(`Bearer ${member.token()} ${member.token()}`),
        'malformed_token',
      ],
      ['missing', {}, 'missing_token'],
      ['empty bearer', header('Bearer '), 'missing_token'],
      ['another scheme', header(`Basic ${member.token()}`), 'missing_token'],
    ]
    for (const [name, headers, expected] of cases) {
      const attempts = [
        world.api('GET', '/api/liff/me', { headers }),
        world.api('PUT', '/api/liff/profile', { headers, body: profile }),
        world.api('GET', '/api/liff/card', { headers }),
        world.api('POST', '/api/staff/setup', { headers, body: { code } }),
        world.api('POST', '/api/staff/invites/accept', { headers, body: { code: 'AAAA-BBBB' } }),
        world.api('GET', '/api/staff/me', { headers }),
        world.api('PUT', '/api/staff/settings', { headers, body: { name: 'x', categories: [] } }),
      ]
      for (const res of await Promise.all(attempts)) {
        expect({ name, status: res.status, code: res.body.error }).toMatchObject({
          name,
          status: 401,
          code: { code: expected, message: expect.stringMatching(/[ぁ-んァ-ヶ]/) },
        })
      }
    }
    expect(writes()).toEqual(before)
    // Forged kids within the cooldown did not make us ask LINE again.
    expect(world.jwksRequests()).toBe(1)
    // The setup code survived every forged attempt.
    const owner = await world.api('POST', '/api/staff/setup', {
      token: member.token(),
      body: { code },
    })
    expect(owner.status).toBe(201)
  })

  it('fetches LINE keys once for many requests and users', async () => {
    const members = await Promise.all([world.member('A'), world.member('B'), world.member('C')])
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        world.api('GET', i % 2 ? '/api/liff/me' : '/api/liff/card', {
          token: members[i % 3]!.token(),
        }),
      ),
    )
    expect(results.map((r) => r.status)).toEqual(Array(30).fill(200))
    expect(world.jwksRequests()).toBe(1)
  })

  it('picks up a rotated LINE key by refetching on its unknown kid, at most once per 30 s', async () => {
    const member = await world.member()
    expect((await world.api('GET', '/api/liff/me', { token: member.token() })).status).toBe(200)
    await standIn.rotateKeys()
    const rotated = member.token()
    // Right after the first fetch the refresh is rate-limited: a forged kid costs LINE nothing.
    const early = await world.api('GET', '/api/liff/me', { token: rotated })
    expect(early).toMatchObject({ status: 401, body: { error: { code: 'invalid_token' } } })
    expect(world.jwksRequests()).toBe(1)

    clock.advance(31_000)
    const later = await Promise.all(
      Array.from({ length: 5 }, () => world.api('GET', '/api/liff/me', { token: rotated })),
    )
    expect(later.map((r) => r.status)).toEqual([200, 200, 200, 200, 200])
    expect(world.jwksRequests()).toBe(2)
  })

  it('answers 503 when LINE keys cannot be fetched, and recovers', async () => {
    const member = await world.member()
    const fault = standIn.inject({
      path: '/oauth2/v2.1/certs',
      kind: 'status',
      status: 500,
      count: 1,
    })
    const down = await world.api('GET', '/api/liff/me', { token: member.token() })
    expect(down).toMatchObject({ status: 503, body: { error: { code: 'auth_unavailable' } } })
    expect(fault.hits).toBe(1)
    clock.advance(5_000)
    expect((await world.api('GET', '/api/liff/me', { token: member.token() })).status).toBe(200)
  })
})

describe('without LINE_LOGIN_CHANNEL_ID', () => {
  it('answers 503 on member and staff APIs, while the webhook and public config still work', async () => {
    await world.joren.close()
    world = await startWorld(standIn, clock, { login: false })
    const member = await world.member()
    for (const [method, path] of [
      ['GET', '/api/liff/me'],
      ['GET', '/api/staff/me'],
      ['POST', '/api/staff/setup'],
    ] as const) {
      const body = method === 'GET' ? undefined : {}
      const res = await world.api(method, path, { token: member.token(), body })
      expect(res).toMatchObject({
        status: 503,
        body: {
          error: {
            code: 'login_not_configured',
            message: expect.stringContaining('LINE_LOGIN_CHANNEL_ID'),
          },
        },
      })
    }
    expect((await world.api('GET', '/api/public/config')).status).toBe(200)
    expect(world.jwksRequests()).toBe(0)
  })
})
