import {
  formatCouponShortCode,
  normalizeCouponShortCode,
  type CouponCode,
  type CouponRedeemed,
} from '@joren/shared'
import Database from 'better-sqlite3'
import { readFileSync } from 'node:fs'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  claimOwner,
  inviteStaff,
  startStandIn,
  startWorld,
  TestClock,
  type World,
} from '../auth/world.ts'
import type { LineStandIn } from '../../server/src/sandbox/line-stand-in/index.ts'
import { createTemplate, DAY, issueTo, memberNumberOf, type Owner } from './coupon-world.ts'

/**
 * The short coupon code a customer reads aloud and staff type at the register: shown with the QR,
 * tolerant of how it is typed, unique, redeemed exactly once however many tills type it at once,
 * and every refusal says why in Japanese.
 */

type ErrorBody = { error: { code: string; message: string } }
const REDEEM = '/api/staff/register/coupons/redeem'
const CODE = /^[0-9ABCDEFGHJKMNPQRSTVWXYZ]{8}$/

describe('normalizeCouponShortCode', () => {
  it('reads the code however staff type it, and refuses what cannot be one', () => {
    for (const typed of [
      '7K3M-9QRT',
      '7k3m9qrt',
      ' 7k3m 9qrt ',
      '7K3M – 9QRT',
      '７Ｋ３Ｍ－９ＱＲＴ',
      '7K3M ー 9QRT',
    ])
      expect(normalizeCouponShortCode(typed)).toBe('7K3M9QRT')
    // Crockford: O reads as zero, I and L as one.
    expect(normalizeCouponShortCode('ABOD-1ILX')).toBe('AB0D111X')
    for (const bad of ['7K3M-9QR', '7K3M-9QRTX', '7K3M-9QRU', 'JC1.12.34', '', '7K3M_9QRT'])
      expect(normalizeCouponShortCode(bad)).toBeNull()
    expect(formatCouponShortCode('7K3M9QRT')).toBe('7K3M-9QRT')
  })
})

describe('the migration gives existing coupons a code', () => {
  it('fills every coupon with a distinct code of the alphabet, then indexes them unique', () => {
    const db = new Database(':memory:')
    db.exec('CREATE TABLE coupons (id integer primary key, state text)')
    const insert = db.prepare("INSERT INTO coupons (state) VALUES ('issued')")
    db.transaction(() => {
      for (let i = 0; i < 5000; i++) insert.run()
    })()
    const sql = readFileSync(
      new URL('../../server/migrations/0027_coupon_short_code.sql', import.meta.url),
      'utf8',
    )
    for (const statement of sql.split('--> statement-breakpoint')) db.exec(statement)
    const rows = db.prepare('SELECT short_code AS c FROM coupons').all() as { c: string | null }[]
    expect(rows).toHaveLength(5000)
    expect(rows.every((r) => r.c !== null && CODE.test(r.c))).toBe(true)
    expect(new Set(rows.map((r) => r.c)).size).toBe(5000)
    expect(() =>
      db.exec(
        'UPDATE coupons SET short_code = (SELECT short_code FROM coupons WHERE id = 1) WHERE id = 2',
      ),
    ).toThrow(/UNIQUE/)
    db.close()
  })
})

