import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { runStaffOwner } from '../../server/src/entry/staff-owner-command.ts'
import type { LineStandIn } from '../../server/src/sandbox/line-stand-in/index.ts'
import { startJoren } from '../support/joren-node.ts'
import {
  claimOwner,
  inviteStaff,
  startStandIn,
  startWorld,
  TestClock,
  type World,
} from './world.ts'

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

type AuditItem = {
  id: number
  staffName: string | null
  action: string
  targetType: string
  targetId: string | null
  before: unknown
  after: unknown
  at: number
}

const errorCode = (res: { body: unknown }) =>
  (res.body as { error?: { code?: string } } | null)?.error?.code

describe('first owner (setup code)', () => {
  it('prints a setup code at start while no owner exists, and stores only its hash', () => {
    const setup = world.joren.server.ownerSetup
    expect(setup?.code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/)
    const stored = world.joren.rows<{ value: string }>(
      "select value from settings where key = 'owner_setup'",
    )
    expect(stored).toHaveLength(1)
    expect(stored[0]?.value).not.toContain(setup!.code)
    expect(stored[0]?.value).not.toContain(setup!.code.replace(/-/g, ''))
  })

  it('makes exactly one owner under 10 concurrent claims, audited', async () => {
    const code = world.joren.server.ownerSetup!.code
    const users = Array.from({ length: 10 }, (_, i) => world.stranger(`候補${i}`))
    const results = await Promise.all(
      users.map((u) => world.api('POST', '/api/staff/setup', { token: u.token(), body: { code } })),
    )
    const won = results.filter((r) => r.status === 201)
    expect(won).toHaveLength(1)
    for (const lost of results.filter((r) => r.status !== 201)) {
      expect(lost.status).toBeGreaterThanOrEqual(400)
      expect(lost.status).toBeLessThan(500)
      expect(['owner_exists', 'invalid_setup_code']).toContain(errorCode(lost))
    }
    expect(world.joren.rows("select role from staff where role = 'owner'")).toHaveLength(1)
    expect(world.joren.rows("select 1 from settings where key = 'owner_setup'")).toHaveLength(0)
    expect(world.joren.rows('select action, staff_id, before, after from audit_log')).toEqual([
      {
        action: 'staff.claim_owner',
        staff_id: (won[0]?.body as { staff: { id: number } }).staff.id,
        before: 'null',
        after: expect.stringContaining('"role":"owner"'),
      },
    ])
    // Used once: a later claim with the same code is refused.
    const late = await world.api('POST', '/api/staff/setup', {
      token: world.stranger().token(),
      body: { code },
    })
    expect(late).toMatchObject({ status: 409, body: { error: { code: 'owner_exists' } } })
  })

  it('refuses a wrong code and an expired code with 400, and forgives typing style', async () => {
    const code = world.joren.server.ownerSetup!.code
    const user = world.stranger()
    const wrong = await world.api('POST', '/api/staff/setup', {
      token: user.token(),
      body: { code: 'ZZZZ-ZZZZ-ZZZZ' },
    })
    expect(wrong).toMatchObject({ status: 400, body: { error: { code: 'invalid_setup_code' } } })
    const tooShort = await world.api('POST', '/api/staff/setup', {
      token: user.token(),
      body: { code: 'x' },
    })
    expect(tooShort).toMatchObject({ status: 400, body: { error: { code: 'invalid_request' } } })

    clock.advance(24 * 60 * 60 * 1000 + 1_000)
    const expired = await world.api('POST', '/api/staff/setup', {
      token: user.token(),
      body: { code },
    })
    expect(expired).toMatchObject({ status: 400, body: { error: { code: 'setup_code_expired' } } })
    expect(world.count('staff')).toBe(0)
    expect(world.count('audit_log')).toBe(0)
  })

  it('accepts the code typed in lower case without dashes', async () => {
    const code = world.joren.server.ownerSetup!.code.toLowerCase().replace(/-/g, ' ')
    const res = await world.api('POST', '/api/staff/setup', {
      token: world.stranger('店長').token(),
      body: { code },
    })
    expect(res).toMatchObject({
      status: 201,
      body: { staff: { role: 'owner', displayName: '店長' } },
    })
  })

  it('regenerates the code on restart while no owner exists, and none once one does', async () => {
    const first = world.joren.server.ownerSetup!.code
    const dir = world.joren.dir
    await world.joren.close()
    let joren = await startJoren(standIn, { clock, dir })
    const second = joren.server.ownerSetup!.code
    expect(second).not.toBe(first)
    const old = await fetch(`${joren.server.url}/api/staff/setup`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${world.stranger().token()}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ code: first }),
    })
    expect(old.status).toBe(400)
    const ok = await fetch(`${joren.server.url}/api/staff/setup`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${world.stranger().token()}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ code: second }),
    })
    expect(ok.status).toBe(201)
    await joren.close()
    joren = await startJoren(standIn, { clock, dir })
    expect(joren.server.ownerSetup).toBeNull()
    await joren.close()
    rmSync(dir, { recursive: true, force: true })
    world = await startWorld(standIn, clock) // for afterEach
  })
})

