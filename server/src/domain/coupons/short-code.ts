import { COUPON_SHORT_CODE_ALPHABET, COUPON_SHORT_CODE_LENGTH } from '@joren/shared'

/**
 * A new short code: 8 random Crockford base32 characters (40 bits from the platform's CSPRNG, the
 * same on Node and Workers). Unique in the shop by the index on coupons.short_code; a collision
 * fails the commit and the issue draws again.
 */
export function newCouponShortCode(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(COUPON_SHORT_CODE_LENGTH))
  let code = ''
  for (const byte of bytes) code += COUPON_SHORT_CODE_ALPHABET[byte & 31]
  return code
}

/** How many codes one issue draws before it gives up (each collision is a 1 in 2^40 chance per coupon). */
export const SHORT_CODE_ATTEMPTS = 4