describe('a typed coupon code at the register', () => {
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
    vi.restoreAllMocks()
    await world.joren.close()
  })

  async function memberWithCoupon(overrides: Record<string, unknown> = {}) {
    const user = await world.member('花子')
    const memberNumber = memberNumberOf(world, user.userId)
    const template = await createTemplate(world, owner, overrides)
    const issued = await issueTo(world, owner, memberNumber, template.id)
    expect(issued.status).toBe(201)
    const code = await world.api<CouponCode>('GET', `/api/liff/coupons/${issued.body.id}/code`, {
      token: user.token(),
    })
    expect(code.status).toBe(200)
    return { user, memberNumber, template, coupon: issued.body, shortCode: code.body.shortCode }
  }

  const redeemed = () =>
    world.joren.rows<{ n: number }>("select count(*) as n from coupons where state = 'redeemed'")[0]
      ?.n

  it('is shown with the QR, stored with the coupon, and redeems once when two tills type it at once', async () => {
    const { coupon, shortCode } = await memberWithCoupon()
    expect(shortCode).toMatch(CODE)
    expect(world.joren.rows('select short_code from coupons where id = ?', coupon.id)).toEqual([
      { short_code: shortCode },
    ])
    const tillA = await inviteStaff(world, owner, 'staff', 'レジA')
    const tillB = await inviteStaff(world, owner, 'staff', 'レジB')
    // Two tills, each typing it its own way, ten times each, all at once.
    const typed = [
      formatCouponShortCode(shortCode).toLowerCase(),
      `${shortCode.slice(0, 4)} ${shortCode.slice(4)}`,
    ]
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        world.api<CouponRedeemed | ErrorBody>('POST', REDEEM, {
          token: (i % 2 ? tillB : tillA).token(),
          body: { code: typed[i % 2] },
        }),
      ),
    )
    const ok = results.filter((r) => r.status === 200)
    expect(ok).toHaveLength(1)
    expect((ok[0]?.body as CouponRedeemed).coupon).toMatchObject({
      id: coupon.id,
      state: 'redeemed',
      redeemedVia: 'staff_scan',
    })
    const refused = results.filter((r) => r.status === 409).map((r) => (r.body as ErrorBody).error)
    expect(refused).toHaveLength(19)
    for (const error of refused) {
      expect(error.code).toBe('coupon_already_redeemed')
      expect(error.message).toMatch(/使用済みです（\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2} に使用）/)
    }
    expect(redeemed()).toBe(1)
    expect(
      world.joren.rows("select count(*) as n from domain_events where type = 'coupon.redeemed'"),
    ).toEqual([{ n: 1 }])
    expect(
      world.joren.rows("select count(*) as n from audit_log where action = 'coupon.redeem'"),
    ).toEqual([{ n: 1 }])
  })

  it('says an unknown code is unknown and a mistyped one is not a code, changing nothing', async () => {
    const { shortCode } = await memberWithCoupon()
    // One character changed: a real-looking code no coupon has.
    const other = `${shortCode.slice(0, 7)}${shortCode.endsWith('Z') ? 'Y' : 'Z'}`
    const unknown = await world.api<ErrorBody>('POST', REDEEM, {
      token: owner.token(),
      body: { code: formatCouponShortCode(other) },
    })
    expect(unknown.status).toBe(404)
    expect(unknown.body.error.code).toBe('coupon_code_unknown')
    expect(unknown.body.error.message).toContain('クーポンコードのクーポンは見つかりません')
    const malformed = await world.api<ErrorBody>('POST', REDEEM, {
      token: owner.token(),
      body: { code: 'UUUU-UUUU' },
    })
    expect(malformed.status).toBe(400)
    expect(malformed.body.error.code).toBe('coupon_code_malformed')
    expect(malformed.body.error.message).toContain('8 文字（XXXX-XXXX）')
    const short = await world.api<ErrorBody>('POST', REDEEM, {
      token: owner.token(),
      body: { code: 'ABC' },
    })
    expect(short.status).toBe(400)
    expect(redeemed()).toBe(0)
  })

  it('gives a used, a revoked and an expired coupon each its own message', async () => {
    const { user, memberNumber, template, shortCode } = await memberWithCoupon({
      perMemberLimit: 3,
    })
    const first = await world.api<CouponRedeemed>('POST', REDEEM, {
      token: owner.token(),
      body: { code: shortCode },
    })
    expect(first.status).toBe(200)
    const again = await world.api<ErrorBody>('POST', REDEEM, {
      token: owner.token(),
      body: { code: shortCode },
    })
    expect(again.status).toBe(409)
    expect(again.body.error.code).toBe('coupon_already_redeemed')

    const codeOf = async (id: number) =>
      (
        await world.api<CouponCode>('GET', `/api/liff/coupons/${id}/code`, {
          token: user.token(),
        })
      ).body.shortCode
    const second = await issueTo(world, owner, memberNumber, template.id)
    const secondCode = await codeOf(second.body.id)
    const revoke = await world.api(
      'POST',
      `/api/staff/members/${memberNumber}/coupons/${second.body.id}/revoke`,
      { token: owner.token() },
    )
    expect(revoke.status).toBe(200)
    const revoked = await world.api<ErrorBody>('POST', REDEEM, {
      token: owner.token(),
      body: { code: secondCode },
    })
    expect(revoked.status).toBe(409)
    expect(revoked.body.error).toMatchObject({ code: 'coupon_revoked' })
    expect(revoked.body.error.message).toContain('取り消されたため')

    const third = await issueTo(world, owner, memberNumber, template.id)
    const thirdCode = await codeOf(third.body.id)
    clock.advance(31 * DAY)
    const expired = await world.api<ErrorBody>('POST', REDEEM, {
      token: owner.token(),
      body: { code: thirdCode.toLowerCase() },
    })
    expect(expired.status).toBe(409)
    expect(expired.body.error.code).toBe('coupon_expired')
    expect(expired.body.error.message).toContain('有効期限切れ')
    // Over the per-member limit: the issue says so (nothing to type).
    const fourth = await issueTo(world, owner, memberNumber, template.id)
    expect(fourth.body.error?.code).toBe('coupon_member_limit')
    expect(redeemed()).toBe(1)
  })

  it('draws another code when the one drawn is taken', async () => {
    const { memberNumber, template, shortCode } = await memberWithCoupon({ perMemberLimit: 2 })
    // The next draw repeats the taken code once, then draws freely.
    const taken = [...shortCode].map((ch) => '0123456789ABCDEFGHJKMNPQRSTVWXYZ'.indexOf(ch))
    const real = crypto.getRandomValues.bind(crypto)
    let repeats = 1
    let draws = 0
    vi.spyOn(crypto, 'getRandomValues').mockImplementation(
      <T extends ArrayBufferView | null>(array: T): T => {
        if (array instanceof Uint8Array && array.length === 8) draws++
        if (array instanceof Uint8Array && array.length === 8 && repeats > 0) {
          repeats--
          array.set(taken)
          return array
        }
        return real(array as never) as T
      },
    )
    const second = await issueTo(world, owner, memberNumber, template.id)
    expect(second.status).toBe(201)
    // The taken code failed the first commit; the second draw landed.
    expect(draws).toBe(2)
    const codes = world.joren.rows<{ c: string }>('select short_code as c from coupons order by id')
    expect(codes).toHaveLength(2)
    expect(codes[1]?.c).toMatch(CODE)
    expect(codes[1]?.c).not.toBe(shortCode)
  })

  it('gives a coupon from before codes its code when it is first shown', async () => {
    const { user, coupon } = await memberWithCoupon()
    world.joren.rows('update coupons set short_code = null where id = ? returning id', coupon.id)
    const shown = await world.api<CouponCode>('GET', `/api/liff/coupons/${coupon.id}/code`, {
      token: user.token(),
    })
    expect(shown.body.shortCode).toMatch(CODE)
    const again = await world.api<CouponCode>('GET', `/api/liff/coupons/${coupon.id}/code`, {
      token: user.token(),
    })
    expect(again.body.shortCode).toBe(shown.body.shortCode)
    const used = await world.api<CouponRedeemed>('POST', REDEEM, {
      token: owner.token(),
      body: { code: formatCouponShortCode(shown.body.shortCode) },
    })
    expect(used.status).toBe(200)
  })

  it('counts unknown codes against a guessing limit, and refuses more in Japanese', async () => {
    const { shortCode } = await memberWithCoupon()
    const other = `${shortCode.slice(0, 7)}${shortCode.endsWith('Z') ? 'Y' : 'Z'}`
    for (let i = 0; i < 30; i++) {
      const res = await world.api('POST', REDEEM, { token: owner.token(), body: { code: other } })
      expect(res.status).toBe(404)
    }
    const limited = await world.api<ErrorBody>('POST', REDEEM, {
      token: owner.token(),
      body: { code: shortCode },
    })
    expect(limited.status).toBe(429)
    expect(limited.body.error.message).toContain('クーポンコードの試行が多すぎます')
    expect(redeemed()).toBe(0)
    expect(
      world.joren
        .rows<{ summary: string }>('select summary from staff_alerts')
        .map((a) => a.summary)
        .some((s) => s.includes('クーポンコード')),
    ).toBe(true)
  })
})