describe('invites', () => {
  it('joins with the invite role once; concurrent accepts of one code make one staff member', async () => {
    const owner = await claimOwner(world)
    const invite = await world.api<{ code: string; role: string; expiresAt: number }>(
      'POST',
      '/api/staff/invites',
      { token: owner.token(), body: { role: 'admin' } },
    )
    expect(invite).toMatchObject({ status: 201, body: { code: expect.any(String), role: 'admin' } })
    expect(invite.body.expiresAt - clock.now()).toBeGreaterThan(7 * 86_400_000 - 5_000)
    expect(invite.body.expiresAt - clock.now()).toBeLessThanOrEqual(7 * 86_400_000)
    expect(JSON.stringify(world.joren.rows('select * from staff_invites'))).not.toContain(
      invite.body.code,
    )

    const member = await world.member('会員の佐藤')
    const others = Array.from({ length: 7 }, () => world.stranger())
    const results = await Promise.all(
      [member, ...others].map((u) =>
        world.api('POST', '/api/staff/invites/accept', {
          token: u.token(),
          body: { code: invite.body.code },
        }),
      ),
    )
    const joined = results.filter((r) => r.status === 201)
    expect(joined).toHaveLength(1)
    for (const r of results.filter((r) => r.status !== 201))
      expect(r).toMatchObject({ status: 409, body: { error: { code: 'invite_used' } } })
    expect(world.count('staff')).toBe(2)

    // The member who joined (if it was them) is shown with their member name.
    const staff = world.joren.rows<{ role: string; invited_by: number }>(
      "select role, invited_by from staff where role = 'admin'",
    )
    expect(staff).toEqual([{ role: 'admin', invited_by: owner.id }])
    const used = world.joren.rows<{ used_by: number | null; used_at: number | null }>(
      'select used_by, used_at from staff_invites',
    )
    expect(used[0]?.used_by).toEqual((joined[0]?.body as { staff: { id: number } }).staff.id)
  })

  it('takes the display name from the member row, else the token name claim', async () => {
    const owner = await claimOwner(world)
    const member = await world.member('会員名')
    const code = async () =>
      (
        await world.api<{ code: string }>('POST', '/api/staff/invites', {
          token: owner.token(),
          body: { role: 'staff' },
        })
      ).body.code
    const asMember = await world.api('POST', '/api/staff/invites/accept', {
      token: member.token({ name: 'トークン名' }),
      body: { code: await code() },
    })
    expect(asMember.body).toMatchObject({ staff: { displayName: '会員名', role: 'staff' } })
    const stranger = world.stranger('LINEの名前')
    const asStranger = await world.api('POST', '/api/staff/invites/accept', {
      token: stranger.token(),
      body: { code: await code() },
    })
    expect(asStranger.body).toMatchObject({ staff: { displayName: 'LINEの名前' } })
    // Already staff: 409, and the invite stays usable.
    const third = await code()
    const again = await world.api('POST', '/api/staff/invites/accept', {
      token: stranger.token(),
      body: { code: third },
    })
    expect(again).toMatchObject({ status: 409, body: { error: { code: 'already_staff' } } })
    const fresh = await world.api('POST', '/api/staff/invites/accept', {
      token: world.stranger().token(),
      body: { code: third },
    })
    expect(fresh.status).toBe(201)
  })

  it('refuses unknown and expired invites', async () => {
    const owner = await claimOwner(world)
    const { body } = await world.api<{ code: string }>('POST', '/api/staff/invites', {
      token: owner.token(),
      body: { role: 'staff' },
    })
    const user = world.stranger()
    const unknown = await world.api('POST', '/api/staff/invites/accept', {
      token: user.token(),
      body: { code: 'AAAA-BBBB-CCCC-DDDD' },
    })
    expect(unknown).toMatchObject({ status: 400, body: { error: { code: 'invalid_invite' } } })
    clock.advance(7 * 86_400_000 + 1)
    const expired = await world.api('POST', '/api/staff/invites/accept', {
      token: user.token(),
      body: { code: body.code },
    })
    expect(expired).toMatchObject({ status: 400, body: { error: { code: 'invite_expired' } } })
    expect(world.count('staff')).toBe(1)
  })
})

