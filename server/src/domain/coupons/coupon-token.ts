import type { CouponCode } from '@joren/shared'
import { base64UrlToBytes, bytesToBase64Url } from '../members/card-token.ts'

/**
 * The coupon's QR for staff: `JC1.<couponId>.<expUnixSec>.<base64url HMAC-SHA256>`, signed with the
 * member card's key (another prefix, so a card code is never a coupon code). Valid for 5 minutes;
 * the app refreshes after 4, so a screenshot stops working soon after it was taken.
 */
export const COUPON_TOKEN_TTL_MS = 5 * 60 * 1000
export const COUPON_TOKEN_REFRESH_MS = 4 * 60 * 1000

const PREFIX = 'JC1'
const TOKEN = /^JC1\.([1-9]\d{0,9})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/
const encoder = new TextEncoder()

export type CouponTokenCheck =
  | { ok: true; couponId: number }
  | { ok: false; error: 'expired' | 'invalid' }

export async function issueCouponToken(
  couponId: number,
  now: number,
  key: CryptoKey,
): Promise<Omit<CouponCode, 'shortCode'>> {
  const exp = Math.floor((now + COUPON_TOKEN_TTL_MS) / 1000)
  const signed = `${PREFIX}.${couponId}.${exp}`
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(signed)))
  return {
    token: `${signed}.${bytesToBase64Url(mac)}`,
    expiresAt: exp * 1000,
    refreshAfter: now + COUPON_TOKEN_REFRESH_MS,
  }
}

export async function verifyCouponToken(
  token: string,
  now: number,
  key: CryptoKey,
): Promise<CouponTokenCheck> {
  const match = TOKEN.exec(token.trim())
  if (!match) return { ok: false, error: 'invalid' }
  const [, idText = '', expText = '', macText = ''] = match
  const mac = base64UrlToBytes(macText)
  if (!mac || bytesToBase64Url(mac) !== macText) return { ok: false, error: 'invalid' }
  const signed = encoder.encode(`${PREFIX}.${idText}.${expText}`)
  if (!(await crypto.subtle.verify('HMAC', key, mac, signed)))
    return { ok: false, error: 'invalid' }
  const expiresAt = Number(expText) * 1000
  if (expiresAt <= now) return { ok: false, error: 'expired' }
  if (expiresAt > now + COUPON_TOKEN_TTL_MS + 60_000) return { ok: false, error: 'invalid' }
  return { ok: true, couponId: Number(idText) }
}
