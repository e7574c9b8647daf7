import type { RegisterMemberLookup } from '@joren/shared'
import { verifyCardToken } from '../members/card-token.ts'
import type { Defer } from '../ports.ts'
import { readShopSettings } from '../shop/settings.ts'
import { CardCodeRefused, MemberNotFound, UnknownCategory } from './errors.ts'
import type { LoyaltyDeps } from './loyalty.ts'
import type { LoyaltyMember } from './store.ts'

export interface LoyaltyServiceDeps extends LoyaltyDeps {
  /** Sandbox: the shop's default name and categories differ. */
  sandbox: boolean
  /** The member card's signing key (the register scans the card's code). */
  cardKey(): Promise<CryptoKey>
  /** Messages were enqueued: start delivering them (after the response on Workers). */
  kickProcessing(defer: Defer): void
}

/** The scope a key needs to record purchases through the integration API. */
export const PURCHASES_WRITE_SCOPE = 'purchases:write'

/** The member by number, or 404 (MemberNotFound). */
export async function requireMember(
  deps: LoyaltyServiceDeps,
  memberNumber: string,
): Promise<LoyaltyMember> {
  const member = await deps.loyalty.memberByNumber(memberNumber)
  if (!member) throw new MemberNotFound(memberNumber)
  return member
}

/** Category IDs must come from the shop's list (settings). */
export async function checkCategories(
  deps: LoyaltyServiceDeps,
  categories: readonly string[],
): Promise<void> {
  const shop = await readShopSettings(deps.settings, deps.sandbox)
  const known = new Set(shop.categories.map((x) => x.id))
  const unknown = categories.filter((x) => !known.has(x))
  if (unknown.length > 0) throw new UnknownCategory(unknown)
}

/** The scanned card's member or the typed number's; an unknown number says so (404). */
export async function registerMemberOf(
  deps: LoyaltyServiceDeps,
  input: RegisterMemberLookup,
): Promise<{ member: LoyaltyMember; memberNumber: string }> {
  let memberNumber = input.memberNumber ?? ''
  if (input.cardToken) {
    const check = await verifyCardToken(input.cardToken, deps.clock.now(), await deps.cardKey())
    if (!check.ok) throw new CardCodeRefused(check.error)
    memberNumber = check.memberNumber
  }
  return { member: await requireMember(deps, memberNumber), memberNumber }
}
