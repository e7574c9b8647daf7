import { describe, expect, it } from 'vitest'
import { claimOwner, inviteStaff, useWorld, TestClock } from '../auth/world.ts'
import { eventually } from '../support/joren-node.ts'
import {
  acceptedMessages,
  memberNumberOf,
  runMaintenance,
  waitForMessage,
} from './world-helpers.ts'

const clock = new TestClock()
const world = useWorld(clock)

async function shop() {
  const owner = await claimOwner(world)
  const member = await world.member('花子')
  return { owner, member, memberNumber: memberNumberOf(world, member.userId) }
}

type Result = {
  purchase: { id: number; pointsGranted: number; status: string; amountYen: number }
  balance: number
  tier: {
    tier: { name: string } | null
    spend12mYen: number
    next: { remainingYen: number } | null
  }
}

/** Receipts are off by default (free-plan quota); these tests switch them on. */
async function receiptsOn(owner: { token(): string }): Promise<void> {
  const res = await world.api('PUT', '/api/staff/settings/messaging', {
    token: owner.token(),
    body: { receipt: 'on' },
  })
  expect(res.status).toBe(200)
}

describe('register purchases', () => {
  it('records a purchase by member number, grants points and pushes a Flex receipt LINE accepts', async () => {
    const { owner, member, memberNumber } = await shop()
    await receiptsOn(owner)
    const clerk = await inviteStaff(world, owner, 'staff')
    const res = await world.api<Result>('POST', '/api/staff/register/purchases', {
      token: clerk.token(),
      body: { memberNumber, amountYen: 1234, categories: ['food'] },
    })
    expect(res.status).toBe(201)
    expect(res.body.purchase).toMatchObject({
      amountYen: 1234,
      pointsGranted: 12,
      status: 'completed',
    })
    expect(res.body.balance).toBe(12)
    expect(res.body.tier.tier?.name).toBe('レギュラー')
    const receipt = await waitForMessage(world, member.userId, (m) => m.type === 'flex')
    expect(JSON.stringify(receipt)).toContain('1,234円')
    expect(JSON.stringify(receipt)).toContain('+12pt')
    expect(world.count('purchases')).toBe(1)
    expect(world.joren.rows("select points from point_ledger where kind = 'grant'")).toEqual([
      { points: 12 },
    ])
  })

  it('sends the receipt in English to a member whose LINE is set to English', async () => {
    const owner = await claimOwner(world)
    await receiptsOn(owner)
    const user = world.standIn.createUser({ displayName: 'Alex', language: 'en' })
    await world.standIn.follow(user.userId)
    await eventually(() => expect(world.count('members')).toBe(1))
    const res = await world.api('POST', '/api/staff/register/purchases', {
      token: owner.token(),
      body: { memberNumber: memberNumberOf(world, user.userId), amountYen: 2500 },
    })
    expect(res.status).toBe(201)
    const receipt = await waitForMessage(world, user.userId, (m) => m.type === 'flex')
    expect(receipt.altText).toBe('Thank you for your purchase (¥2,500, 25 pt earned)')
    expect(JSON.stringify(receipt)).toContain('Points balance')
  })

  it('accepts a scanned card code and refuses an expired one with nothing written', async () => {
    const { owner, member } = await shop()
    const card = await world.api<{ token: string }>('GET', '/api/liff/card', {
      token: member.token(),
    })
    expect(card.status).toBe(200)
    const ok = await world.api<Result>('POST', '/api/staff/register/purchases', {
      token: owner.token(),
      body: { cardToken: card.body.token, amountYen: 500 },
    })
    expect(ok.status).toBe(201)
    clock.advance(6 * 60_000)
    const expired = await world.api<{ error: { code: string; message: string } }>(
      'POST',
      '/api/staff/register/purchases',
      { token: owner.token(), body: { cardToken: card.body.token, amountYen: 500 } },
    )
    expect(expired.status).toBe(422)
    expect(expired.body.error.code).toBe('card_expired')
    expect(expired.body.error.message).toContain('有効期限')
    const forged = await world.api<{ error: { code: string } }>(
      'POST',
      '/api/staff/register/purchases',
      {
        token: owner.token(),
        body: { cardToken: 'JM1.1234567890.99999999999.xxx', amountYen: 500 },
      },
    )
    expect(forged.body.error.code).toBe('card_invalid')
    expect(world.count('purchases')).toBe(1)
  })

  it('records a resent register request (same requestId) once', async () => {
    const { owner, memberNumber } = await shop()
    const body = { memberNumber, amountYen: 2000, requestId: crypto.randomUUID() }
    const [a, b] = await Promise.all([
      world.api<Result>('POST', '/api/staff/register/purchases', { token: owner.token(), body }),
      world.api<Result>('POST', '/api/staff/register/purchases', { token: owner.token(), body }),
    ])
    expect(a.body).toEqual(b.body)
    expect(world.count('purchases')).toBe(1)
    expect(world.count('point_ledger')).toBe(1)
  })

  it('answers 「ポイント」 and the points postback with the balance and nearest expiry', async () => {
    const { owner, member, memberNumber } = await shop()
    await world.api('POST', '/api/staff/register/purchases', {
      token: owner.token(),
      body: { memberNumber, amountYen: 12_000 },
    })
    await world.standIn.sendText(member.userId, 'ポイント')
    const reply = await waitForMessage(
      world,
      member.userId,
      (m) => m.type === 'text' && String(m.text).includes('現在のポイント残高'),
    )
    expect(reply.text).toMatch(/現在のポイント残高: 120pt/)
    expect(reply.text).toMatch(/\d{4}年\d{1,2}月\d{1,2}日までに失効するポイント: 120pt/)
    await world.standIn.postback(member.userId, 'action=points')
    await eventually(() => {
      const answers = acceptedMessages(world, member.userId).filter((m) =>
        String(m.message.text ?? '').startsWith('現在のポイント残高: 120pt'),
      )
      expect(answers).toHaveLength(2)
    })
  })
})

