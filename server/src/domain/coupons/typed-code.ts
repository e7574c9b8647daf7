import { isTypedCouponCode, normalizeCouponShortCode } from '@joren/shared'
import { verifyCouponToken } from './coupon-token.ts'
import type { CommitAtomically, CouponRepository, StoredCoupon } from './coupons.ts'
import {
  constraintFailure,
  CouponCodeInvalid,
  CouponNotFound,
  CouponShortCodeMalformed,
  CouponShortCodeUnknown,
} from './errors.ts'
import { newCouponShortCode, SHORT_CODE_ATTEMPTS } from './short-code.ts'

interface CodeDeps {
  coupons: CouponRepository
  atomic: CommitAtomically
  now(): number
  cardKey(): Promise<CryptoKey>
}

/**
 * The coupon a code at the register names: the scanned QR (`JC1.…`, signed, valid 5 minutes) or
 * the short code staff typed (XXXX-XXXX, any case, spaces and hyphens ignored). Says which of
 * "not a code", "no such coupon" and "the QR expired" it is; the redemption says the rest.
 */
export async function couponByCode(deps: CodeDeps, code: string): Promise<StoredCoupon> {
  const text = code.trim()
  if (!isTypedCouponCode(text)) {
    const check = await verifyCouponToken(text, deps.now(), await deps.cardKey())
    if (!check.ok) throw new CouponCodeInvalid(check.error)
    const found = await deps.coupons.find(check.couponId)
    if (!found) throw new CouponNotFound()
    return found
  }
  const short = normalizeCouponShortCode(text)
  if (short === null) throw new CouponShortCodeMalformed()
  const found = await deps.coupons.findByShortCode(short)
  if (!found) throw new CouponShortCodeUnknown()
  return found
}

/**
 * The coupon's short code; a coupon from before codes that the migration could not give one gets
 * it now (a conditional UPDATE, so two screens opening at once agree on the one that landed).
 */
export async function shortCodeOf(deps: CodeDeps, coupon: StoredCoupon): Promise<string> {
  if (coupon.shortCode !== null) return coupon.shortCode
  for (let attempt = 1; ; attempt++) {
    try {
      await deps.atomic([deps.coupons.assignShortCodeWrite(coupon.id, newCouponShortCode())])
    } catch (error) {
      if (constraintFailure(error) === 'unique:coupons.short_code' && attempt < SHORT_CODE_ATTEMPTS)
        continue
      throw error
    }
    const after = await deps.coupons.find(coupon.id)
    if (after?.shortCode) return after.shortCode
    throw new CouponNotFound()
  }
}
