import type { CouponList, CouponRedeemed, CouponView } from '@joren/shared'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  claimOwner,
  inviteStaff,
  startStandIn,
  startWorld,
  TestClock,
  type World,
} from '../auth/world.ts'
import { expireDueCoupons } from '../../server/src/domain/coupons/coupons.ts'
import { handleEvent } from '../../server/src/domain/webhook/handle-event.ts'
import type { LineStandIn } from '../../server/src/sandbox/line-stand-in/index.ts'
import { eventually } from '../support/joren-node.ts'
import { createTemplate, DAY, issueTo, memberNumberOf, type Owner } from './coupon-world.ts'

type ErrorBody = { error: { code: string; message: string; redeemedAt?: number } }

const clock = new TestClock()
let standIn: LineStandIn
let world: World
let owner: Owner

beforeAll(async () => {
  standIn = await startStandIn(clock)
})
afterAll(async () => {
  await standIn.close()
})
beforeEach(async () => {
  clock.offsetMs = 0
  world = await startWorld(standIn, clock)
  owner = await claimOwner(world)
})
afterEach(async () => {
  await world.joren.close()
})

async function memberWithCoupon(templateOverrides: Record<string, unknown> = {}) {
  const user = await world.member('花子')
  const memberNumber = memberNumberOf(world, user.userId)
  const template = await createTemplate(world, owner, templateOverrides)
  const issued = await issueTo(world, owner, memberNumber, template.id)
  expect(issued.status).toBe(201)
  return { user, memberNumber, template, coupon: issued.body }
}

