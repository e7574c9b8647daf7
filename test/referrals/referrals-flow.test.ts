import type { MyReferrals, ReferralClaimResult, StaffReferralRow } from '@joren/shared'
import { describe, expect, it } from 'vitest'
import { silentLogger, webIds } from '../../server/src/domain/ports.ts'
import { runPeriodicJobs } from '../../server/src/compose/upkeep.ts'
import { claimOwner, TestClock, useWorld, type World } from '../auth/world.ts'
import { createTemplate } from '../coupons/coupon-world.ts'
import { eventually } from '../support/joren-node.ts'
import { acceptedMessages, memberNumberOf } from '../loyalty/world-helpers.ts'

/**
 * The referral program end to end, through the real webhook (signed by the LINE stand-in), the
 * member and staff APIs and the event relay: A shares, B claims with a verified ID token, follows,
 * buys — both are rewarded once and messaged once; every refusal is recorded with its reason and
 * the newcomer reads a polite status.
 */

const clock = new TestClock()
const world = useWorld(clock)

type Owner = Awaited<ReturnType<typeof claimOwner>>
type User = { userId: string; token(): string }

async function openProgram(w: World, owner: Owner, overrides: Record<string, unknown> = {}) {
  const template = await createTemplate(w, owner, {
    title: '紹介お礼 500円引き',
    value: 500,
    perMemberLimit: 20,
  })
  const res = await w.api('PUT', '/api/staff/referrals/settings', {
    token: owner.token(),
    body: {
      enabled: true,
      qualifyOn: 'first_purchase',
      referrerReward: { kind: 'coupon', templateId: template.id },
      newcomerReward: { kind: 'points', points: 300 },
      monthlyCap: 10,
      card: { title: 'お友だち紹介', text: 'はじめてのお買い物で300ポイント', imageUrl: null },
      ...overrides,
    },
  })
  expect(res.status).toBe(200)
  return template
}

async function codeOf(w: World, user: User) {
  const res = await w.api<MyReferrals>('GET', '/api/liff/referrals', { token: user.token() })
  expect(res.status).toBe(200)
  if (!res.body.code) throw new Error('no code')
  return res.body
}

const claim = (w: World, user: User, code: string) =>
  w.api<ReferralClaimResult>('POST', '/api/liff/referrals/claim', {
    token: user.token(),
    body: { code },
  })

function referralRows(w: World) {
  return w.joren.rows<{ status: string; reason: string | null; newcomer_line_user_id: string }>(
    'select status, reason, newcomer_line_user_id from referrals order by id',
  )
}

async function purchase(w: World, owner: Owner, userId: string, amountYen = 2_000) {
  await eventually(() => memberNumberOf(w, userId))
  const res = await w.api<{ purchase: { id: number } }>('POST', '/api/staff/register/purchases', {
    token: owner.token(),
    body: { memberNumber: memberNumberOf(w, userId), amountYen, categories: [] },
  })
  expect(res.status).toBe(201)
  return res.body.purchase.id
}

const texts = (w: World, userId: string) =>
  acceptedMessages(w, userId)
    .map((m) => m.message)
    .filter((m) => m.type === 'text')
    .map((m) => String(m.text))

async function settled(w: World) {
  await eventually(() => {
    const [row] = w.joren.rows<{ n: number }>(
      "select count(*) as n from webhook_events where status not in ('done', 'ignored')",
    )
    if (row?.n !== 0) throw new Error('events still pending')
  })
}

