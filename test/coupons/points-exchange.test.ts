import type { ExchangeCatalogue } from '@joren/shared'
import { describe, expect, it } from 'vitest'
import { claimOwner, useWorld, TestClock } from '../auth/world.ts'
import { createTemplate, DAY } from './coupon-world.ts'

type ErrorBody = { error: { code: string; message: string } }

const clock = new TestClock()
const world = useWorld(clock)

/** A member holding `points` (granted through the ledger's own planner). */
async function memberWithPoints(points: number) {
  const user = await world.member('ポイント会員')
  const [row] = world.joren.rows<{ id: number }>(
    'select id from members where line_user_id = ?',
    user.userId,
  )
  const memberId = row?.id ?? 0
  const { repositories, uow } = world.joren.server.background
  const writes = repositories.points.grantWrites({
    memberId,
    points,
    kind: 'adjust',
    expiresAt: clock.now() + 365 * DAY,
    dedupeKey: `test-grant:${memberId}`,
    now: clock.now(),
  })
  await uow.commit(writes)
  return { user, memberId }
}

const balanceOf = (memberId: number) =>
  world.joren.rows<{ balance: number }>(
    'select balance from point_balances where member_id = ?',
    memberId,
  )[0]?.balance

describe('points exchange', () => {
  it('spends the points and issues the coupon together, once per request', async () => {
    const owner = await claimOwner(world)
    const template = await createTemplate(world, owner, { pointsCost: 300, title: '300pt 交換' })
    await createTemplate(world, owner, { title: '交換できない' })
    const { user, memberId } = await memberWithPoints(500)
    const catalogue = await world.api<ExchangeCatalogue>('GET', '/api/liff/coupons/exchange', {
      token: user.token(),
    })
    expect(catalogue.body).toMatchObject({
      balance: 500,
      items: [{ templateId: template.id, pointsCost: 300 }],
    })
    const body = { templateId: template.id, requestId: 'req-00000001' }
    const [a, b] = await Promise.all([
      world.api('POST', '/api/liff/coupons/exchange', { token: user.token(), body }),
      world.api('POST', '/api/liff/coupons/exchange', { token: user.token(), body }),
    ])
    expect([a.status, b.status]).toEqual([201, 201])
    expect(a.body).toEqual(b.body)
    expect(balanceOf(memberId)).toBe(200)
    expect(world.joren.rows('select source, source_ref from coupons')).toEqual([
      { source: 'points_exchange', source_ref: 'points:300' },
    ])
  })

  it('not enough points: no coupon, balance unchanged', async () => {
    const owner = await claimOwner(world)
    const template = await createTemplate(world, owner, { pointsCost: 300 })
    const { user, memberId } = await memberWithPoints(299)
    const res = await world.api<ErrorBody>('POST', '/api/liff/coupons/exchange', {
      token: user.token(),
      body: { templateId: template.id, requestId: 'req-00000002' },
    })
    expect(res.status).toBe(409)
    expect(res.body.error.code).toBe('not_enough_points')
    expect(balanceOf(memberId)).toBe(299)
    expect(world.count('coupons')).toBe(0)
    expect(
      world.joren.rows('select issued_count from coupon_templates where id = ?', template.id),
    ).toEqual([{ issued_count: 0 }])
  })

  it('limit reached: no points spent', async () => {
    const owner = await claimOwner(world)
    const template = await createTemplate(world, owner, { pointsCost: 100, perMemberLimit: 1 })
    const { user, memberId } = await memberWithPoints(1000)
    const first = await world.api('POST', '/api/liff/coupons/exchange', {
      token: user.token(),
      body: { templateId: template.id, requestId: 'req-00000003' },
    })
    expect(first.status).toBe(201)
    // The catalogue offers only what the member can still get: this one is at its limit.
    const other = await createTemplate(world, owner, { pointsCost: 200, title: '別の交換' })
    const soldOut = await createTemplate(world, owner, {
      pointsCost: 50,
      title: '売り切れ',
      totalLimit: 1,
    })
    const rival = await memberWithPoints(100)
    const bought = await world.api('POST', '/api/liff/coupons/exchange', {
      token: rival.user.token(),
      body: { templateId: soldOut.id, requestId: 'req-00000005' },
    })
    expect(bought.status).toBe(201)
    const catalogue = await world.api<ExchangeCatalogue>('GET', '/api/liff/coupons/exchange', {
      token: user.token(),
    })
    expect(catalogue.body.items.map((i) => i.templateId)).toEqual([other.id])
    const second = await world.api<ErrorBody>('POST', '/api/liff/coupons/exchange', {
      token: user.token(),
      body: { templateId: template.id, requestId: 'req-00000004' },
    })
    expect(second.status).toBe(409)
    expect(second.body.error.code).toBe('coupon_member_limit')
    expect(balanceOf(memberId)).toBe(900)
    expect(
      world.joren.rows<{ n: number }>(
        "select count(*) as n from point_ledger where kind = 'redeem' and member_id = ?",
        memberId,
      ),
    ).toEqual([{ n: 1 }])
    expect(
      world.joren.rows<{ n: number }>(
        'select count(*) as n from coupons where member_id = ?',
        memberId,
      ),
    ).toEqual([{ n: 1 }])
  })
})
