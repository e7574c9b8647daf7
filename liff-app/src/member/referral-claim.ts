import type { ReferralClaimResult } from '@joren/shared'
import type { Api } from '../lib/api-client.ts'

let claimed: ReferralClaimResult | null = null

/** The referral code of a `/referral?code=…` link, if this page was opened by one. */
export function referralCodeIn(path: string, search: string): string | null {
  if (!/\/referral\/?$/.test(path)) return null
  const code = new URLSearchParams(search).get('code')
  return code && /^[A-Za-z0-9]{4,20}$/.test(code) ? code : null
}

/**
 * A newcomer opened a referral link: claim it with the verified ID token before anything else
 * (before `/me`, which a newcomer who is not a friend yet cannot pass). Repeating it later (back
 * from adding the account) answers the referral's status. Never stops the start-up.
 */
export async function claimFromLink(api: Api): Promise<void> {
  const code = referralCodeIn(location.pathname, location.search)
  if (!code) return
  try {
    claimed = await api.send<ReferralClaimResult>('POST', '/api/liff/referrals/claim', { code })
  } catch {
    claimed = null
  }
}

/** What the claim answered on this page, for the 友だち紹介 screen. */
export function lastClaim(): ReferralClaimResult | null {
  return claimed
}