describe('roles', () => {
  it('applies the role matrix to every staff route, and answers not_staff to members', async () => {
    const owner = await claimOwner(world)
    const admin = await inviteStaff(world, owner, 'admin')
    const staff = await inviteStaff(world, owner, 'staff')
    const member = await world.member()
    const settings = { name: '喫茶 常連', categories: [{ id: 'coffee', label: 'コーヒー' }] }

    const routes: [string, string, unknown, Record<'owner' | 'admin' | 'staff', number>][] = [
      ['GET', '/api/staff/me', undefined, { owner: 200, admin: 200, staff: 200 }],
      ['GET', '/api/staff/settings', undefined, { owner: 200, admin: 200, staff: 200 }],
      ['PUT', '/api/staff/settings', settings, { owner: 200, admin: 200, staff: 403 }],
      ['GET', '/api/staff/audit', undefined, { owner: 200, admin: 200, staff: 403 }],
      ['GET', '/api/staff/staff', undefined, { owner: 200, admin: 200, staff: 403 }],
      ['POST', '/api/staff/invites', { role: 'staff' }, { owner: 201, admin: 403, staff: 403 }],
      [
        'PATCH',
        `/api/staff/staff/${staff.id}`,
        { role: 'staff' },
        { owner: 200, admin: 403, staff: 403 },
      ],
      ['DELETE', '/api/staff/staff/999999', undefined, { owner: 404, admin: 403, staff: 403 }],
    ]
    const who = { owner, admin, staff }
    for (const [method, path, body, expected] of routes) {
      for (const role of ['owner', 'admin', 'staff'] as const) {
        const res = await world.api(method, path, { token: who[role].token(), body })
        expect({ method, path, role, status: res.status }).toEqual({
          method,
          path,
          role,
          status: expected[role],
        })
        if (res.status === 403) expect(errorCode(res)).toBe('forbidden_role')
      }
      const asMember = await world.api(method, path, { token: member.token(), body })
      expect({ method, path, status: asMember.status, code: errorCode(asMember) }).toEqual({
        method,
        path,
        status: 403,
        code: 'not_staff',
      })
    }
    // Setup and invite acceptance are for users who are not staff yet.
    const claimAgain = await world.api('POST', '/api/staff/setup', {
      token: staff.token(),
      body: { code: 'AAAA-BBBB-CCCC' },
    })
    expect(errorCode(claimAgain)).toBe('already_staff')
  })

  it('shows who I am and lists the staff, owners first', async () => {
    const owner = await claimOwner(world, '店長')
    const admin = await inviteStaff(world, owner, 'admin', '副店長')
    await inviteStaff(world, owner, 'staff', 'アルバイト')
    const me = await world.api('GET', '/api/staff/me', { token: admin.token() })
    expect(me.body).toEqual({
      staff: { id: admin.id, displayName: '副店長', role: 'admin', createdAt: expect.any(Number) },
    })
    const list = await world.api<{ staff: { displayName: string; role: string }[] }>(
      'GET',
      '/api/staff/staff',
      { token: admin.token() },
    )
    expect(list.body.staff.map((s) => [s.displayName, s.role])).toEqual([
      ['店長', 'owner'],
      ['副店長', 'admin'],
      ['アルバイト', 'staff'],
    ])
    // No LINE user IDs leave the server in staff lists.
    expect(JSON.stringify(list.body)).not.toMatch(/U[0-9a-f]{32}/)
  })

  it('never leaves the shop without an owner', async () => {
    const owner = await claimOwner(world)
    const demote = await world.api('PATCH', `/api/staff/staff/${owner.id}`, {
      token: owner.token(),
      body: { role: 'admin' },
    })
    expect(demote).toMatchObject({ status: 409, body: { error: { code: 'last_owner' } } })
    const remove = await world.api('DELETE', `/api/staff/staff/${owner.id}`, {
      token: owner.token(),
    })
    expect(remove).toMatchObject({ status: 409, body: { error: { code: 'last_owner' } } })

    // Two owners demoting each other at the same moment: one of them stays owner.
    const second = await inviteStaff(world, owner, 'admin')
    const promote = await world.api('PATCH', `/api/staff/staff/${second.id}`, {
      token: owner.token(),
      body: { role: 'owner' },
    })
    expect(promote.body).toMatchObject({ staff: { role: 'owner' } })
    const [a, b] = await Promise.all([
      world.api('PATCH', `/api/staff/staff/${second.id}`, {
        token: owner.token(),
        body: { role: 'staff' },
      }),
      world.api('PATCH', `/api/staff/staff/${owner.id}`, {
        token: second.token(),
        body: { role: 'staff' },
      }),
    ])
    // The loser is refused either by the guard (409) or, if the winner went first, for no longer
    // being an owner (403).
    expect([a.status, b.status].filter((s) => s === 200)).toHaveLength(1)
    expect([a.status, b.status].filter((s) => s === 409 || s === 403)).toHaveLength(1)
    expect(world.joren.rows("select id from staff where role = 'owner'")).toHaveLength(1)
  })

  it('removes a staff member (who then gets not_staff) and validates the ID', async () => {
    const owner = await claimOwner(world)
    const staff = await inviteStaff(world, owner, 'staff')
    expect((await world.api('GET', '/api/staff/me', { token: staff.token() })).status).toBe(200)
    const bad = await world.api('DELETE', '/api/staff/staff/abc', { token: owner.token() })
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'invalid_request' } } })
    const res = await world.api('DELETE', `/api/staff/staff/${staff.id}`, { token: owner.token() })
    expect(res.status).toBe(204)
    const after = await world.api('GET', '/api/staff/me', { token: staff.token() })
    expect(errorCode(after)).toBe('not_staff')
  })
})

