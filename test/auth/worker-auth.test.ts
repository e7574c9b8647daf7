import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { hashCode } from '../../server/src/domain/staff/codes.ts'
import { startLineStandIn } from '../../server/src/sandbox/line-stand-in/index.ts'
import { buildWorkerBundle, startLocalWorker, type WorkerBundle } from '../workers/local-worker.ts'

/**
 * The sign-in flows on the Workers entry with a local D1 (workerd via Miniflare): the conditional
 * statements (setup code, invites, last owner), the JSON settings and the card key run on D1 too.
 */

const TIMEOUT = 60_000
let bundle: WorkerBundle | undefined

beforeAll(async () => {
  bundle = await buildWorkerBundle()
}, TIMEOUT)
afterAll(async () => {
  await bundle?.dispose()
})

describe('sign-in on Workers + D1', () => {
  it(
    'verifies LIFF tokens, serves the member API and runs the staff flows',
    async () => {
      const line = await startLineStandIn({ rateLimits: false })
      onTestFinished(() => line.close())
      const worker = await startLocalWorker({
        bundle: bundle!,
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
      onTestFinished(() => worker.dispose())
      line.setWebhookUrl(`${worker.url}/webhook`)
      const api = async (method: string, path: string, token?: string, body?: unknown) => {
        const res = await fetch(`${worker.url}${path}`, {
          method,
          headers: {
            ...(token ? { authorization: `Bearer ${token}` } : {}),
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
        })
        const text = await res.text()
        return {
          status: res.status,
          body: text ? (JSON.parse(text) as Record<string, unknown>) : null,
        }
      }

      // A member: follow, then the mini-app.
      const user = line.createUser({ displayName: '山田 花子', language: 'ja' })
      await line.follow(user.userId)
      const deadline = Date.now() + 15_000
      while ((await worker.query('SELECT 1 FROM members')).length === 0) {
        if (Date.now() > deadline) throw new Error(`no member row\n${worker.logs()}`)
        await new Promise((r) => setTimeout(r, 50))
      }
      const token = () => line.issueIdToken(user.userId)
      const me = await api('GET', '/api/liff/me', token())
      expect(me).toMatchObject({ status: 200, body: { member: { displayName: '山田 花子' } } })
      const profile = {
        birthday: null,
        gender: null,
        prefecture: null,
        interests: ['food'],
        marketingConsent: true,
      }
      expect((await api('PUT', '/api/liff/profile', token(), profile)).status).toBe(200)
      const saved = await api('PUT', '/api/liff/profile', token(), { ...profile, interests: [] })
      expect(saved.body).toMatchObject({ interests: [], marketingConsent: true })
      const cards = await Promise.all([1, 2].map(() => api('GET', '/api/liff/card', token())))
      expect(cards.map((c) => c.status)).toEqual([200, 200])
      expect(
        await worker.query("SELECT key FROM settings WHERE key = 'card_signing_key'"),
      ).toHaveLength(1)
      const forged = await api(
        'GET',
        '/api/liff/me',
        line.issueIdToken(user.userId, { signWith: 'hs256' }),
      )
      expect(forged).toMatchObject({ status: 401, body: { error: { code: 'invalid_token' } } })
      expect(line.requests().filter((r) => r.path === '/oauth2/v2.1/certs')).toHaveLength(1)

      // The first owner through a setup code (on Workers the operator stores it; no console).
      const code = 'ABCD-EFGH-JKMN'
      await worker.query(
        'INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)',
        'owner_setup',
        JSON.stringify({ codeHash: await hashCode(code), expiresAt: Date.now() + 60_000 }),
        Date.now(),
      )
      const candidates = [line.createUser({ displayName: '店長' }), line.createUser()]
      const claims = await Promise.all(
        candidates.map((u) =>
          api('POST', '/api/staff/setup', line.issueIdToken(u.userId), { code }),
        ),
      )
      expect(claims.map((c) => c.status).sort()).toEqual([201, 409].sort())
      const winner = candidates[claims.findIndex((c) => c.status === 201)]!
      const ownerTok = () => line.issueIdToken(winner.userId)
      const owner = (claims.find((c) => c.status === 201)!.body as { staff: { id: number } }).staff

      // An invite, used once.
      const invite = await api('POST', '/api/staff/invites', ownerTok(), { role: 'admin' })
      expect(invite.status).toBe(201)
      const accepts = await Promise.all(
        [token(), line.issueIdToken(line.createUser().userId)].map((t) =>
          api('POST', '/api/staff/invites/accept', t, { code: invite.body?.code }),
        ),
      )
      expect(accepts.map((a) => a.status).sort()).toEqual([201, 409].sort())

      // The last owner cannot step down; settings and the audit log work.
      const demote = await api('PATCH', `/api/staff/staff/${owner.id}`, ownerTok(), {
        role: 'admin',
      })
      expect(demote).toMatchObject({ status: 409, body: { error: { code: 'last_owner' } } })
      const settings = { name: '喫茶 常連', categories: [{ id: 'coffee', label: 'コーヒー' }] }
      expect(await api('PUT', '/api/staff/settings', ownerTok(), settings)).toEqual({
        status: 200,
        body: settings,
      })
      const actions = (page: { body: Record<string, unknown> | null }) =>
        (page.body?.items as { action: string }[]).map((i) => i.action)
      const audit = await api('GET', '/api/staff/audit?limit=2', ownerTok())
      expect(actions(audit)).toEqual(['settings.update', 'staff.join'])
      const cursor = String(audit.body?.nextCursor)
      const next = await api('GET', `/api/staff/audit?cursor=${cursor}`, ownerTok())
      expect(actions(next)).toEqual(['staff.invite', 'staff.claim_owner'])
    },
    TIMEOUT,
  )
})
