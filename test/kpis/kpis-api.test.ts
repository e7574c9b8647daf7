import type { Dashboard, DashboardInsights } from '@joren/shared'
import { describe, expect, it } from 'vitest'
import { claimOwner, inviteStaff, useWorld, TestClock } from '../auth/world.ts'
import { memberNumberOf } from '../loyalty/world-helpers.ts'
import { eventually } from '../support/joren-node.ts'

const clock = new TestClock()
const world = useWorld(clock)

/** A shop-local (JST) date `days` from today. */
const jstDate = (days: number) =>
  new Date(clock.now() + 9 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10)

async function get(path: string, token?: string) {
  const res = await fetch(`${world.joren.server.url}${path}`, {
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  })
  const text = await res.text()
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : null }
}

async function key(owner: { token(): string }, scopes: string[]) {
  const created = await world.api<{ key: string }>('POST', '/api/staff/api-keys', {
    token: owner.token(),
    body: { name: scopes.join(','), scopes },
  })
  expect(created.status).toBe(201)
  return created.body.key
}

async function purchase(
  posKey: string,
  memberNumber: string,
  amountYen: number,
  at: string,
  n: string,
) {
  const res = await fetch(`${world.joren.server.url}/api/v1/purchases`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${posKey}`,
      'content-type': 'application/json',
      'idempotency-key': n,
    },
    body: JSON.stringify({ memberNumber, amountYen, purchasedAt: at }),
  })
  expect(res.status).toBe(201)
}

describe('GET /api/v1/kpis (integration API key with kpis:read)', () => {
  it('answers the KPIs of purchases recorded through the API, fed by their events', async () => {
    const owner = await claimOwner(world)
    const pos = await key(owner, ['purchases:write'])
    const bi = await key(owner, ['kpis:read'])
    const taro = memberNumberOf(world, (await world.member('太郎')).userId)
    const hanako = memberNumberOf(world, (await world.member('花子')).userId)
    const yesterday = jstDate(-1)
    const before = jstDate(-2)
    // Taro: 23:59 JST two days ago and 00:01 JST yesterday (the same UTC date); Hanako once.
    await purchase(pos, taro, 1200, `${before}T23:59:00+09:00`, 'a')
    await purchase(pos, taro, 800, `${yesterday}T00:01:00+09:00`, 'b')
    await purchase(pos, hanako, 3001, `${yesterday}T12:00:00+09:00`, 'c')

    const kpis = await eventually(async () => {
      const res = await get(`/api/v1/kpis?from=${yesterday}&to=${yesterday}`, bi)
      expect(res.status).toBe(200)
      expect(res.body).toMatchObject({ buyers: 2 })
      return res.body!
    })
    expect(kpis).toMatchObject({
      from: yesterday,
      to: yesterday,
      timeZone: 'Asia/Tokyo',
      buyers: 2,
      repeatBuyers: 0,
      repeatRate: 0,
      purchases: 2,
      revenueYen: 3801,
      returningBuyers: 1,
      dormant: 0,
      dormantDays: 90,
      // Taro 2,000, Hanako 3,001: mean 2,500.5 → 2,501; median the same.
      ltv12mYen: { mean: 2501, median: 2501, buyers: 2 },
    })
    const both = await get(`/api/v1/kpis?from=${before}&to=${yesterday}`, bi)
    expect(both.body).toMatchObject({ buyers: 2, repeatBuyers: 1, repeatRate: 0.5, purchases: 3 })
  })

  it('refuses other scopes, member and staff tokens, and bad periods (nothing changes)', async () => {
    const owner = await claimOwner(world)
    const pos = await key(owner, ['purchases:write'])
    const bi = await key(owner, ['kpis:read'])
    const member = await world.member('太郎')
    const q = '/api/v1/kpis?from=2026-03-01&to=2026-03-31'
    expect((await get(q)).status).toBe(401)
    expect((await get(q, pos)).status).toBe(403)
    expect((await get(q, member.token())).status).toBe(401)
    expect((await get(q, owner.token())).status).toBe(401)
    expect((await get(q, bi)).status).toBe(200)
    // A KPI key cannot record purchases.
    const write = await fetch(`${world.joren.server.url}/api/v1/purchases`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bi}`, 'idempotency-key': 'x' },
      body: JSON.stringify({ memberNumber: memberNumberOf(world, member.userId), amountYen: 100 }),
    })
    expect(write.status).toBe(403)
    expect(world.count('purchases')).toBe(0)
    for (const bad of [
      '/api/v1/kpis',
      '/api/v1/kpis?from=2026-03-01',
      '/api/v1/kpis?from=2026-03-31&to=2026-03-01',
      '/api/v1/kpis?from=2026-02-01&to=2026-02-30',
      '/api/v1/kpis?from=2026/03/01&to=2026-03-31',
      '/api/v1/kpis?from=2026-03-01&to=2026-03-31&member=1',
      '/api/v1/kpis?from=2000-01-01&to=2026-03-31',
    ]) {
      const res = await get(bad, bi)
      expect(res.status, bad).toBe(400)
      expect(JSON.stringify(res.body), bad).toMatch(/[ぁ-んァ-ヶ一-龠]/)
    }
  })
})