describe('redeeming a coupon', () => {
  it('redeems once under 50 concurrent register requests; 49 hear "already used" and when', async () => {
    const { memberNumber, coupon } = await memberWithCoupon()
    const staff = await inviteStaff(world, owner, 'staff')
    const token = staff.token()
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        world.api<CouponRedeemed | ErrorBody>('POST', '/api/staff/register/coupons/redeem', {
          token,
          body: { couponId: coupon.id, memberNumber },
        }),
      ),
    )
    const ok = results.filter((r) => r.status === 200)
    const refused = results.filter((r) => r.status === 409)
    expect(ok).toHaveLength(1)
    expect(refused).toHaveLength(49)
    for (const r of refused) {
      const body = r.body as ErrorBody
      expect(body.error.code).toBe('coupon_already_redeemed')
      expect(body.error.message).toMatch(
        /使用済みです（\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2} に使用）/,
      )
    }
    expect(
      world.joren.rows(
        'select state, redeemed_via, redeemed_by from coupons where id = ?',
        coupon.id,
      ),
    ).toEqual([{ state: 'redeemed', redeemed_via: 'staff_scan', redeemed_by: staff.id }])
  })

  it('redeems by the signed code the mini-app shows, and refuses a forged or stale code', async () => {
    const { user, coupon } = await memberWithCoupon()
    const code = await world.api<{ token: string }>('GET', `/api/liff/coupons/${coupon.id}/code`, {
      token: user.token(),
    })
    expect(code.status).toBe(200)
    expect(code.body.token).toMatch(/^JC1\./)
    const forged = await world.api<ErrorBody>('POST', '/api/staff/register/coupons/redeem', {
      token: owner.token(),
      body: { code: code.body.token.replace(/^JC1\.\d+/, 'JC1.999') },
    })
    expect(forged.body.error.code).toBe('coupon_code_invalid')
    const used = await world.api<CouponRedeemed>('POST', '/api/staff/register/coupons/redeem', {
      token: owner.token(),
      body: { code: code.body.token },
    })
    expect(used.status).toBe(200)
    expect(used.body.coupon).toMatchObject({ id: coupon.id, state: 'redeemed' })
    clock.advance(6 * 60 * 1000)
    const stale = await world.api<ErrorBody>('POST', '/api/staff/register/coupons/redeem', {
      token: owner.token(),
      body: { code: code.body.token },
    })
    expect(stale.body.error.code).toBe('coupon_code_expired')
  })

  it('refuses an expired and a revoked coupon with their own messages', async () => {
    const { user, memberNumber, template, coupon } = await memberWithCoupon({ perMemberLimit: 2 })
    const second = await issueTo(world, owner, memberNumber, template.id)
    const revoke = await world.api(
      'POST',
      `/api/staff/members/${memberNumber}/coupons/${second.body.id}/revoke`,
      {
        token: owner.token(),
      },
    )
    expect(revoke.status).toBe(200)
    const revoked = await world.api<ErrorBody>('POST', `/api/liff/coupons/${second.body.id}/use`, {
      token: user.token(),
    })
    expect(revoked.status).toBe(409)
    expect(revoked.body.error).toMatchObject({ code: 'coupon_revoked' })
    expect(revoked.body.error.message).toContain('取り消されたため')

    clock.advance(31 * DAY)
    const expired = await world.api<ErrorBody>('POST', '/api/staff/register/coupons/redeem', {
      token: owner.token(),
      body: { couponId: coupon.id, memberNumber },
    })
    expect(expired.status).toBe(409)
    expect(expired.body.error.code).toBe('coupon_expired')
    expect(expired.body.error.message).toContain('有効期限切れ')
    const list = await world.api<CouponList>('GET', '/api/liff/coupons', { token: user.token() })
    expect(list.body.coupons.map((c) => c.state).sort()).toEqual(['expired', 'revoked'])
    expect(
      world.joren.rows<{ n: number }>("select count(*) as n from coupons where state = 'redeemed'"),
    ).toEqual([{ n: 0 }])
    expect(
      world.joren.rows("select action from audit_log where action like 'coupon.%' order by id"),
    ).toEqual([{ action: 'coupon.issue' }, { action: 'coupon.issue' }, { action: 'coupon.revoke' }])
  })

  it('a retried "use now" does not redeem twice, and staff see the coupon used', async () => {
    const { user, memberNumber, coupon } = await memberWithCoupon()
    const first = await world.api<CouponRedeemed>('POST', `/api/liff/coupons/${coupon.id}/use`, {
      token: user.token(),
    })
    expect(first.status).toBe(200)
    expect(first.body).toMatchObject({
      coupon: { id: coupon.id, state: 'redeemed', redeemedVia: 'member_confirm' },
      shopName: expect.any(String),
    })
    const retry = await world.api<ErrorBody>('POST', `/api/liff/coupons/${coupon.id}/use`, {
      token: user.token(),
    })
    expect(retry.status).toBe(409)
    expect(retry.body.error).toMatchObject({
      code: 'coupon_already_redeemed',
      redeemedAt: first.body.coupon.redeemedAt,
    })
    const staffView = await world.api<CouponList>(
      'GET',
      `/api/staff/members/${memberNumber}/coupons`,
      {
        token: owner.token(),
      },
    )
    expect(staffView.body.coupons).toMatchObject([
      { id: coupon.id, state: 'redeemed', redeemedAt: first.body.coupon.redeemedAt },
    ])
  })

  it("never shows or redeems another member's coupon", async () => {
    const { coupon } = await memberWithCoupon()
    const other = await world.member('他人')
    for (const [method, path] of [
      ['GET', `/api/liff/coupons/${coupon.id}`],
      ['GET', `/api/liff/coupons/${coupon.id}/code`],
      ['POST', `/api/liff/coupons/${coupon.id}/use`],
    ] as const) {
      const res = await world.api<ErrorBody>(method, path, { token: other.token() })
      expect(res.status).toBe(404)
    }
    expect(world.joren.rows('select state from coupons')).toEqual([{ state: 'issued' }])
  })
})

describe('the expiry job', () => {
  it('marks issued coupons past expiry as expired, once, and leaves the rest', async () => {
    const { coupon } = await memberWithCoupon({ validDays: 1 })
    const { repositories } = world.joren.server.background
    expect(await expireDueCoupons(repositories.coupons, clock.now())).toBe(0)
    clock.advance(2 * DAY)
    expect(await expireDueCoupons(repositories.coupons, clock.now())).toBe(1)
    expect(await expireDueCoupons(repositories.coupons, clock.now())).toBe(0)
    expect(world.joren.rows('select state from coupons where id = ?', coupon.id)).toEqual([
      { state: 'expired' },
    ])
  })
})