describe('the referral flow', () => {
  it('A shares, B opens the link, follows, opens the mini-app and buys: both rewarded once, both messaged once', async () => {
    const owner = await claimOwner(world)
    await openProgram(world, owner)
    const a = await world.member('紹介者A')
    const mine = await codeOf(world, a)
    expect(mine.code).toMatch(/^[A-HJKMNP-Z2-9]{10}$/)
    expect(mine.link).toBe(`http://localhost:8787/liff/referral?code=${mine.code}`)
    // Not derived from the member: neither the member number nor the LINE user ID is in it.
    expect(mine.code).not.toContain(memberNumberOf(world, a.userId).slice(0, 4))

    // B opens the link: the claim is tied to B's verified ID token before B is a friend.
    const b = world.stranger('新人B')
    const first = await claim(world, b, mine.code!)
    expect(first.status).toBe(200)
    expect(first.body).toMatchObject({ status: 'accepted', needsFriendship: true })
    expect(referralRows(world)).toEqual([
      { status: 'claimed', reason: null, newcomer_line_user_id: b.userId },
    ])

    // The add-friend detour: B follows; the claim survives it and joins.
    await world.standIn.follow(b.userId)
    await eventually(() => expect(referralRows(world)[0]?.status).toBe('joined'))
    // B is back in the mini-app: the same claim answers the referral's status.
    const back = await claim(world, b, mine.code!)
    expect(back.body).toMatchObject({ status: 'joined', needsFriendship: false })

    const purchaseId = await purchase(world, owner, b.userId)
    await eventually(() => expect(referralRows(world)[0]?.status).toBe('qualified'))
    await eventually(() => {
      expect(texts(world, a.userId).filter((t) => t.includes('特典をお贈りします'))).toHaveLength(1)
      expect(texts(world, b.userId).filter((t) => t.includes('紹介特典'))).toHaveLength(1)
    })
    const toA = texts(world, a.userId).find((t) => t.includes('特典をお贈りします'))
    expect(toA).toContain('新人Bさまがご来店されました。特典をお贈りします')
    expect(toA).toContain('クーポン「紹介お礼 500円引き」')
    // Billed pushes, never replies.
    expect(
      acceptedMessages(world, a.userId)
        .filter((m) => JSON.stringify(m.message).includes('特典をお贈りします'))
        .map((m) => m.via),
    ).toEqual(['push'])

    expect(
      world.joren.rows(
        "select m.line_user_id as userId from coupons c join members m on m.id = c.member_id where c.source = 'referral'",
      ),
    ).toEqual([{ userId: a.userId }])
    expect(world.joren.rows("select points from point_ledger where reason = '友だち紹介'")).toEqual(
      [{ points: 300 }],
    )
    expect(
      world.joren.rows<{ qualifying_purchase_id: number }>(
        'select qualifying_purchase_id from referrals',
      ),
    ).toEqual([{ qualifying_purchase_id: purchaseId }])

    // A sees B as rewarded; a second purchase by B changes nothing.
    const after = await codeOf(world, a)
    expect(after.referrals).toEqual([
      expect.objectContaining({
        name: '新人B',
        status: 'rewarded',
        reward: { kind: 'coupon', label: 'クーポン「紹介お礼 500円引き」' },
      }),
    ])
    await purchase(world, owner, b.userId, 500)
    await settled(world)
    await new Promise((resolve) => setTimeout(resolve, 500))
    expect(world.count("coupons where source = 'referral'")).toBe(1)
    expect(texts(world, a.userId).filter((t) => t.includes('特典をお贈りします'))).toHaveLength(1)
    expect(texts(world, b.userId).filter((t) => t.includes('紹介特典'))).toHaveLength(1)

    // Staff see it, with figures.
    const list = await world.api<StaffReferralRow[]>('GET', '/api/staff/referrals', {
      token: owner.token(),
    })
    expect(list.body).toEqual([
      expect.objectContaining({
        status: 'qualified',
        referrer: expect.objectContaining({ displayName: '紹介者A' }),
        newcomer: expect.objectContaining({ displayName: '新人B' }),
        newcomerReward: { kind: 'points', label: '300ポイント' },
      }),
    ])
    const stats = await world.api<{ totals: Record<string, number>; topReferrers: unknown[] }>(
      'GET',
      '/api/staff/referrals/stats',
      { token: owner.token() },
    )
    expect(stats.body.totals).toEqual({ claimed: 1, joined: 1, qualified: 1, refused: 0 })
    expect(stats.body.topReferrers).toEqual([
      expect.objectContaining({ displayName: '紹介者A', qualified: 1 }),
    ])
  })

  it('the follow may come first (add-friend on the consent screen): a new follow just before the claim counts', async () => {
    const owner = await claimOwner(world)
    await openProgram(world, owner)
    const a = await world.member('紹介者A')
    const { code } = await codeOf(world, a)
    const b = await world.member('先に追加したB')
    const res = await claim(world, b, code!)
    expect(res.body).toMatchObject({ status: 'joined', needsFriendship: false })
    await purchase(world, owner, b.userId)
    await eventually(() => expect(referralRows(world)[0]?.status).toBe('qualified'))
  })

  it("'join' mode qualifies a new friend once they have saved a profile", async () => {
    const owner = await claimOwner(world)
    await openProgram(world, owner, {
      qualifyOn: 'join',
      referrerReward: { kind: 'points', points: 100 },
    })
    const a = await world.member('紹介者A')
    const { code } = await codeOf(world, a)
    const b = world.stranger('新人B')
    await claim(world, b, code!)
    await world.standIn.follow(b.userId)
    await eventually(() => expect(referralRows(world)[0]?.status).toBe('joined'))
    const saved = await world.api('PUT', '/api/liff/profile', {
      token: b.token(),
      body: {
        birthday: null,
        gender: null,
        prefecture: null,
        interests: [],
        marketingConsent: true,
      },
    })
    expect(saved.status).toBe(200)
    await runPeriodicJobs({
      background: world.joren.server.background,
      clock: world.clock,
      ids: webIds,
      logger: silentLogger,
      timeZone: 'Asia/Tokyo',
    })
    expect(referralRows(world)[0]?.status).toBe('qualified')
    await eventually(() =>
      expect(texts(world, a.userId).find((t) => t.includes('友だちになりました'))).toContain(
        '新人Bさまが友だちになりました。特典をお贈りします',
      ),
    )
  })
})