describe('GET /api/staff/dashboard', () => {
  it('owner and admin see the period against the previous one; staff and members are refused', async () => {
    const owner = await claimOwner(world)
    const admin = await inviteStaff(world, owner, 'admin')
    const staff = await inviteStaff(world, owner, 'staff')
    const pos = await key(owner, ['purchases:write'])
    const taro = await world.member('太郎')
    const today = jstDate(0)
    await purchase(
      pos,
      memberNumberOf(world, taro.userId),
      1500,
      `${jstDate(-1)}T10:00:00+09:00`,
      'a',
    )
    await purchase(
      pos,
      memberNumberOf(world, taro.userId),
      500,
      `${jstDate(-40)}T10:00:00+09:00`,
      'b',
    )
    const dashboard = await eventually(async () => {
      const res = await world.api<Dashboard>('GET', '/api/staff/dashboard', {
        token: owner.token(),
      })
      expect(res.status).toBe(200)
      expect(res.body.current.buyers).toBe(1)
      return res.body
    })
    expect(dashboard.current).toMatchObject({
      from: jstDate(-29),
      to: today,
      friends: 1,
      newFriends: 1,
      buyers: 1,
      purchases: 1,
      revenueYen: 1500,
      averageOrderYen: 1500,
      returningBuyers: 1,
      returningShare: 1,
    })
    expect(dashboard.previous).toMatchObject({
      from: jstDate(-59),
      to: jstDate(-30),
      buyers: 1,
      revenueYen: 500,
    })
    expect(dashboard.ltvTrend).toHaveLength(6)
    expect(dashboard.rfm).toEqual([
      { recency: '0-30', frequency: '2', members: 1, revenueYen: 2000 },
    ])
    const adminView = await world.api('GET', '/api/staff/dashboard', { token: admin.token() })
    expect(adminView.status).toBe(200)
    expect((await world.api('GET', '/api/staff/dashboard', { token: staff.token() })).status).toBe(
      403,
    )
    expect((await world.api('GET', '/api/staff/dashboard', { token: taro.token() })).status).toBe(
      403,
    )
    const bad = await world.api('GET', '/api/staff/dashboard?from=2026-03-05', {
      token: owner.token(),
    })
    expect(bad.status).toBe(400)

    // The insights sections: the same roles and period validation.
    const insights = await world.api<DashboardInsights>('GET', '/api/staff/dashboard/insights', {
      token: owner.token(),
    })
    expect(insights.status).toBe(200)
    expect(insights.body).toMatchObject({ from: jstDate(-29), to: today })
    expect(insights.body.satisfaction).toHaveLength(6)
    expect(insights.body.coupons.find((c) => c.source === 'welcome')).toBeDefined()
    expect(insights.body.economy.returningBuyers).toBeGreaterThanOrEqual(0)
    for (const [token, status] of [
      [admin.token(), 200],
      [staff.token(), 403],
      [taro.token(), 403],
    ] as const)
      expect((await world.api('GET', '/api/staff/dashboard/insights', { token })).status).toBe(
        status,
      )
    const badInsights = await world.api('GET', '/api/staff/dashboard/insights?to=2026-03-05', {
      token: owner.token(),
    })
    expect(badInsights.status).toBe(400)
  })
})
