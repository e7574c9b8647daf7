import { HOLDOUT_SCALE } from '../broadcasts/holdout.ts'

const GOLDEN = 2654435761n

/**
 * The journey holdout draw, sticky per (journey, member): the broadcasts' multiplicative hash of
 * the member ID plus a per-journey seed (a different odd multiplier than broadcasts', so journey 3
 * and broadcast 3 do not hold out the same members).
 */
export function journeyHoldoutSeed(journeyId: number): number {
  return Number((BigInt(journeyId) * 2_000_029n * 97_003n) % 1_073_741_824n)
}

export function isJourneyHoldout(memberId: number, journeyId: number, percent: number): boolean {
  if (percent <= 0) return false
  const h =
    ((BigInt(memberId) + BigInt(journeyHoldoutSeed(journeyId))) * GOLDEN) % BigInt(HOLDOUT_SCALE)
  return Number(h) < Math.floor((percent / 100) * HOLDOUT_SCALE)
}
