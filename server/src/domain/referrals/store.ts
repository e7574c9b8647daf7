import type { ReferralReason, ReferralReward, ReferralStats, ReferralStatus } from '@joren/shared'
import type { Write } from '../unit-of-work.ts'

/** A reward as issued with a referral: the setting at the time and what the member read. */
export type StoredReward = ReferralReward & { label: string }

/** A referral as stored. */
export interface Referral {
  id: number
  referrerMemberId: number
  newcomerLineUserId: string
  newcomerMemberId: number | null
  status: ReferralStatus
  reason: ReferralReason | null
  claimedAt: number
  joinedAt: number | null
  qualifiedAt: number | null
  qualifyingPurchaseId: number | null
  referrerReward: StoredReward | null
  newcomerReward: StoredReward | null
}

/** A member as the referral program needs them. */
export interface ReferralMember {
  id: number
  lineUserId: string
  displayName: string | null
  language: string | null
  followState: 'following' | 'blocked'
  createdAt: number
}

/** A follow or block the member's domain events recorded (oldest first). */
export interface FollowRecord {
  type: 'member.followed' | 'member.unfollowed'
  firstFollow: boolean
  refollow: boolean
  unblocked: boolean
  occurredAt: number
}

/** A referral of the member's own list, with the newcomer's display name when known. */
export type ReferrerListRow = Referral & { newcomerName: string | null }

/** A referral with both members' numbers and names, for staff. */
export type StaffListRow = Referral & {
  referrerNumber: string
  referrerName: string | null
  newcomerNumber: string | null
  newcomerName: string | null
}

/**
 * Referral codes and referrals. Reads answer now; `…Write(s)` methods plan statements for one
 * commit. Exactly-once rests on the database: a claim per (newcomer, referrer) and one live claim
 * per newcomer are UNIQUE; a state change is a conditional UPDATE on the state as read, and
 * `qualifyWrites` / `closeWrites` end with a guard whose CHECK fails the whole commit (rewards
 * and messages included) when the UPDATE changed nothing.
 */
export interface ReferralStore {
  codeOf(memberId: number): Promise<string | null>
  /** Inserts the member's code unless they have one; a taken code fails on UNIQUE (try another). */
  createCode(memberId: number, code: string, now: number): Promise<void>
  referrerByCode(code: string): Promise<ReferralMember | null>
  member(id: number): Promise<ReferralMember | null>
  memberByLineUserId(lineUserId: string): Promise<ReferralMember | null>
  hasProfile(memberId: number): Promise<boolean>
  followHistory(memberId: number): Promise<FollowRecord[]>
  find(id: number): Promise<Referral | null>
  findClaim(newcomerLineUserId: string, referrerMemberId: number): Promise<Referral | null>
  /** The newcomer's claim that is not refused (the first referrer), if any. */
  liveClaim(newcomerLineUserId: string): Promise<Referral | null>
  /** The newcomer member's live referral (joined or later), if any. */
  liveForNewcomer(memberId: number): Promise<Referral | null>
  byPurchase(purchaseId: number): Promise<Referral | null>
  /** Inserts a claim; false when a UNIQUE key says it exists already (nothing written). */
  insertClaim(input: {
    referrerMemberId: number
    newcomerLineUserId: string
    status: 'claimed' | 'refused'
    reason: ReferralReason | null
    now: number
  }): Promise<boolean>
  /** claimed → joined (changes a row only when still claimed). */
  joinWrite(id: number, newcomerMemberId: number, joinedAt: number, now: number): Write
  /** claimed / joined → refused with the reason (changes a row only from those). */
  refuseWrite(id: number, reason: ReferralReason, now: number): Write
  /** Notes why a joined referral could not be rewarded yet (it stays joined). */
  noteWrite(id: number, reason: ReferralReason, now: number): Write
  /** Qualified referrals of the referrer in the shop-local month (the cap counts these). */
  qualifiedInMonth(referrerMemberId: number, month: string): Promise<number>
  /**
   * joined → qualified, only while the referrer follows and is under `cap` this month; then the
   * guard (the commit fails when the UPDATE changed nothing).
   */
  qualifyWrites(input: {
    id: number
    referrerMemberId: number
    cap: number
    month: string
    purchaseId: number | null
    referrerReward: StoredReward
    newcomerReward: StoredReward
    now: number
  }): Write[]
  /** qualified → reversed / flagged with the reason; then the guard. */
  closeWrites(input: {
    id: number
    status: 'reversed' | 'flagged'
    reason: ReferralReason
    now: number
  }): Write[]
  /** Claims still waiting for a follow whose user is now a member (settled by the sweep). */
  claimsWithMember(claimedBefore: number, limit: number): Promise<Referral[]>
  /** Joined referrals whose newcomer has saved a profile (the 'join' qualification). */
  joinedWithProfile(limit: number): Promise<Referral[]>
  forReferrer(memberId: number): Promise<ReferrerListRow[]>
  list(query: { status?: ReferralStatus; limit: number }): Promise<StaffListRow[]>
  stats(input: { since: number; timeZone: string; top: number }): Promise<ReferralStats>
}
