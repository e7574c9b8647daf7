import { describe, expect, it } from 'vitest'
import { claimOwner, inviteStaff, TestClock, useWorld } from '../auth/world.ts'
import { eventually } from '../support/joren-node.ts'

const clock = new TestClock()
const world = useWorld(clock)

const code = (res: { body: unknown }) => (res.body as { error?: { code?: string } }).error?.code

async function team() {
  const owner = await claimOwner(world)
  const admin = await inviteStaff(world, owner, 'admin')
  const staff = await inviteStaff(world, owner, 'staff')
  return { owner, admin, staff }
}

async function raw(path: string, token: string) {
  const res = await fetch(`${world.joren.server.url}${path}`, {
    headers: { authorization: `Bearer ${token}` },
  })
  // Decoded keeping the byte-order mark (res.text() would drop it).
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await res.arrayBuffer())
  return { status: res.status, type: res.headers.get('content-type'), text }
}

/** Which tables still hold any of `needles`, scanning every value of every table. */
function tracesIn(needles: string[]): string[] {
  const tables = world.joren.rows<{ name: string }>(
    `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '__drizzle_migrations'`,
  )
  const found = new Set<string>()
  for (const { name } of tables)
    for (const row of world.joren.rows<Record<string, unknown>>(`SELECT * FROM "${name}"`))
      for (const value of Object.values(row)) {
        if (value === null) continue
        const text = Buffer.isBuffer(value) ? value.toString('utf8') : String(value)
        for (const needle of needles) if (text.includes(needle)) found.add(`${name}: ${needle}`)
      }
  return [...found].sort()
}

const numberOf = (lineUserId: string) =>
  world.joren.rows<{ member_number: string }>(
    'select member_number from members where line_user_id = ?',
    lineUserId,
  )[0]!.member_number

