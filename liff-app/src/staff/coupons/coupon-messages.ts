import { staffCouponsEn } from '../../i18n/staff-coupons-en.ts'
import './coupons.css'
import { staffCouponsJa, type StaffCouponsMessages } from '../../i18n/staff-coupons-ja.ts'
import { locale } from '../messages.ts'

export const couponText = (): StaffCouponsMessages =>
  locale() === 'en' ? staffCouponsEn : staffCouponsJa

const TIME = new Intl.DateTimeFormat('ja-JP', {
  timeZone: 'Asia/Tokyo',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
})

/** 2026/11/22 18:04:05 in the shop's zone: staff compare it with the customer's screen. */
export const shopTime = (ms: number) => TIME.format(ms)
