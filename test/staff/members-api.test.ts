import { describe, expect, it } from 'vitest'
import { claimOwner, inviteStaff, useWorld, TestClock } from '../auth/world.ts'

const clock = new TestClock()
const world = useWorld(clock)

const code = (res: { body: unknown }) => (res.body as { error?: { code?: string } }).error?.code

async function team() {
  const owner = await claimOwner(world)
  const admin = await inviteStaff(world, owner, 'admin')
  const staff = await inviteStaff(world, owner, 'staff')
  return { owner, admin, staff }
}

describe('staff members API', () => {
  it('finds a member by number and by name, and shows the detail', async () => {
    const { staff } = await team()
    await world.member('山田 花子')
    const [row] = world.joren.rows<{ member_number: string }>(
      "select member_number from members where display_name = '山田 花子'",
    )
    const number = row!.member_number
    const byNumber = await world.api<{ items: { displayName: string }[] }>(
      'GET',
      `/api/staff/members?q=${number}`,
      { token: staff.token() },
    )
    expect(byNumber.status).toBe(200)
    expect(byNumber.body.items.map((m) => m.displayName)).toEqual(['山田 花子'])
    const byName = await world.api<{ items: unknown[] }>(
      'GET',
      `/api/staff/members?q=${encodeURIComponent('花子')}`,
      {
        token: staff.token(),
      },
    )
    expect(byName.body.items).toHaveLength(1)
    const detail = await world.api('GET', `/api/staff/members/${number}`, { token: staff.token() })
    expect(detail.status).toBe(200)
    expect(detail.body).toMatchObject({
      memberNumber: number,
      displayName: '山田 花子',
      followState: 'following',
      tags: [],
      notes: [],
      profile: null,
    })
    expect(detail.body).not.toHaveProperty('id')
  })

  it('refuses a member token, bad input and unknown members with clear errors', async () => {
    const { staff } = await team()
    const member = await world.member()
    expect(code(await world.api('GET', '/api/staff/members', { token: member.token() }))).toBe(
      'not_staff',
    )
    expect((await world.api('GET', '/api/staff/members', {})).status).toBe(401)
    const bad = await world.api('GET', '/api/staff/members?limit=1000', { token: staff.token() })
    expect(bad.status).toBe(400)
    expect(code(bad)).toBe('invalid_request')
    expect(code(await world.api('GET', '/api/staff/members/12', { token: staff.token() }))).toBe(
      'invalid_request',
    )
    const missing = await world.api('GET', '/api/staff/members/9999999999', {
      token: staff.token(),
    })
    expect(missing.status).toBe(404)
    expect(code(missing)).toBe('member_not_found')
  })

  it('lets every role tag members and write notes, audited; only owner and admin manage tags', async () => {
    const { owner, admin, staff } = await team()
    await world.member('佐藤')
    const [row] = world.joren.rows<{ member_number: string }>('select member_number from members')
    const number = row!.member_number

    expect(
      (await world.api('POST', '/api/staff/tags', { token: staff.token(), body: { name: 'VIP' } }))
        .status,
    ).toBe(403)
    const created = await world.api<{ id: number }>('POST', '/api/staff/tags', {
      token: admin.token(),
      body: { name: 'VIP' },
    })
    expect(created.status).toBe(201)
    const dup = await world.api('POST', '/api/staff/tags', {
      token: owner.token(),
      body: { name: 'VIP' },
    })
    expect(dup.status).toBe(409)
    expect(
      (await world.api('POST', '/api/staff/tags', { token: owner.token(), body: { name: '  ' } }))
        .status,
    ).toBe(400)

    const tagId = created.body.id
    expect(
      (
        await world.api('PUT', `/api/staff/members/${number}/tags/${tagId}`, {
          token: staff.token(),
        })
      ).status,
    ).toBe(204)
    expect(
      (
        await world.api('PUT', `/api/staff/members/${number}/tags/${tagId}`, {
          token: staff.token(),
        })
      ).status,
    ).toBe(204)
    const note = await world.api('POST', `/api/staff/members/${number}/notes`, {
      token: staff.token(),
      body: { body: '甘いものが好き' },
    })
    expect(note.status).toBe(201)

    const detail = await world.api<{
      tags: unknown[]
      notes: { body: string; staffName: string }[]
    }>('GET', `/api/staff/members/${number}`, { token: staff.token() })
    expect(detail.body.tags).toEqual([{ id: tagId, name: 'VIP' }])
    expect(detail.body.notes).toMatchObject([{ body: '甘いものが好き', staffName: 'スタッフさん' }])
    const tagged = await world.api<{ items: unknown[] }>('GET', `/api/staff/members?tag=${tagId}`, {
      token: staff.token(),
    })
    expect(tagged.body.items).toHaveLength(1)

    expect(
      (
        await world.api('PATCH', `/api/staff/tags/${tagId}`, {
          token: staff.token(),
          body: { name: 'x' },
        })
      ).status,
    ).toBe(403)
    expect(
      (
        await world.api('PATCH', `/api/staff/tags/${tagId}`, {
          token: owner.token(),
          body: { name: '常連' },
        })
      ).status,
    ).toBe(200)
    expect(
      (await world.api('DELETE', `/api/staff/tags/${tagId}`, { token: staff.token() })).status,
    ).toBe(403)
    expect(
      (await world.api('DELETE', `/api/staff/tags/${tagId}`, { token: admin.token() })).status,
    ).toBe(204)
    expect(
      (await world.api('DELETE', `/api/staff/tags/${tagId}`, { token: admin.token() })).status,
    ).toBe(404)

    const audit = world.joren.rows<{
      action: string
      staff_id: number
      before: string | null
      after: string | null
    }>(
      "select action, staff_id, before, after from audit_log where action like 'tag.%' or action like 'member.%' order by id",
    )
    expect(audit.map((a) => a.action)).toEqual([
      'tag.create',
      'member.tag.add', // the second PUT changed nothing and wrote nothing
      'member.note.add',
      'tag.rename',
      'tag.delete',
    ])
    expect(audit[1]).toMatchObject({ staff_id: staff.id, after: JSON.stringify({ tag: 'VIP' }) })
    expect(JSON.parse(audit[3]!.before!)).toEqual({ id: tagId, name: 'VIP' })
    expect(JSON.parse(audit[3]!.after!)).toEqual({ id: tagId, name: '常連' })
    expect(world.count('member_tags')).toBe(0)
  })
})
