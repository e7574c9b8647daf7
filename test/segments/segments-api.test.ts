import type { Segment, SegmentCountResponse, SegmentListResponse } from '@joren/shared'
import { describe, expect, it } from 'vitest'
import { CATEGORY_BACKFILL_KEY, runSegmentUpkeep } from '../../server/src/db/segments/upkeep.ts'
import { silentLogger } from '../../server/src/domain/ports.ts'
import { claimOwner, inviteStaff, TestClock, useWorld, type World } from '../auth/world.ts'
import { memberNumberOf } from '../loyalty/world-helpers.ts'

const clock = new TestClock()
const world = useWorld(clock)
const DAY = 86_400_000

type Owner = Awaited<ReturnType<typeof claimOwner>>

async function buy(owner: Owner, memberNumber: string, amountYen: number, categories?: string[]) {
  const res = await world.api<{ purchase: { id: number } }>(
    'POST',
    '/api/staff/register/purchases',
    { token: owner.token(), body: { memberNumber, amountYen, categories } },
  )
  expect(res.status, JSON.stringify(res.body)).toBe(201)
  return res.body.purchase.id
}

function rfm(w: World, memberNumber: string) {
  return w.joren.rows<{ purchase_count: number; spend_total_yen: number; spend_12m_yen: number }>(
    `select purchase_count, spend_total_yen, spend_12m_yen from member_rfm
     where member_id = (select id from members where member_number = ?)`,
    memberNumber,
  )[0]
}

function upkeep(w: World) {
  return runSegmentUpkeep({
    db: w.joren.server.background.db,
    repositories: w.joren.server.background.repositories,
    clock: w.clock,
    logger: silentLogger,
    timeZone: 'Asia/Tokyo',
    // As the Node server runs it: purchases re-aggregated in worker threads.
    rebuildSummary: w.joren.server.rebuildSummary,
  })
}

async function count(owner: Owner, rules: unknown) {
  const res = await world.api<SegmentCountResponse>('POST', '/api/staff/segments/count', {
    token: owner.token(),
    body: { rules },
  })
  expect(res.status).toBe(200)
  return res.body
}

describe('the purchase summary', () => {
  it('follows purchases and refunds at once, and the daily rebuild repairs and ages it', async () => {
    const owner = await claimOwner(world)
    const member = await world.member('花子')
    const number = memberNumberOf(world, member.userId)
    const first = await buy(owner, number, 1000)
    expect(rfm(world, number)).toEqual({
      purchase_count: 1,
      spend_total_yen: 1000,
      spend_12m_yen: 1000,
    })
    await buy(owner, number, 2000)
    expect(rfm(world, number)).toEqual({
      purchase_count: 2,
      spend_total_yen: 3000,
      spend_12m_yen: 3000,
    })
    const refund = await world.api('POST', `/api/staff/purchases/${first}/refund`, {
      token: owner.token(),
    })
    expect(refund.status).toBe(200)
    expect(rfm(world, number)).toEqual({
      purchase_count: 1,
      spend_total_yen: 2000,
      spend_12m_yen: 2000,
    })

    // A drifted row is put right by the daily pass, which runs once per shop-local day.
    world.joren.server.database.sqlite.prepare('update member_rfm set purchase_count = 99').run()
    await upkeep(world)
    expect(rfm(world, number)?.purchase_count).toBe(1)
    world.joren.server.database.sqlite.prepare('update member_rfm set purchase_count = 42').run()
    await upkeep(world)
    expect(rfm(world, number)?.purchase_count).toBe(42)
    // 13 months later the purchase has left the rolling 12 months, not the all-time figures.
    clock.advance(400 * DAY)
    await upkeep(world)
    expect(rfm(world, number)).toEqual({
      purchase_count: 1,
      spend_total_yen: 2000,
      spend_12m_yen: 0,
    })
  })
})

function windows(w: World, memberNumber: string) {
  return w.joren.rows<Record<string, number>>(
    `select purchase_count_30d AS c30, spend_30d_yen AS s30, purchase_count_90d AS c90,
            spend_90d_yen AS s90, purchase_count_365d AS c365, spend_365d_yen AS s365
     from member_rfm where member_id = (select id from members where member_number = ?)`,
    memberNumber,
  )[0]
}

