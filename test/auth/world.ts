import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest'
import type { IdTokenOptions, LineStandIn } from '../../server/src/sandbox/line-stand-in/index.ts'
import { startLineStandIn } from '../../server/src/sandbox/line-stand-in/index.ts'
import { eventually, startJoren, type JorenUnderTest } from '../support/joren-node.ts'

/** A clock both the stand-in (token iat/exp) and Joren read, so tests can move time. */
/**
 * Starts at 12:00 shop time (Asia/Tokyo) today: marketing sends fall outside the contact policy's
 * quiet hours (21:00–09:00) whenever the suite runs; tests that need a time set it.
 */
const NOON_JST_OFFSET = (() => {
  const now = Date.now()
  const jstMidnight = Math.floor((now + 9 * 3_600_000) / 86_400_000) * 86_400_000 - 9 * 3_600_000
  return jstMidnight + 12 * 3_600_000 - now
})()

export class TestClock {
  /**
   * A new clock reads the real time, like a LINE stand-in started without it; worlds (useWorld)
   * and suites that share it with their stand-in `reset()` it to noon.
   */
  offsetMs = 0
  now = (): number => Date.now() + this.offsetMs
  /** To 12:00 shop time today. */
  reset(): void {
    this.offsetMs = NOON_JST_OFFSET
  }
  advance(ms: number): void {
    this.offsetMs += ms
  }
}

export interface ApiResult<T = Record<string, unknown>> {
  status: number
  body: T
}

export interface Api {
  <T = Record<string, unknown>>(
    method: string,
    path: string,
    init?: { token?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<ApiResult<T>>
}

export interface World {
  clock: TestClock
  standIn: LineStandIn
  joren: JorenUnderTest
  api: Api
  /** A stand-in user who followed the account (a member row exists once this resolves). */
  member(displayName?: string): Promise<{ userId: string; token(options?: IdTokenOptions): string }>
  /** A stand-in user who never added the account. */
  stranger(displayName?: string): { userId: string; token(options?: IdTokenOptions): string }
  count(table: string): number
  jwksRequests(): number
}

/** One stand-in per file (cheap to reset); a fresh Joren and database per test. */
export async function startStandIn(clock: TestClock): Promise<LineStandIn> {
  return startLineStandIn({ rateLimits: false, now: clock.now })
}

export async function startWorld(
  standIn: LineStandIn,
  clock: TestClock,
  options: { login?: boolean; env?: Record<string, string> } = {},
): Promise<World> {
  standIn.reset()
  const joren = await startJoren(standIn, { clock, login: options.login, env: options.env })
  const api: Api = async (method, path, init = {}) => {
    const headers: Record<string, string> = { ...init.headers }
    if (init.token !== undefined) headers.authorization = `Bearer ${init.token}`
    if (init.body !== undefined) headers['content-type'] = 'application/json'
    const res = await fetch(`${joren.server.url}${path}`, {
      method,
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    })
    const text = await res.text()
    return { status: res.status, body: text ? JSON.parse(text) : null } as never
  }
  const stranger = (displayName = '通りすがり') => {
    const user = standIn.createUser({ displayName, language: 'ja' })
    return {
      userId: user.userId,
      token: (o?: IdTokenOptions) => standIn.issueIdToken(user.userId, o),
    }
  }
  return {
    clock,
    standIn,
    joren,
    api,
    stranger,
    async member(displayName = '会員') {
      const user = stranger(displayName)
      await standIn.follow(user.userId)
      await eventually(() => {
        const rows = joren.rows('select 1 from members where line_user_id = ?', user.userId)
        if (rows.length !== 1) throw new Error('member not stored yet')
      })
      return user
    },
    count: (table) =>
      joren.rows<{ n: number }>(`select count(*) as n from ${table}`)[0]?.n ?? Number.NaN,
    jwksRequests: () => standIn.requests().filter((r) => r.path === '/oauth2/v2.1/certs').length,
  }
}

/** The first owner, through the setup code Joren printed at start. */
export async function claimOwner(world: World, displayName = '店長') {
  const user = world.stranger(displayName)
  const code = world.joren.server.ownerSetup?.code
  if (!code) throw new Error('no setup code: an owner exists already')
  const res = await world.api('POST', '/api/staff/setup', { token: user.token(), body: { code } })
  if (res.status !== 201) throw new Error(`setup failed: ${JSON.stringify(res.body)}`)
  return { ...user, id: (res.body as { staff: { id: number } }).staff.id }
}

/** A new staff member with `role`, invited by `owner`. */
export async function inviteStaff(
  world: World,
  owner: { token(): string },
  role: 'admin' | 'staff',
  displayName = role === 'admin' ? '管理者さん' : 'スタッフさん',
) {
  const invite = await world.api<{ code: string }>('POST', '/api/staff/invites', {
    token: owner.token(),
    body: { role },
  })
  if (invite.status !== 201) throw new Error(`invite failed: ${JSON.stringify(invite.body)}`)
  const user = world.stranger(displayName)
  const res = await world.api('POST', '/api/staff/invites/accept', {
    token: user.token(),
    body: { code: invite.body.code },
  })
  if (res.status !== 201) throw new Error(`accept failed: ${JSON.stringify(res.body)}`)
  return { ...user, id: (res.body as { staff: { id: number } }).staff.id }
}

/**
 * The hooks every API test file needs: one stand-in per file, a fresh Joren and database per
 * test, the clock reset. Returns a World that always speaks for the test that is running.
 */
export function useWorld(
  clock: TestClock,
  options: { login?: boolean; env?: Record<string, string> } = {},
): World {
  let standIn: LineStandIn | undefined
  let current: World | undefined
  beforeAll(async () => {
    standIn = await startStandIn(clock)
  })
  afterAll(async () => {
    await standIn?.close()
  })
  beforeEach(async () => {
    clock.reset()
    current = await startWorld(standIn!, clock, options)
  })
  afterEach(async () => {
    await current?.joren.close()
    current = undefined
  })
  const now = (): World => {
    if (!current) throw new Error('useWorld: no test is running')
    return current
  }
  return {
    clock,
    get standIn() {
      return now().standIn
    },
    get joren() {
      return now().joren
    },
    api: ((...args: Parameters<Api>) => now().api(...args)) as Api,
    member: (...args) => now().member(...args),
    stranger: (...args) => now().stranger(...args),
    count: (table) => now().count(table),
    jwksRequests: () => now().jwksRequests(),
  }
}
