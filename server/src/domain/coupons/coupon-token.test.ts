import { describe, expect, it } from 'vitest'
import { importCardKey, issueCardToken } from '../members/card-token.ts'
import { issueCouponToken, verifyCouponToken } from './coupon-token.ts'

const key = () => importCardKey(new Uint8Array(32).fill(7))
const NOW = 1_800_000_000_000

describe('coupon codes', () => {
  it('verify while fresh, expire after five minutes, and are not member card codes', async () => {
    const k = await key()
    const { token, refreshAfter } = await issueCouponToken(42, NOW, k)
    expect(token).toMatch(/^JC1\.42\.\d+\.[A-Za-z0-9_-]{43}$/)
    expect(refreshAfter).toBe(NOW + 4 * 60 * 1000)
    expect(await verifyCouponToken(token, NOW + 60_000, k)).toEqual({ ok: true, couponId: 42 })
    expect(await verifyCouponToken(token, NOW + 5 * 60 * 1000, k)).toEqual({
      ok: false,
      error: 'expired',
    })
    const card = await issueCardToken('1234567890', NOW, k)
    expect(await verifyCouponToken(card.token, NOW, k)).toEqual({ ok: false, error: 'invalid' })
    const forged = token.replace('JC1.42.', 'JC1.43.')
    expect(await verifyCouponToken(forged, NOW, k)).toEqual({ ok: false, error: 'invalid' })
  })
})