describe('refunds', () => {
  it('reverses the grant once, marks the purchase refunded, and a repeat changes nothing', async () => {
    const { owner, memberNumber } = await shop()
    const made = await world.api<Result>('POST', '/api/staff/register/purchases', {
      token: owner.token(),
      body: { memberNumber, amountYen: 10_000 },
    })
    const id = made.body.purchase.id
    const [r1, r2] = await Promise.all([
      world.api<Result>('POST', `/api/staff/purchases/${id}/refund`, { token: owner.token() }),
      world.api<Result>('POST', `/api/staff/purchases/${id}/refund`, { token: owner.token() }),
    ])
    expect(r1.status).toBe(200)
    expect(r2.status).toBe(200)
    expect(r1.body.purchase.status).toBe('refunded')
    expect(r1.body.balance).toBe(0)
    expect(world.joren.rows("select points from point_ledger where kind = 'reverse'")).toEqual([
      { points: -100 },
    ])
    expect(world.joren.rows('select balance from point_balances')).toEqual([{ balance: 0 }])
  })

  it('refuses a refund whose points were already spent (409) and changes nothing; staff may not refund', async () => {
    const { owner, memberNumber } = await shop()
    const clerk = await inviteStaff(world, owner, 'staff')
    const made = await world.api<Result>('POST', '/api/staff/register/purchases', {
      token: owner.token(),
      body: { memberNumber, amountYen: 10_000 },
    })
    const adjust = await world.api(
      'POST',
      `/api/staff/members/${memberNumber}/points/adjustments`,
      {
        token: owner.token(),
        body: { points: -60, reason: '景品と交換' },
      },
    )
    expect(adjust.status).toBe(200)
    const overdraw = await world.api<{ error: { code: string } }>(
      'POST',
      `/api/staff/members/${memberNumber}/points/adjustments`,
      { token: owner.token(), body: { points: -41, reason: '誤り' } },
    )
    expect(overdraw.status).toBe(409)
    expect(overdraw.body.error.code).toBe('not_enough_points')
    const byClerk = await world.api(
      'POST',
      `/api/staff/purchases/${made.body.purchase.id}/refund`,
      {
        token: clerk.token(),
      },
    )
    expect(byClerk.status).toBe(403)
    const refused = await world.api<{ error: { code: string; message: string } }>(
      'POST',
      `/api/staff/purchases/${made.body.purchase.id}/refund`,
      { token: owner.token() },
    )
    expect(refused.status).toBe(409)
    expect(refused.body.error.code).toBe('not_enough_points')
    expect(refused.body.error.message).toContain('すでに使われています')
    expect(world.joren.rows('select status from purchases')).toEqual([{ status: 'completed' }])
    expect(world.joren.rows('select balance from point_balances')).toEqual([{ balance: 40 }])
  })
})

describe('tiers', () => {
  it('goes up exactly at the threshold (with a congratulation), down on a refund, and ages out', async () => {
    const { owner, member, memberNumber } = await shop()
    const below = await world.api<Result>('POST', '/api/staff/register/purchases', {
      token: owner.token(),
      body: { memberNumber, amountYen: 29_999 },
    })
    expect(below.body.tier.tier?.name).toBe('レギュラー')
    expect(below.body.tier.next?.remainingYen).toBe(1)
    const at = await world.api<Result>('POST', '/api/staff/register/purchases', {
      token: owner.token(),
      body: { memberNumber, amountYen: 1 },
    })
    expect(at.body.tier).toMatchObject({ tier: { name: 'シルバー' }, spend12mYen: 30_000 })
    await waitForMessage(world, member.userId, (m) => String(m.text ?? '').includes('シルバー'))
    // Silver earns ×1.2 from the next purchase on.
    const next = await world.api<Result>('POST', '/api/staff/register/purchases', {
      token: owner.token(),
      body: { memberNumber, amountYen: 1000 },
    })
    expect(next.body.purchase.pointsGranted).toBe(12)
    const refund = await world.api<Result>(
      'POST',
      `/api/staff/purchases/${next.body.purchase.id}/refund`,
      {
        token: owner.token(),
      },
    )
    expect(refund.body.tier.tier?.name).toBe('シルバー')
    const refundAt = await world.api<Result>(
      'POST',
      `/api/staff/purchases/${at.body.purchase.id}/refund`,
      {
        token: owner.token(),
      },
    )
    expect(refundAt.status).toBe(200)
    expect(refundAt.body.tier).toMatchObject({ tier: { name: 'レギュラー' }, spend12mYen: 29_999 })

    await world.api('POST', '/api/staff/register/purchases', {
      token: owner.token(),
      body: { memberNumber, amountYen: 5000 },
    })
    expect(world.joren.rows('select spend_12m_yen as s from member_tiers')).toEqual([{ s: 34_999 }])
    // A year and a day later the purchases have left the rolling window: the daily pass sees it.
    clock.advance(366 * 86_400_000)
    await runMaintenance(world)
    expect(world.joren.rows('select spend_12m_yen as s, tier_id as t from member_tiers')).toEqual([
      { s: 0, t: 1 },
    ])
    // …and points granted a year ago have expired.
    const summary = await world.api<{ balance: number }>('GET', '/api/liff/points', {
      token: member.token(),
    })
    expect(summary.body.balance).toBe(0)
    expect(
      world.joren.rows("select count(*) as n from point_ledger where kind = 'expire'"),
    ).not.toEqual([{ n: 0 }])
  })
})