describe('the chat entry', () => {
  it('「紹介」 answers with a button to the 友だち紹介 screen', async () => {
    const a = await world.member('紹介者A')
    await world.standIn.sendText(a.userId, '紹介')
    const button = await eventually(() => {
      const found = acceptedMessages(world, a.userId).find((m) => m.message.type === 'template')
      if (!found) throw new Error('no button yet')
      return found
    })
    expect(button.via).toBe('reply')
    expect(JSON.stringify(button.message)).toContain('http://localhost:8787/liff/referral')
  })
})

describe('refusals: recorded with the reason, a polite status for the member', () => {
  it('self-referral', async () => {
    const owner = await claimOwner(world)
    await openProgram(world, owner)
    const a = await world.member('紹介者A')
    const { code } = await codeOf(world, a)
    const res = await claim(world, a, code!)
    expect(res.status).toBe(200)
    expect(res.body.status).toBe('not_eligible')
    expect(res.body.message).toContain('ご自身の紹介リンク')
    expect(referralRows(world)).toEqual([
      { status: 'refused', reason: 'self_referral', newcomer_line_user_id: a.userId },
    ])
  })

  it('already a member, including one who blocked and came back', async () => {
    const owner = await claimOwner(world)
    await openProgram(world, owner)
    const a = await world.member('紹介者A')
    const { code } = await codeOf(world, a)
    const c = await world.member('常連C')
    clock.advance(60 * 60_000)
    expect((await claim(world, c, code!)).body.status).toBe('not_eligible')
    // Blocked, then back through the link: the follow is a re-follow.
    const d = await world.member('出戻りD')
    clock.advance(60 * 60_000)
    await world.standIn.unfollow(d.userId)
    await settled(world)
    const claimed = await claim(world, d, code!)
    expect(claimed.body).toMatchObject({ status: 'not_eligible' })
    await world.standIn.follow(d.userId)
    await settled(world)
    expect(referralRows(world).map((r) => [r.newcomer_line_user_id, r.status, r.reason])).toEqual([
      [c.userId, 'refused', 'already_member'],
      [d.userId, 'refused', 'already_member'],
    ])
  })

  it('a friend from before Joren: unblocked (isUnblocked), or onboarded on sight with no follow event', async () => {
    const owner = await claimOwner(world)
    await openProgram(world, owner)
    const a = await world.member('紹介者A')
    const { code } = await codeOf(world, a)
    // Blocked the account before Joren ran, unblocks from the link: LINE says isUnblocked.
    const e = world.stranger('昔の友だちE')
    expect((await claim(world, e, code!)).body.status).toBe('accepted')
    await world.standIn.deliver([
      { ...world.standIn.buildEvent.follow(e.userId), follow: { isUnblocked: true } },
    ])
    await eventually(() =>
      expect(referralRows(world)[0]).toMatchObject({ status: 'refused', reason: 'already_friend' }),
    )
    // A friend all along (no follow event ever), who opens the mini-app after claiming.
    const f = world.standIn.createUser({ displayName: '古い友だちF', language: 'ja', friend: true })
    const fUser = { userId: f.userId, token: () => world.standIn.issueIdToken(f.userId) }
    expect((await claim(world, fUser, code!)).body.status).toBe('accepted')
    expect((await world.api('GET', '/api/liff/card', { token: fUser.token() })).status).toBe(200)
    clock.advance(10 * 60_000)
    await runPeriodicJobs({
      background: world.joren.server.background,
      clock: world.clock,
      ids: webIds,
      logger: silentLogger,
      timeZone: 'Asia/Tokyo',
    })
    expect(referralRows(world)[1]).toMatchObject({ status: 'refused', reason: 'already_friend' })
    expect((await claim(world, fUser, code!)).body.status).toBe('not_eligible')
  })

  it('a second referrer: the first wins', async () => {
    const owner = await claimOwner(world)
    await openProgram(world, owner)
    const a = await world.member('紹介者A')
    const g = await world.member('紹介者G')
    const codeA = (await codeOf(world, a)).code!
    const codeG = (await codeOf(world, g)).code!
    const b = world.stranger('新人B')
    expect((await claim(world, b, codeA)).body.status).toBe('accepted')
    expect((await claim(world, b, codeG)).body.status).toBe('not_eligible')
    await world.standIn.follow(b.userId)
    await purchase(world, owner, b.userId)
    await eventually(() =>
      expect(referralRows(world).map((r) => [r.status, r.reason])).toEqual([
        ['qualified', null],
        ['refused', 'second_referrer'],
      ]),
    )
  })

  it('a referrer over the monthly cap', async () => {
    const owner = await claimOwner(world)
    await openProgram(world, owner, { monthlyCap: 1 })
    const a = await world.member('紹介者A')
    const { code } = await codeOf(world, a)
    const b = world.stranger('新人B')
    const c = world.stranger('新人C')
    await claim(world, b, code!)
    await claim(world, c, code!)
    await world.standIn.follow(b.userId)
    await world.standIn.follow(c.userId)
    await purchase(world, owner, b.userId)
    await eventually(() => expect(referralRows(world)[0]?.status).toBe('qualified'))
    await purchase(world, owner, c.userId)
    await eventually(() =>
      expect(referralRows(world)[1]).toMatchObject({ status: 'refused', reason: 'monthly_cap' }),
    )
    expect(world.count("coupons where source = 'referral'")).toBe(1)
  })

  it('a blocked referrer, at the claim and at qualification', async () => {
    const owner = await claimOwner(world)
    await openProgram(world, owner)
    const a = await world.member('紹介者A')
    const { code } = await codeOf(world, a)
    const b = world.stranger('新人B')
    await claim(world, b, code!)
    await world.standIn.follow(b.userId)
    await eventually(() => expect(referralRows(world)[0]?.status).toBe('joined'))
    await world.standIn.unfollow(a.userId)
    await settled(world)
    await purchase(world, owner, b.userId)
    await eventually(() =>
      expect(referralRows(world)[0]).toMatchObject({
        status: 'refused',
        reason: 'referrer_blocked',
      }),
    )
    // A newcomer claiming a blocked member's code reads exactly what a made-up code reads.
    const c = world.stranger('新人C')
    const blocked = await claim(world, c, code!)
    const madeUp = await claim(world, world.stranger('新人D'), 'ABCDEFGHJK')
    expect(blocked.status).toBe(200)
    expect(blocked.body).toEqual(madeUp.body)
    expect(referralRows(world)[1]).toMatchObject({ status: 'refused', reason: 'referrer_blocked' })
    expect(world.count("coupons where source = 'referral'")).toBe(0)
  })

  it('a refunded qualifying purchase: unused rewards reversed; a used one flagged', async () => {
    const owner = await claimOwner(world)
    await openProgram(world, owner)
    const a = await world.member('紹介者A')
    const { code } = await codeOf(world, a)
    const b = world.stranger('新人B')
    await claim(world, b, code!)
    await world.standIn.follow(b.userId)
    const purchaseId = await purchase(world, owner, b.userId)
    await eventually(() => expect(referralRows(world)[0]?.status).toBe('qualified'))
    // A uses the coupon at the register before B's purchase is refunded.
    const [coupon] = world.joren.rows<{ id: number }>(
      "select id from coupons where source = 'referral'",
    )
    const redeemed = await world.api('POST', '/api/staff/register/coupons/redeem', {
      token: owner.token(),
      body: { couponId: coupon!.id, memberNumber: memberNumberOf(world, a.userId) },
    })
    expect(redeemed.status).toBe(200)
    const refund = await world.api('POST', `/api/staff/purchases/${purchaseId}/refund`, {
      token: owner.token(),
    })
    expect(refund.status).toBe(200)
    await eventually(() =>
      expect(referralRows(world)[0]).toMatchObject({ status: 'flagged', reason: 'refunded' }),
    )
    // B's unused points are taken back; A's used coupon stays used (flagged for staff).
    expect(
      world.joren.rows(
        "select points from point_ledger where kind = 'reverse' and reason like '友だち紹介%'",
      ),
    ).toEqual([{ points: -300 }])
    expect(world.joren.rows("select state from coupons where source = 'referral'")).toEqual([
      { state: 'redeemed' },
    ])
  })

  it('a guessed or tampered code: refused alike, revealing nothing; a malformed one is a 400', async () => {
    const owner = await claimOwner(world)
    await openProgram(world, owner)
    const a = await world.member('紹介者A')
    const { code } = await codeOf(world, a)
    const b = world.stranger('新人B')
    const tampered = code!.slice(0, 9) + (code!.endsWith('A') ? 'B' : 'A')
    const guessed = await claim(world, b, tampered)
    expect(guessed.status).toBe(200)
    expect(guessed.body).toEqual({
      status: 'unavailable',
      message: 'この紹介リンクは現在ご利用いただけません。お店の友だち追加はこのまま行えます。',
      needsFriendship: true,
    })
    const malformed = await claim(world, b, 'abc')
    expect(malformed.status).toBe(400)
    const noToken = await world.api('POST', '/api/liff/referrals/claim', { body: { code } })
    expect(noToken.status).toBe(401)
    expect(world.count('referrals')).toBe(0)
  })
})
