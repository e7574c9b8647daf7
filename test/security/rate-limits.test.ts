import { describe, expect, it } from 'vitest'
import { claimOwner, inviteStaff, TestClock, useWorld } from '../auth/world.ts'
import { memberNumberOf } from '../loyalty/world-helpers.ts'
import { eventually } from '../support/joren-node.ts'
import { rawRequest } from '../support/raw-http.ts'
import { runUpkeep, settled, textsReceived } from '../support-inbox/inbox-world.ts'

/**
 * Guessing the owner setup code, invitation codes and API keys is limited per client and for all
 * clients together: a clear 429 (Japanese, retry-after) after the limit, a staff alert on the
 * burst, and no way to tell a right guess from a wrong one while refused. (Limits: 10 setup codes,
 * 10 invitation codes and 60 API-key failures per client per 10 minutes; 30 / 50 / 600 for all.)
 */

const clock = new TestClock()
const world = useWorld(clock)

const securityAlerts = () =>
  world.joren.rows<{ kind: string; member_id: null; summary: string }>(
    "select kind, member_id, summary from staff_alerts where kind = 'security'",
  )

function expect429(res: { status: number; headers?: Headers; body: unknown }, label: string) {
  expect(res.status).toBe(429)
  expect(res.body).toMatchObject({
    error: {
      code: 'too_many_attempts',
      message: expect.stringContaining(`${label}の試行が多すぎます`),
      retryAfterSec: expect.any(Number),
    },
  })
}

describe('owner setup code', () => {
  it('refuses the 11th try of one client in 10 minutes with 429, even the right code, and alerts staff once', async () => {
    const code = world.joren.server.ownerSetup!.code
    const guesser = world.stranger('総当たり')
    for (let i = 0; i < 10; i++) {
      const wrong = await world.api('POST', '/api/staff/setup', {
        token: guesser.token(),
        body: { code: `ZZZZ-ZZZZ-ZZ${String(i).padStart(2, '0')}` },
      })
      expect(wrong.status).toBe(400)
    }
    const res = await fetch(`${world.joren.server.url}/api/staff/setup`, {
      method: 'POST',
      headers: { authorization: `Bearer ${guesser.token()}`, 'content-type': 'application/json' },
      body: JSON.stringify({ code }),
    })
    expect429({ status: res.status, body: await res.json() }, 'オーナー設定コード')
    const retryAfter = Number(res.headers.get('retry-after'))
    expect(retryAfter).toBeGreaterThan(0)
    expect(retryAfter).toBeLessThanOrEqual(600)
    expect(world.joren.rows("select 1 from staff where role = 'owner'")).toEqual([])
    expect(securityAlerts()).toEqual([
      {
        kind: 'security',
        member_id: null,
        summary: expect.stringContaining('オーナー設定コードの試行が上限を超えました'),
      },
    ])
    // More refusals in the same window add no alert; the next window starts afresh.
    expect(
      (await world.api('POST', '/api/staff/setup', { token: guesser.token(), body: { code } }))
        .status,
    ).toBe(429)
    expect(securityAlerts()).toHaveLength(1)
    clock.advance(10 * 60_000)
    const owner = await world.api('POST', '/api/staff/setup', {
      token: guesser.token(),
      body: { code },
    })
    expect(owner.status).toBe(201)
  })

  it('limits all clients together: the 31st try in the window is refused from a fresh address', async () => {
    const code = world.joren.server.ownerSetup!.code
    const user = world.stranger()
    const attempt = (from: string) =>
      rawRequest(
        world.joren.server.url,
        '/api/staff/setup',
        { authorization: `Bearer ${user.token()}`, 'content-type': 'application/json' },
        { body: JSON.stringify({ code: 'ZZZZ-ZZZZ-ZZZZ' }), localAddress: from },
      )
    for (const from of ['127.0.0.2', '127.0.0.3', '127.0.0.4'])
      for (let i = 0; i < 10; i++) expect((await attempt(from)).status).toBe(400)
    const refused = await rawRequest(
      world.joren.server.url,
      '/api/staff/setup',
      { authorization: `Bearer ${user.token()}`, 'content-type': 'application/json' },
      { body: JSON.stringify({ code }), localAddress: '127.0.0.5' },
    )
    expect429({ status: refused.status, body: JSON.parse(refused.body) }, 'オーナー設定コード')
    expect(refused.headers['retry-after']).toMatch(/^\d+$/)
    expect(securityAlerts().map((a) => a.summary)).toEqual([
      expect.stringContaining('すべての接続元の合計で10分間に31回'),
    ])
  })
})