describe('issuing coupons', () => {
  it('holds the total limit under 20 parallel issues', async () => {
    const template = await createTemplate(world, owner, { totalLimit: 5, perMemberLimit: 10 })
    const users = await Promise.all(Array.from({ length: 4 }, (_, i) => world.member(`会員${i}`)))
    const numbers = users.map((u) => memberNumberOf(world, u.userId))
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        issueTo(world, owner, numbers[i % numbers.length] ?? '', template.id),
      ),
    )
    expect(results.filter((r) => r.status === 201)).toHaveLength(5)
    const refused = results.filter((r) => r.status === 409)
    expect(refused).toHaveLength(15)
    expect(world.count('coupons')).toBe(5)
    expect(
      world.joren.rows('select issued_count from coupon_templates where id = ?', template.id),
    ).toEqual([{ issued_count: 5 }])
  })

  it('holds the per-member limit under parallel issues, with a clear message', async () => {
    const user = await world.member()
    const memberNumber = memberNumberOf(world, user.userId)
    const template = await createTemplate(world, owner, { perMemberLimit: 2 })
    const results = await Promise.all(
      Array.from({ length: 10 }, () => issueTo(world, owner, memberNumber, template.id)),
    )
    expect(results.filter((r) => r.status === 201)).toHaveLength(2)
    const refused = results.filter((r) => r.status === 409)
    expect(refused).toHaveLength(8)
    expect(refused[0]?.body.error?.message).toContain('上限枚数')
    expect(world.count('coupons')).toBe(2)
  })

  it('refuses an archived template and one outside its window', async () => {
    const user = await world.member()
    const memberNumber = memberNumberOf(world, user.userId)
    const archived = await createTemplate(world, owner)
    await world.api('POST', `/api/staff/coupons/templates/${archived.id}/archive`, {
      token: owner.token(),
    })
    const a = await issueTo(world, owner, memberNumber, archived.id)
    expect(a.body.error?.code).toBe('coupon_template_archived')
    const later = await createTemplate(world, owner, {
      validity: 'window',
      validFrom: clock.now() + DAY,
      validUntil: clock.now() + 10 * DAY,
    })
    const w = await issueTo(world, owner, memberNumber, later.id)
    expect(w.body.error?.code).toBe('coupon_outside_window')
    expect(world.count('coupons')).toBe(0)
  })

  it('lets staff issue but not manage templates; freezes kind and value once issued', async () => {
    const staff = await inviteStaff(world, owner, 'staff')
    const user = await world.member()
    const template = await createTemplate(world, owner)
    const denied = await world.api<ErrorBody>('POST', '/api/staff/coupons/templates', {
      token: staff.token(),
      body: { kind: 'gift', title: 'x', validity: 'days', validDays: 3 },
    })
    expect(denied.status).toBe(403)
    const issued = await issueTo(world, staff, memberNumberOf(world, user.userId), template.id)
    expect(issued.status).toBe(201)
    const locked = await world.api<ErrorBody>(
      'PATCH',
      `/api/staff/coupons/templates/${template.id}`,
      {
        token: owner.token(),
        body: { value: 500 },
      },
    )
    expect(locked.body.error.code).toBe('coupon_template_locked')
    const retitled = await world.api<{ title: string }>(
      'PATCH',
      `/api/staff/coupons/templates/${template.id}`,
      { token: owner.token(), body: { title: '新しいタイトル' } },
    )
    expect(retitled.body.title).toBe('新しいタイトル')
    const same = await world.api('PATCH', `/api/staff/coupons/templates/${template.id}`, {
      token: owner.token(),
      body: { kind: 'yen_off', value: 100, perMemberLimit: 2 },
    })
    expect(same.status).toBe(200)
    const below = await world.api<ErrorBody>(
      'PATCH',
      `/api/staff/coupons/templates/${template.id}`,
      {
        token: owner.token(),
        body: { totalLimit: 2, perMemberLimit: 1 },
      },
    )
    expect(below.status).toBe(200)
    await issueTo(
      world,
      staff,
      memberNumberOf(world, (await world.member('次の人')).userId),
      template.id,
    )
    const tooLow = await world.api<ErrorBody>(
      'PATCH',
      `/api/staff/coupons/templates/${template.id}`,
      {
        token: owner.token(),
        body: { totalLimit: 1 },
      },
    )
    expect(tooLow.body.error.code).toBe('coupon_limit_below_issued')
    const list = await world.api<{ templates: { id: number; issuedCount: number }[] }>(
      'GET',
      '/api/staff/coupons/templates',
      { token: staff.token() },
    )
    expect(list.body.templates).toMatchObject([{ id: template.id, issuedCount: 2, totalLimit: 2 }])
  })
})

