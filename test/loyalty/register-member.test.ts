import { describe, expect, it } from 'vitest'
import { claimOwner, inviteStaff, useWorld, TestClock } from '../auth/world.ts'
import { memberNumberOf } from './world-helpers.ts'

const clock = new TestClock()
const world = useWorld(clock)

type Who = {
  memberNumber: string
  displayName: string | null
  tier: string | null
  balance: number
}
type ErrorBody = { error: { code: string; message: string } }

describe('the register confirm step (POST /api/staff/register/member)', () => {
  it("shows the typed number's member by name, tier and points, and changes nothing", async () => {
    const owner = await claimOwner(world)
    const clerk = await inviteStaff(world, owner, 'staff')
    const member = await world.member('山田 花子')
    const memberNumber = memberNumberOf(world, member.userId)
    await world.api('POST', '/api/staff/register/purchases', {
      token: clerk.token(),
      body: { memberNumber, amountYen: 2500 },
    })
    const before = world.count('purchases')
    const res = await world.api<Who>('POST', '/api/staff/register/member', {
      token: clerk.token(),
      body: { memberNumber },
    })
    expect(res.status).toBe(200)
    expect(res.body).toEqual({
      memberNumber,
      displayName: '山田 花子',
      tier: 'レギュラー',
      balance: 25,
    })
    expect(world.count('purchases')).toBe(before)
  })

  it('resolves a scanned card code to the same member', async () => {
    const owner = await claimOwner(world)
    const member = await world.member('佐藤 一郎')
    const card = await world.api<{ token: string }>('GET', '/api/liff/card', {
      token: member.token(),
    })
    const res = await world.api<Who>('POST', '/api/staff/register/member', {
      token: owner.token(),
      body: { cardToken: card.body.token },
    })
    expect(res.status).toBe(200)
    expect(res.body.memberNumber).toBe(memberNumberOf(world, member.userId))
    expect(res.body.displayName).toBe('佐藤 一郎')
  })

  it('says an unknown member number is unknown (404 member_not_found, with the number)', async () => {
    const owner = await claimOwner(world)
    const res = await world.api<ErrorBody>('POST', '/api/staff/register/member', {
      token: owner.token(),
      body: { memberNumber: '1234567890' },
    })
    expect(res.status).toBe(404)
    expect(res.body.error.code).toBe('member_not_found')
    expect(res.body.error.message).toContain('1234567890')
    expect(res.body.error.message).toContain('見つかりません')
  })

  it('refuses bad input with a 400 and no lookup; a stranger is refused', async () => {
    const owner = await claimOwner(world)
    const both = await world.api<ErrorBody>('POST', '/api/staff/register/member', {
      token: owner.token(),
      body: {},
    })
    expect(both.status).toBe(400)
    const short = await world.api<ErrorBody>('POST', '/api/staff/register/member', {
      token: owner.token(),
      body: { memberNumber: '12' },
    })
    expect(short.status).toBe(400)
    const anonymous = await world.api<ErrorBody>('POST', '/api/staff/register/member', {
      body: { memberNumber: '1234567890' },
    })
    expect(anonymous.status).toBe(401)
  })
})
