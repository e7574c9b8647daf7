import { luhnCheckDigit } from '../../../server/src/domain/members/members.ts'

/** The member number the answers bench gives the stand-in's i-th user (valid check digit). */
export function benchMemberNumber(i: number): string {
  const digits = String(100_000_000 + i)
  return digits + luhnCheckDigit(digits)
}
