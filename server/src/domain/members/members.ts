import type { LineProfile } from '../messaging/messenger.ts'

export interface Member {
  id: number
  lineUserId: string
  memberNumber: string
  displayName: string | null
  language: string | null
  followState: 'following' | 'blocked'
}

export interface MemberRepository {
  findByLineUserId(lineUserId: string): Promise<Member | null>
  findById(id: number): Promise<Member | null>
  /**
   * Creates the member or records a follow / unfollow, but only if `at` is not older than the
   * event that set the current state (LINE does not guarantee event order).
   * Returns the member and whether it existed before.
   */
  recordFollowState(input: {
    lineUserId: string
    state: 'following' | 'blocked'
    at: number
    profile: LineProfile | null
    memberNumber: string
    now: number
    /**
     * What the change came from: a follow / unfollow webhook event (recorded as a domain event,
     * once per `eventKey`), or a friend who followed before Joren met them (no event).
     */
    cause:
      | { kind: 'webhook'; eventKey: string; standby: boolean; unblocked?: boolean }
      | { kind: 'existing_friend' }
  }): Promise<{ member: Member; existed: boolean; wasBlocked: boolean }>
}

/** Member numbers are 10 digits: 9 random digits and a Luhn check digit, so typos are caught. */
export function newMemberNumber(randomInt: (max: number) => number): string {
  let digits = String(1 + randomInt(9))
  for (let i = 0; i < 8; i++) digits += String(randomInt(10))
  return digits + luhnCheckDigit(digits)
}

export function luhnCheckDigit(digits: string): string {
  let sum = 0
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i])
    if (i % 2 === 0) {
      d *= 2
      if (d > 9) d -= 9
    }
    sum += d
  }
  return String((10 - (sum % 10)) % 10)
}

export function isValidMemberNumber(value: string): boolean {
  return /^\d{10}$/.test(value) && luhnCheckDigit(value.slice(0, 9)) === value[9]
}