describe('settings and audit log', () => {
  it('reads default settings, saves new ones, and audits every change with before and after', async () => {
    const owner = await claimOwner(world, '店長')
    const admin = await inviteStaff(world, owner, 'admin', '副店長')
    const defaults = await world.api('GET', '/api/staff/settings', { token: admin.token() })
    expect(defaults.body).toEqual({
      name: 'マイショップ',
      categories: [
        { id: 'food', label: 'フード' },
        { id: 'drink', label: 'ドリンク' },
        { id: 'sweets', label: 'スイーツ' },
        { id: 'goods', label: '雑貨' },
        { id: 'event', label: 'イベント' },
      ],
    })
    const next = { name: '喫茶 常連', categories: [{ id: 'coffee', label: 'コーヒー' }] }
    const saved = await world.api('PUT', '/api/staff/settings', {
      token: admin.token(),
      body: next,
    })
    expect(saved).toEqual({ status: 200, body: next })
    const duplicate = await world.api('PUT', '/api/staff/settings', {
      token: admin.token(),
      body: { name: 'x', categories: [next.categories[0], next.categories[0]] },
    })
    expect(duplicate).toMatchObject({ status: 400, body: { error: { code: 'invalid_request' } } })
    expect((await world.api('GET', '/api/public/config')).body).toMatchObject({
      shopName: '喫茶 常連',
    })

    const staff = await inviteStaff(world, owner, 'staff', 'アルバイト')
    await world.api('PATCH', `/api/staff/staff/${staff.id}`, {
      token: owner.token(),
      body: { role: 'admin' },
    })
    await world.api('DELETE', `/api/staff/staff/${staff.id}`, { token: owner.token() })

    const audit = await world.api<{ items: AuditItem[]; nextCursor: string | null }>(
      'GET',
      '/api/staff/audit',
      { token: admin.token() },
    )
    expect(audit.body.nextCursor).toBeNull()
    const items = audit.body.items
    expect(items.map((i) => i.action)).toEqual([
      'staff.remove',
      'staff.role',
      'staff.join',
      'staff.invite',
      'settings.update',
      'staff.join',
      'staff.invite',
      'staff.claim_owner',
    ])
    expect(items[0]).toMatchObject({
      staffName: '店長',
      targetType: 'staff',
      targetId: String(staff.id),
      before: { displayName: 'アルバイト', role: 'admin' },
      after: null,
    })
    expect(items[1]).toMatchObject({
      staffName: '店長',
      before: { role: 'staff' },
      after: { role: 'admin' },
    })
    // The removed member's own entry (joining) still says who it was.
    expect(items[2]).toMatchObject({
      action: 'staff.join',
      staffName: `削除済みスタッフ #${staff.id}`,
    })
    expect(items[4]).toMatchObject({
      staffName: '副店長',
      targetType: 'settings',
      before: defaults.body,
      after: next,
    })
    // Invites are audited without their code.
    expect(JSON.stringify(items)).not.toMatch(/[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}/)
  })

  it('pages the audit log newest first with a cursor', async () => {
    const owner = await claimOwner(world)
    for (let i = 0; i < 6; i++)
      await world.api('POST', '/api/staff/invites', {
        token: owner.token(),
        body: { role: 'staff' },
      })
    const seen: number[] = []
    let cursor: string | null = null
    let pages = 0
    do {
      const query: string = cursor ? `&cursor=${cursor}` : ''
      const page = await world.api<{ items: AuditItem[]; nextCursor: string | null }>(
        'GET',
        `/api/staff/audit?limit=3${query}`,
        { token: owner.token() },
      )
      expect(page.status).toBe(200)
      seen.push(...page.body.items.map((i) => i.id))
      cursor = page.body.nextCursor
      pages++
    } while (cursor)
    expect(pages).toBe(3)
    expect(seen).toHaveLength(7)
    expect([...seen].sort((a, b) => b - a)).toEqual(seen)
    const bad = await world.api('GET', '/api/staff/audit?cursor=%24%24', { token: owner.token() })
    expect(bad.status).toBe(400)
  })
})

describe('npm run staff:owner', () => {
  it('makes a LINE user owner in the database, audited; the server then shows no setup code', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'joren-cli-'))
    try {
      const out: string[] = []
      const userId = 'U' + 'c'.repeat(32)
      const env = { DATABASE_PATH: join(dir, 'joren.db') }
      expect(await runStaffOwner(['not-a-user'], env, (l) => out.push(l))).toBe(2)
      expect(out.pop()).toContain('usage')
      expect(await runStaffOwner([userId, '山田', '店長'], env, (l) => out.push(l))).toBe(0)
      expect(out.pop()).toContain('is now an owner')
      const joren = await startJoren(standIn, { clock, dir })
      try {
        expect(joren.server.ownerSetup).toBeNull()
        expect(joren.rows('select display_name, role from staff')).toEqual([
          { display_name: '山田 店長', role: 'owner' },
        ])
        expect(joren.rows('select action, staff_id from audit_log')).toEqual([
          { action: 'staff.appoint_owner', staff_id: null },
        ])
        const res = await fetch(`${joren.server.url}/api/staff/me`, {
          headers: { authorization: `Bearer ${standIn.issueIdToken(userId)}` },
        })
        expect(res.status).toBe(200)
      } finally {
        await joren.close()
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