function categories(w: World, memberNumber: string) {
  return w.joren.rows<{ category: string; last_purchase_at: number }>(
    `select category, last_purchase_at from member_categories
     where member_id = (select id from members where member_number = ?) order by category`,
    memberNumber,
  )
}

describe('the windowed and per-category summaries', () => {
  it('follow purchases and refunds at once; the daily pass ages the windows and backfills categories', async () => {
    const owner = await claimOwner(world)
    const member = await world.member('花子')
    const number = memberNumberOf(world, member.userId)
    const goods = await buy(owner, number, 1000, ['goods'])
    clock.advance(DAY)
    const food = await buy(owner, number, 2000, ['food', 'goods'])
    const purchasedAt = (id: number) =>
      world.joren.rows<{ at: number }>(
        'select purchased_at AS at from purchases where id = ?',
        id,
      )[0]?.at
    const goodsAt = purchasedAt(goods)!
    const foodAt = purchasedAt(food)!
    expect(windows(world, number)).toEqual({
      c30: 2,
      s30: 3000,
      c90: 2,
      s90: 3000,
      c365: 2,
      s365: 3000,
    })
    expect(categories(world, number)).toEqual([
      { category: 'food', last_purchase_at: foodAt },
      { category: 'goods', last_purchase_at: foodAt },
    ])
    const spend30 = { type: 'spend', op: 'gte', valueYen: 3000, window: { days: 30 } }
    expect((await count(owner, spend30)).count).toBe(1)

    const refund = await world.api('POST', `/api/staff/purchases/${goods}/refund`, {
      token: owner.token(),
    })
    expect(refund.status).toBe(200)
    expect(windows(world, number)).toEqual({
      c30: 1,
      s30: 2000,
      c90: 1,
      s90: 2000,
      c365: 1,
      s365: 2000,
    })
    expect((await count(owner, spend30)).count).toBe(0)
    expect(goodsAt).toBeLessThan(foodAt)

    // A refund takes a category away when no other purchase had it.
    const goodsOnly = await world.member('次郎')
    const goodsOnlyNumber = memberNumberOf(world, goodsOnly.userId)
    const second = await buy(owner, goodsOnlyNumber, 500, ['goods'])
    const goodsIn30 = { type: 'category', categories: ['goods'], withinDays: 30 }
    expect((await count(owner, goodsIn30)).count).toBe(2)
    await world.api('POST', `/api/staff/purchases/${second}/refund`, { token: owner.token() })
    expect(categories(world, goodsOnlyNumber)).toEqual([])
    expect((await count(owner, goodsIn30)).count).toBe(1)

    // 40 days on, the daily pass has moved the purchase out of the 30-day window only; the
    // category is still bought ever, no longer within 30 days.
    clock.advance(40 * DAY)
    await upkeep(world)
    expect(windows(world, number)).toEqual({
      c30: 0,
      s30: 0,
      c90: 1,
      s90: 2000,
      c365: 1,
      s365: 2000,
    })
    expect((await count(owner, goodsIn30)).count).toBe(0)
    expect((await count(owner, { ...goodsIn30, withinDays: 60 })).count).toBe(1)
    expect(
      (await count(owner, { type: 'purchaseCount', op: 'eq', value: 1, window: { days: 90 } }))
        .count,
    ).toBe(1)

    // Purchases made before the category summary existed are backfilled once, by the daily pass.
    const sqlite = world.joren.server.database.sqlite
    sqlite.prepare('delete from member_categories').run()
    clock.advance(DAY)
    await upkeep(world)
    expect(categories(world, number)).toEqual([])
    sqlite.prepare('delete from settings where key = ?').run(CATEGORY_BACKFILL_KEY)
    clock.advance(DAY)
    await upkeep(world)
    expect(categories(world, number)).toEqual([
      { category: 'food', last_purchase_at: foodAt },
      { category: 'goods', last_purchase_at: foodAt },
    ])
  })

  it('refuses a window the summary does not keep', async () => {
    const owner = await claimOwner(world)
    const res = await world.api('POST', '/api/staff/segments/count', {
      token: owner.token(),
      body: { rules: { type: 'spend', op: 'gte', valueYen: 1, window: { days: 7 } } },
    })
    expect(res.status).toBe(400)
  })
})