describe('the welcome coupon', () => {
  it('is issued on the first follow only: not again after block and re-follow, nor on a replay', async () => {
    const template = await createTemplate(world, owner, { title: 'ようこそクーポン' })
    const set = await world.api('PUT', '/api/staff/coupons/welcome', {
      token: owner.token(),
      body: { templateId: template.id },
    })
    expect(set.status).toBe(200)
    const user = world.stranger('新人')
    const followEvent = standIn.buildEvent.follow(user.userId)
    await standIn.deliver([followEvent])
    await eventually(() => expect(standIn.received(user.userId)).toHaveLength(3))
    const card = standIn.received(user.userId)[2]?.message as { type: string; altText: string }
    expect(card).toMatchObject({ type: 'flex', altText: 'クーポン: ようこそクーポン' })
    expect(world.joren.rows('select source from coupons')).toEqual([{ source: 'welcome' }])

    // The same event handled again (a crash after the coupon, before the inbox row was marked).
    const { processorDeps } = world.joren.server.background
    await handleEvent(
      processorDeps,
      followEvent as unknown as Parameters<typeof handleEvent>[1],
      clock.now(),
    )
    expect(world.count('coupons')).toBe(1)
    await standIn.deliver([followEvent], { redelivery: true })
    await standIn.unfollow(user.userId)
    await standIn.follow(user.userId)
    await eventually(() =>
      expect(
        world.joren.rows<{ n: number }>(
          "select count(*) as n from webhook_events where status in ('done', 'ignored')",
        )[0]?.n,
      ).toBeGreaterThanOrEqual(3),
    )
    await world.joren.server.processor.idle()
    expect(world.count('coupons')).toBe(1)
    // The welcome coupon's issue recorded its coupon.issued once, whatever the replays.
    const [coupon] = world.joren.rows<{ id: number; member_id: number }>(
      'select id, member_id from coupons',
    )
    const issued = world.joren.rows<{ member_id: number; data: string }>(
      "select member_id, data from domain_events where type = 'coupon.issued'",
    )
    expect(issued.map((e) => ({ memberId: e.member_id, ...JSON.parse(e.data) }))).toEqual([
      {
        memberId: coupon?.member_id,
        couponId: coupon?.id,
        templateId: template.id,
        source: 'welcome',
        expiresAt: expect.any(Number),
      },
    ])
  })
})

describe('coupons in chat', () => {
  it('answers 「クーポン」 with a carousel of usable coupons that LINE accepts', async () => {
    const { user } = await memberWithCoupon({
      title: '唐揚げ1個サービス',
      kind: 'free_item',
      value: null,
    })
    await standIn.sendText(user.userId, 'クーポン')
    await eventually(() =>
      expect(standIn.received(user.userId).some((m) => m.message.type === 'flex')).toBe(true),
    )
    const reply = standIn
      .requests()
      .filter((r) => r.path === '/v2/bot/message/reply')
      .at(-1)
    expect(reply?.status).toBe(200)
    const message = (reply?.body as { messages: Record<string, unknown>[] }).messages[0]
    expect(message).toMatchObject({ type: 'flex', contents: { type: 'carousel' } })
    const bubble = (message?.contents as { contents: { footer: unknown }[] }).contents[0]
    expect(JSON.stringify(bubble?.footer)).toMatch(/\/liff\/coupons\/\d+/)
  })

  it('says so kindly when there are none (postback action=coupons)', async () => {
    const user = await world.member()
    await standIn.postback(user.userId, 'action=coupons')
    const answer = () =>
      standIn
        .received(user.userId)
        .map((m) => m.message)
        .find((m) => m.type === 'text' && String(m.text).includes('クーポンはありません'))
    await eventually(() => expect(answer()).toBeDefined())
    expect(String(answer()?.text)).toContain('新しいクーポンが届いたらお知らせします')
  })
})

describe('the mini-app coupon list', () => {
  it('shows usable, used and expired coupons with their states', async () => {
    const { user, memberNumber, template } = await memberWithCoupon({ perMemberLimit: 3 })
    const second = await issueTo(world, owner, memberNumber, template.id)
    await world.api('POST', `/api/liff/coupons/${second.body.id}/use`, { token: user.token() })
    const list = await world.api<CouponList>('GET', '/api/liff/coupons', { token: user.token() })
    expect(list.body.coupons.map((c: CouponView) => c.state).sort()).toEqual(['issued', 'redeemed'])
  })
})