describe("members' data rights over HTTP", () => {
  it('lets only an owner export, erase and export the shop; only an owner edits the documents', async () => {
    const { owner, admin, staff } = await team()
    const member = await world.member('山田 花子')
    const number = numberOf(member.userId)
    const erase = { confirmMemberNumber: number }
    for (const who of [admin, staff]) {
      const exp = await world.api('GET', `/api/staff/members/${number}/export`, {
        token: who.token(),
      })
      expect(exp.status).toBe(403)
      expect(code(exp)).toBe('forbidden_role')
      const csv = await raw(
        `/api/staff/members/${number}/export?format=csv&table=profile`,
        who.token(),
      )
      expect(csv.status).toBe(403)
      expect(
        (
          await world.api('POST', `/api/staff/members/${number}/erase`, {
            token: who.token(),
            body: erase,
          })
        ).status,
      ).toBe(403)
      expect((await raw('/api/staff/privacy/export/members', who.token())).status).toBe(403)
      const put = await world.api('PUT', '/api/staff/privacy', {
        token: who.token(),
        body: { privacyPolicy: 'x'.repeat(30), terms: 'y'.repeat(30) },
      })
      expect(put.status).toBe(403)
    }
    // A member's own token is not a staff token; no token is no access.
    expect(
      code(
        await world.api('GET', `/api/staff/members/${number}/export`, { token: member.token() }),
      ),
    ).toBe('not_staff')
    expect(
      (await world.api('POST', `/api/staff/members/${number}/erase`, { body: erase })).status,
    ).toBe(401)
    expect((await raw('/api/staff/privacy/export/members', member.token())).status).toBe(403)
    // Every staff member may read the documents.
    expect((await world.api('GET', '/api/staff/privacy', { token: staff.token() })).status).toBe(
      200,
    )
    // Bad input: CSV without a table, an unknown table, a wrong confirmation — nothing changes.
    expect(
      (
        await world.api('GET', `/api/staff/members/${number}/export?format=csv`, {
          token: owner.token(),
        })
      ).status,
    ).toBe(400)
    expect((await raw('/api/staff/privacy/export/secrets', owner.token())).status).toBe(400)
    const badCursor = await raw('/api/staff/privacy/export/members?after=x', owner.token())
    expect(badCursor.status).toBe(400)
    expect(badCursor.text).toContain('カーソル')
    const wrong = await world.api('POST', `/api/staff/members/${number}/erase`, {
      token: owner.token(),
      body: { confirmMemberNumber: '0000000001' },
    })
    expect(wrong.status).toBe(400)
    expect(code(wrong)).toBe('confirm_mismatch')
    expect(world.joren.rows('select 1 from members where erased_at is not null')).toEqual([])
    expect(world.joren.rows(`select 1 from audit_log where action like 'member.e%'`)).toEqual([])
  })

  it('a member agrees to the documents, asks for deletion; the owner exports, erases; a new follow is a fresh member', async () => {
    const { owner } = await team()
    const member = await world.member('山田 花子')
    const other = await world.member('佐藤 次郎')
    await world.standIn.sendText(member.userId, '山田です、予約の件でご相談があります')
    await eventually(() => {
      if (world.joren.rows(`select 1 from chat_messages where text like '山田です%'`).length !== 1)
        throw new Error('not stored yet')
    })
    const number = numberOf(member.userId)

    // The documents, in Japanese, with the purpose of use; the agreement to this version.
    const docs = await world.api<{
      version: string
      privacyPolicy: string
      agreedVersion: string | null
    }>('GET', '/api/liff/privacy', { token: member.token() })
    expect(docs.status).toBe(200)
    expect(docs.body.privacyPolicy).toContain('利用目的')
    expect(docs.body.agreedVersion).toBeNull()
    const stale = await world.api('POST', '/api/liff/privacy/agree', {
      token: member.token(),
      body: { version: 'v1' },
    })
    expect(stale.status).toBe(409)
    const agreed = await world.api<{ agreedVersion: string }>('POST', '/api/liff/privacy/agree', {
      token: member.token(),
      body: { version: docs.body.version },
    })
    expect(agreed.body.agreedVersion).toBe(docs.body.version)
    expect(
      world.joren.rows('select document, version from member_agreements order by document'),
    ).toEqual([
      { document: 'privacy', version: docs.body.version },
      { document: 'terms', version: docs.body.version },
    ])
    // The owner edits the texts: a new version the member has not agreed to yet.
    const edited = await world.api<{ version: string }>('PUT', '/api/staff/privacy', {
      token: owner.token(),
      body: {
        privacyPolicy: `${docs.body.privacyPolicy}\n8. 追記`,
        terms: '利用規約（改定版）です。'.repeat(3),
      },
    })
    expect(edited.status).toBe(200)
    expect(edited.body.version).not.toBe(docs.body.version)
    const again = await world.api<{ agreedVersion: string | null; terms: string }>(
      'GET',
      '/api/liff/privacy',
      {
        token: member.token(),
      },
    )
    expect(again.body).toMatchObject({
      agreedVersion: null,
      terms: '利用規約（改定版）です。'.repeat(3),
    })

    // The deletion request reaches staff as a task, once while it is open.
    const asked = await world.api<{ deletionRequestedAt: number | null }>(
      'POST',
      '/api/liff/privacy/deletion-request',
      { token: member.token(), body: { confirm: true } },
    )
    expect(asked.status).toBe(201)
    expect(asked.body.deletionRequestedAt).toEqual(expect.any(Number))
    await world.api('POST', '/api/liff/privacy/deletion-request', {
      token: member.token(),
      body: { confirm: true },
    })
    const alerts = await world.api<{
      items: { kind: string; memberNumber: string; summary: string }[]
    }>('GET', '/api/staff/alerts', { token: owner.token() })
    const tasks = alerts.body.items.filter((a) => a.kind === 'data_request')
    expect(tasks).toHaveLength(1)
    expect(tasks[0]).toMatchObject({ memberNumber: number })
    expect(tasks[0]!.summary).toContain('削除依頼')

    // The owner's export: JSON and CSV (BOM), their data only.
    const exp = await world.api<{
      tables: { profile: { display_name: string }[]; conversation: { text: string }[] }
    }>('GET', `/api/staff/members/${number}/export`, { token: owner.token() })
    expect(exp.status).toBe(200)
    expect(exp.body.tables.profile[0]!.display_name).toBe('山田 花子')
    expect(exp.body.tables.conversation.map((m) => m.text)).toContain(
      '山田です、予約の件でご相談があります',
    )
    expect(JSON.stringify(exp.body)).not.toContain('佐藤')
    const csv = await raw(
      `/api/staff/members/${number}/export?format=csv&table=conversation`,
      owner.token(),
    )
    expect(csv.type).toContain('text/csv')
    expect(csv.text.startsWith('\uFEFFmessage_id,')).toBe(true)
    expect(csv.text).toContain('予約の件')

    // Erasure: afterwards nothing of theirs that flowed through the real server is left.
    const needles = [member.userId, '山田 花子', '山田です', '予約の件']
    expect(tracesIn(needles)).not.toEqual([])
    const otherBefore = tracesIn([other.userId, '佐藤 次郎'])
    const erased = await world.api<{ memberNumber: string; erasedAt: number }>(
      'POST',
      `/api/staff/members/${number}/erase`,
      { token: owner.token(), body: { confirmMemberNumber: number } },
    )
    expect(erased.status).toBe(200)
    expect(erased.body.memberNumber).toBe(number)
    expect(world.joren.rows('select 1 from members where line_user_id = ?', member.userId)).toEqual(
      [],
    )
    expect(tracesIn(needles)).toEqual([])
    expect(tracesIn([other.userId, '佐藤 次郎'])).toEqual(otherBefore)
    expect(world.joren.rows(`select 1 from chat_messages where text like '%山田%'`)).toEqual([])
    expect(
      world.joren.rows(
        `select 1 from staff_alerts where kind = 'data_request' and resolved_at is null`,
      ),
    ).toEqual([])
    const audit = world.joren.rows<{ after: string }>(
      `select after from audit_log where action = 'member.erase'`,
    )
    expect(audit).toHaveLength(1)
    expect(audit[0]!.after).not.toContain('山田')
    expect(audit[0]!.after).not.toContain(member.userId)
    const again2 = await world.api('POST', `/api/staff/members/${number}/erase`, {
      token: owner.token(),
      body: { confirmMemberNumber: number },
    })
    expect(code(again2)).toBe('member_erased')

    // The whole shop as CSV: the other member is there, the erased one without name or LINE ID.
    const shop = await raw('/api/staff/privacy/export/members', owner.token())
    expect(shop.status).toBe(200)
    expect(shop.text.startsWith('\uFEFFmember_number,line_user_id,display_name')).toBe(true)
    expect(shop.text).toContain('佐藤 次郎')
    expect(shop.text).toContain(other.userId)
    expect(shop.text).not.toContain('山田')
    expect(shop.text).not.toContain(member.userId)
    expect(shop.text.trimEnd().split('\r\n')).toHaveLength(3)

    // A new follow by the same LINE user makes a fresh member, with a new number.
    await world.standIn.unfollow(member.userId)
    await world.standIn.follow(member.userId)
    await eventually(() => {
      if (
        world.joren.rows('select 1 from members where line_user_id = ?', member.userId).length !== 1
      )
        throw new Error('not yet')
    })
    expect(numberOf(member.userId)).not.toBe(number)
    expect(world.count('members')).toBe(3)
  })
})