describe('/api/staff/segments', () => {
  it('lists the seven built-ins, edits a threshold, and refuses to delete or rewire them', async () => {
    const owner = await claimOwner(world)
    const list = await world.api<SegmentListResponse>('GET', '/api/staff/segments', {
      token: owner.token(),
    })
    expect(list.status).toBe(200)
    expect(list.body.segments.map((s) => s.builtIn)).toEqual([
      'new',
      'loyal',
      'casual',
      'dormant',
      'at_risk',
      'vip',
      'birthday',
    ])
    const dormant = list.body.segments.find((s) => s.builtIn === 'dormant')!
    expect(dormant.name).toBe('ご無沙汰のお客さま')
    expect(dormant.rules).toEqual({ type: 'lastPurchase', op: 'gte', days: 90 })

    const edited = await world.api<Segment>('PUT', `/api/staff/segments/${dormant.id}`, {
      token: owner.token(),
      body: { thresholds: { key: 'dormant', inactiveDays: 45 } },
    })
    expect(edited.status).toBe(200)
    expect(edited.body.rules).toEqual({ type: 'lastPurchase', op: 'gte', days: 45 })
    const again = await world.api<Segment>('GET', `/api/staff/segments/${dormant.id}`, {
      token: owner.token(),
    })
    expect(again.body.thresholds).toEqual({ key: 'dormant', inactiveDays: 45 })

    const wrongKey = await world.api('PUT', `/api/staff/segments/${dormant.id}`, {
      token: owner.token(),
      body: { thresholds: { key: 'vip', topPercent: 10 } },
    })
    expect(wrongKey.status).toBe(400)
    const rewire = await world.api('PUT', `/api/staff/segments/${dormant.id}`, {
      token: owner.token(),
      body: { rules: { type: 'all', rules: [] } },
    })
    expect(rewire.status).toBe(400)
    const del = await world.api('DELETE', `/api/staff/segments/${dormant.id}`, {
      token: owner.token(),
    })
    expect(del.status).toBe(409)
    expect(world.count('segments')).toBe(7)
  })

  it('saves, renames and deletes a custom segment, and refuses bad input with nothing written', async () => {
    const owner = await claimOwner(world)
    const rules = { type: 'all', rules: [{ type: 'tier', op: 'atLeast', tierId: 2 }] }
    const created = await world.api<Segment>('POST', '/api/staff/segments', {
      token: owner.token(),
      body: { name: 'シルバー以上', rules },
    })
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({ name: 'シルバー以上', builtIn: null, rules })
    const renamed = await world.api<Segment>('PUT', `/api/staff/segments/${created.body.id}`, {
      token: owner.token(),
      body: { name: '上位ランク' },
    })
    expect(renamed.body).toMatchObject({ name: '上位ランク', rules })

    const before = world.count('segments')
    const empty = await world.api<{ error: { message: string } }>('POST', '/api/staff/segments', {
      token: owner.token(),
      body: { name: ' ', rules },
    })
    expect(empty.status).toBe(400)
    expect(empty.body.error.message).toContain('セグメント名を入力してください')
    const unknown = await world.api('POST', '/api/staff/segments', {
      token: owner.token(),
      body: { name: 'x', rules: { type: 'sql', where: '1=1' } },
    })
    expect(unknown.status).toBe(400)
    const tooBig = await world.api<{ error: { message: string } }>('POST', '/api/staff/segments', {
      token: owner.token(),
      body: {
        name: 'x',
        rules: {
          type: 'any',
          rules: Array.from({ length: 25 }, (_, i) => ({
            type: 'tags',
            match: 'any',
            tagIds: [i + 1, i + 100, i + 200, i + 300],
          })),
        },
      },
    })
    expect(tooBig.status).toBe(400)
    expect(tooBig.body.error.message).toContain('条件')
    expect(world.count('segments')).toBe(before)

    const del = await world.api('DELETE', `/api/staff/segments/${created.body.id}`, {
      token: owner.token(),
    })
    expect(del.status).toBe(204)
    const gone = await world.api('GET', `/api/staff/segments/${created.body.id}`, {
      token: owner.token(),
    })
    expect(gone.status).toBe(404)
  })

  it('refuses to delete a segment an unfinished broadcast uses, and allows it once that is cancelled', async () => {
    const owner = await claimOwner(world)
    const created = await world.api<Segment>('POST', '/api/staff/segments', {
      token: owner.token(),
      body: { name: '配信で使う', rules: { type: 'all', rules: [] } },
    })
    expect(created.status).toBe(201)
    const broadcast = await world.api<{ broadcast: { id: number } }>(
      'POST',
      '/api/staff/broadcasts',
      {
        token: owner.token(),
        body: {
          title: '週末セール',
          messages: [{ type: 'text', text: '今週末はセールです' }],
          audience: { kind: 'segment', segmentId: created.body.id },
        },
      },
    )
    expect(broadcast.status, JSON.stringify(broadcast.body)).toBe(201)
    const before = world.count('segments')
    const refused = await world.api<{ error: { code: string; message: string } }>(
      'DELETE',
      `/api/staff/segments/${created.body.id}`,
      { token: owner.token() },
    )
    expect(refused.status).toBe(409)
    expect(refused.body.error.code).toBe('segment_in_use')
    expect(refused.body.error.message).toContain('「週末セール」で使われているため削除できません')
    expect(world.count('segments')).toBe(before)

    const cancelled = await world.api(
      'POST',
      `/api/staff/broadcasts/${broadcast.body.broadcast.id}/cancel`,
      { token: owner.token() },
    )
    expect(cancelled.status).toBe(200)
    const del = await world.api('DELETE', `/api/staff/segments/${created.body.id}`, {
      token: owner.token(),
    })
    expect(del.status).toBe(204)
    expect(world.count('segments')).toBe(before - 1)
  })

  it('is closed to the staff role', async () => {
    const owner = await claimOwner(world)
    const clerk = await inviteStaff(world, owner, 'staff')
    const res = await world.api('POST', '/api/staff/segments/count', {
      token: clerk.token(),
      body: { rules: { type: 'all', rules: [] } },
    })
    expect(res.status).toBe(403)
  })

  it('counts live with a sample; VIP, dormant and sendable follow the data', async () => {
    const owner = await claimOwner(world)
    const numbers: string[] = []
    for (const [i, yen] of [1000, 2000, 3000, 4000, 50_000].entries()) {
      const m = await world.member(`会員${i}`)
      const n = memberNumberOf(world, m.userId)
      numbers.push(n)
      await buy(owner, n, yen)
    }
    await world.member('買っていない人')
    const sqlite = world.joren.server.database.sqlite
    // Every friend is reachable by default; one opts out and another blocks the account.
    sqlite
      .prepare(
        `insert into member_profiles (member_id, interests, marketing_choice, updated_at)
       select id, '[]', 'out', 1 from members where member_number = ?`,
      )
      .run(numbers[2])
    sqlite
      .prepare("update members set follow_state = 'blocked' where member_number = ?")
      .run(numbers[3])

    const everyone = await count(owner, { type: 'all', rules: [] })
    expect(everyone.count).toBe(6)
    expect(everyone.sendableCount).toBe(4)
    expect(everyone.sample).toHaveLength(6)
    const vip = await count(owner, { type: 'spendTopPercent', percent: 20 })
    expect(vip.count).toBe(1)
    expect(vip.sample[0]).toMatchObject({
      memberNumber: numbers[4],
      spend12mYen: 50_000,
      tierName: expect.any(String),
    })
    expect(vip.sample[0]?.lastPurchaseAt).toBeGreaterThan(0)
    // The composer previews with the member's real balance.
    const balance = sqlite
      .prepare(
        'select b.balance from point_balances b join members m on m.id = b.member_id where m.member_number = ?',
      )
      .get(numbers[4]) as { balance: number }
    expect(balance.balance).toBeGreaterThan(0)
    expect(vip.sample[0]?.points).toBe(balance.balance)

    expect((await count(owner, { type: 'lastPurchase', op: 'gte', days: 90 })).count).toBe(0)
    clock.advance(91 * DAY)
    const dormant = await count(owner, { type: 'lastPurchase', op: 'gte', days: 90 })
    expect(dormant.count).toBe(5)
    expect(dormant.sendableCount).toBe(3)

    // An injection attempt is just a value no member has.
    const hostile = await count(owner, {
      type: 'attribute',
      key: "' OR 1=1 --",
      value: "x' OR '1'='1",
    })
    expect(hostile.count).toBe(0)
    expect(world.count('members')).toBe(6)

    const invalid = await world.api('POST', '/api/staff/segments/count', {
      token: owner.token(),
      body: { rules: { type: 'lastPurchase', op: 'gte', days: -1 } },
    })
    expect(invalid.status).toBe(400)
  })
})
