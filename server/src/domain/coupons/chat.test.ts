import type { CouponView } from '@joren/shared'
import { describe, expect, it } from 'vitest'
import { couponCarousel, couponLink } from './chat.ts'

const coupon = (id: number): CouponView => ({
  id,
  templateId: 1,
  kind: 'percent_off',
  title: `クーポン${id}`,
  conditions: null,
  imageUrl: null,
  value: 10,
  source: 'manual',
  state: 'issued',
  issuedAt: 0,
  expiresAt: 1_900_000_000_000,
  redeemedAt: null,
  redeemedVia: null,
  revokedAt: null,
})

const SANDBOX = { liffId: null, publicUrl: 'http://localhost:8787/', timeZone: 'Asia/Tokyo' }

describe('coupon carousel', () => {
  it('shows at most 12 bubbles, each opening the mini-app at its coupon', () => {
    const message = couponCarousel(
      Array.from({ length: 15 }, (_, i) => coupon(i + 1)),
      SANDBOX,
      'ja',
    ) as unknown as { altText: string; contents: { contents: { footer: unknown }[] } }
    expect(message.altText).toBe('使えるクーポンが15枚あります')
    expect(message.contents.contents).toHaveLength(12)
    expect(JSON.stringify(message.contents.contents[0]?.footer)).toContain(
      'http://localhost:8787/liff/coupons/1',
    )
  })

  it('links through LIFF when LIFF_ID is set', () => {
    expect(couponLink({ ...SANDBOX, liffId: '1234567890-AbCdEfGh' }, 7)).toBe(
      'https://liff.line.me/1234567890-AbCdEfGh/coupons/7',
    )
  })
})
