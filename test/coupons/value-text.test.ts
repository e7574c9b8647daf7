import { couponValueText, type CouponView } from '@joren/shared'
import { describe, expect, it } from 'vitest'
import { couponsJa } from '../../liff-app/src/i18n/coupons-ja.ts'
import { staffBroadcastsJa } from '../../liff-app/src/i18n/staff-broadcasts-ja.ts'
import { staffCouponsJa } from '../../liff-app/src/i18n/staff-coupons-ja.ts'
import { DEFAULT_LINKS } from '../../server/src/domain/links.ts'
import { couponBubble } from '../../server/src/domain/coupons/chat.ts'

const coupon = (kind: CouponView['kind'], value: number | null): CouponView => ({
  id: 1,
  templateId: 1,
  kind,
  title: 'クーポン',
  conditions: null,
  imageUrl: null,
  value,
  source: 'manual',
  state: 'issued',
  issuedAt: 0,
  expiresAt: 86_400_000,
  redeemedAt: null,
  redeemedVia: null,
  revokedAt: null,
})

describe('a coupon value reads the same in the chat, the mini-app and the console', () => {
  it('reads naturally in Japanese and English', () => {
    expect(couponValueText('yen_off', 1500, 'ja')).toBe('1,500円引き')
    expect(couponValueText('percent_off', 10, 'ja')).toBe('10%オフ')
    expect(couponValueText('free_item', null, 'ja')).toBe('無料')
    expect(couponValueText('yen_off', 1500, 'en')).toBe('¥1,500 off')
    expect(couponValueText('percent_off', 10, 'en')).toBe('10% off')
  })

  it('is one text in every place that shows it', () => {
    for (const [kind, value] of [
      ['yen_off', 1500],
      ['percent_off', 10],
      ['free_item', null],
      ['gift', null],
    ] as const) {
      const text = couponValueText(kind, value, 'ja')
      expect(JSON.stringify(couponBubble(coupon(kind, value), DEFAULT_LINKS, 'ja'))).toContain(
        `"${text}"`,
      )
      expect(couponsJa.value[kind](value ?? 0)).toBe(text)
      expect(staffCouponsJa.valueText(kind, value)).toBe(text)
      expect(staffBroadcastsJa.composer.couponValue(kind, value)).toBe(text)
    }
  })
})