describe('invitation codes', () => {
  it('refuses the 11th wrong code of one client with 429 and alerts staff', async () => {
    const owner = await claimOwner(world)
    const invite = await world.api<{ code: string }>('POST', '/api/staff/invites', {
      token: owner.token(),
      body: { role: 'staff' },
    })
    const guesser = world.stranger()
    for (let i = 0; i < 10; i++) {
      const wrong = await world.api('POST', '/api/staff/invites/accept', {
        token: guesser.token(),
        body: { code: `AAAA-BB${String(i).padStart(2, '0')}` },
      })
      expect(wrong.status).toBe(400)
    }
    const refused = await world.api('POST', '/api/staff/invites/accept', {
      token: guesser.token(),
      body: { code: invite.body.code },
    })
    expect429(refused, '招待コード')
    expect(world.joren.rows("select 1 from staff where role = 'staff'")).toEqual([])
    expect(securityAlerts()).toHaveLength(1)
  })

  it('pushes the burst to staff who take LINE alerts, in the batched alert message', async () => {
    const owner = await claimOwner(world)
    await world.standIn.follow(owner.userId)
    await settled(world)
    await world.api('PUT', '/api/staff/me/alert-prefs', {
      token: owner.token(),
      body: { lineAlerts: true, quietStart: null, quietEnd: null },
    })
    const guesser = world.stranger()
    for (let i = 0; i < 11; i++)
      await world.api('POST', '/api/staff/invites/accept', {
        token: guesser.token(),
        body: { code: `AAAA-BB${String(i).padStart(2, '0')}` },
      })
    await runUpkeep(world)
    await settled(world)
    await eventually(() =>
      expect(textsReceived(world, owner.userId).at(-1)).toContain(
        '処理できなかった LINE イベントや不審なアクセスのアラートが1件あります',
      ),
    )
  })

  it('counts no successful accept against the client', async () => {
    const owner = await claimOwner(world)
    // 12 people joining from one shop network, one after another.
    for (let i = 0; i < 12; i++) await inviteStaff(world, owner, 'staff', `スタッフ${i}`)
    expect(world.joren.rows("select 1 from staff where role = 'staff'")).toHaveLength(12)
  })
})

describe('integration API keys', () => {
  async function keyAndMember() {
    const owner = await claimOwner(world)
    const member = await world.member('太郎')
    const created = await world.api<{ key: string }>('POST', '/api/staff/api-keys', {
      token: owner.token(),
      body: { name: 'POS', scopes: ['purchases:write'] },
    })
    return { key: created.body.key, memberNumber: memberNumberOf(world, member.userId) }
  }
  const purchase = (key: string, memberNumber: string, idem: string, from?: string) =>
    rawRequest(
      world.joren.server.url,
      '/api/v1/purchases',
      {
        authorization: `Bearer ${key}`,
        'idempotency-key': idem,
        'content-type': 'application/json',
      },
      { body: JSON.stringify({ memberNumber, amountYen: 1000 }), localAddress: from },
    )

  it('refuses a client after 60 wrong keys with 429 — a right key too, so a guess cannot be told apart', async () => {
    const { key, memberNumber } = await keyAndMember()
    const wrong = `jk_${'A'.repeat(43)}`
    for (let i = 0; i < 60; i++)
      expect((await purchase(wrong, memberNumber, `w-${i}`, '127.0.0.7')).status).toBe(401)
    const refused = await purchase(key, memberNumber, 'right-1', '127.0.0.7')
    expect429({ status: refused.status, body: JSON.parse(refused.body) }, 'API キー')
    expect(world.count('purchases')).toBe(0)
    expect(securityAlerts().map((a) => a.summary)).toEqual([
      expect.stringContaining('接続元 127.0.0.7 から10分間に61回'),
    ])
    // Another client with the right key is not held up.
    expect((await purchase(key, memberNumber, 'right-2', '127.0.0.8')).status).toBe(201)
  })

  it('never holds up a client that keeps sending good requests', async () => {
    const { key, memberNumber } = await keyAndMember()
    for (let i = 0; i < 80; i++)
      expect((await purchase(key, memberNumber, `ok-${i}`, '127.0.0.9')).status).toBe(201)
    expect(world.count('purchases')).toBe(80)
    expect(securityAlerts()).toEqual([])
  })
})