describe('agreement to the current documents, on the server', () => {
  it('refuses a profile save (409, in Japanese, nothing saved) until the member agrees to the version the shop set', async () => {
    const owner = await claimOwner(world)
    const member = await world.member('鈴木 一郎')
    const profile = { birthday: '1990-04-01', gender: 'male', prefecture: '13', interests: [] }
    const save = () =>
      world.api('PUT', '/api/liff/profile', { token: member.token(), body: profile })
    // The built-in templates only (nothing set by the shop): the save goes through.
    expect((await save()).status).toBe(200)

    const set = await world.api<{ version: string }>('PUT', '/api/staff/privacy', {
      token: owner.token(),
      body: {
        privacyPolicy: '当店は、お預かりした個人情報を会員サービスの提供のためにのみ利用します。',
        terms: '本規約は、当店の会員サービスの利用条件を定めるものです。会員は本規約に同意します。',
      },
    })
    expect(set.status).toBe(200)
    const profileRow = () =>
      world.joren.rows<{ birthday: string | null; updated_at: number }>(
        'select birthday, updated_at from member_profiles',
      )
    const before = profileRow()
    const refused = await world.api('PUT', '/api/liff/profile', {
      token: member.token(),
      body: { ...profile, birthday: '1991-05-05' },
    })
    expect(refused.status).toBe(409)
    expect(code(refused)).toBe('agreement_required')
    expect((refused.body as { error: { message: string } }).error.message).toContain(
      'プライバシーポリシーと利用規約への同意が必要です',
    )
    expect(profileRow()).toEqual(before)

    // Agreeing to an older version does not count; to the current one does.
    expect(
      (
        await world.api('POST', '/api/liff/privacy/agree', {
          token: member.token(),
          body: { version: 'default-1' },
        })
      ).status,
    ).toBe(409)
    expect(
      (
        await world.api('POST', '/api/liff/privacy/agree', {
          token: member.token(),
          body: { version: set.body.version },
        })
      ).status,
    ).toBe(200)
    const saved = await world.api('PUT', '/api/liff/profile', {
      token: member.token(),
      body: { ...profile, birthday: '1991-05-05' },
    })
    expect(saved.status).toBe(200)
    expect(profileRow()[0]?.birthday).toBe('1991-05-05')
  })
})

describe('an erased member on the dashboard', () => {
  it('is not counted as blocked; a member who blocks is', async () => {
    const owner = await claimOwner(world)
    const erased = await world.member('山田 花子')
    const blocker = await world.member('佐藤 次郎')
    await world.standIn.unfollow(blocker.userId)
    await eventually(() => {
      const [row] = world.joren.rows<{ follow_state: string }>(
        'select follow_state from members where line_user_id = ?',
        blocker.userId,
      )
      if (row?.follow_state !== 'blocked') throw new Error('not yet')
    })
    const number = numberOf(erased.userId)
    const erase = await world.api('POST', `/api/staff/members/${number}/erase`, {
      token: owner.token(),
      body: { confirmMemberNumber: number },
    })
    expect(erase.status).toBe(200)
    // The erased row is marked blocked (never messaged again) with its block time set now.
    expect(
      world.joren.rows(
        'select follow_state, blocked_at is not null as b from members where erased_at is not null',
      ),
    ).toEqual([{ follow_state: 'blocked', b: 1 }])
    const dashboard = await world.api<{ current: { blocked: number; friends: number } }>(
      'GET',
      '/api/staff/dashboard',
      { token: owner.token() },
    )
    expect(dashboard.status).toBe(200)
    expect(dashboard.body.current.blocked).toBe(1)
  })
})
