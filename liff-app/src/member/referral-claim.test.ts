import { describe, expect, it } from 'vitest'
import { referralCodeIn } from './referral-claim.ts'

describe('referralCodeIn', () => {
  it('reads the code of a referral link, with or without the trailing slash', () => {
    expect(referralCodeIn('/liff/referral', '?code=ABCDEFGH23')).toBe('ABCDEFGH23')
    expect(referralCodeIn('/liff/referral/', '?code=ABCDEFGH23&x=1')).toBe('ABCDEFGH23')
  })

  it('claims nothing elsewhere, without a code, or for a code that is not one', () => {
    expect(referralCodeIn('/liff/', '?code=ABCDEFGH23')).toBeNull()
    expect(referralCodeIn('/liff/referral/other', '?code=ABCDEFGH23')).toBeNull()
    expect(referralCodeIn('/liff/referral', '')).toBeNull()
    expect(referralCodeIn('/liff/referral', '?code=%3Cscript%3E')).toBeNull()
    expect(referralCodeIn('/liff/referral', `?code=${'A'.repeat(40)}`)).toBeNull()
  })
})
