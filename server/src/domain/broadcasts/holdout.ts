/**
 * The holdout draw, deterministic per (broadcast, member): a multiplicative (Weyl) hash of the
 * member ID plus a per-broadcast seed, kept below 2^63 so SQLite's integers compute it exactly.
 * The repository evaluates the same formula in SQL; this copy lets tests predict the draw.
 */
export const HOLDOUT_SCALE = 4294967296
const GOLDEN = 2654435761n

export function holdoutSeed(broadcastId: number): number {
  return Number((BigInt(broadcastId) * 1_000_003n * 40_503n) % 1_073_741_824n)
}

export function isHoldout(memberId: number, broadcastId: number, percent: number): boolean {
  if (percent <= 0) return false
  const h = ((BigInt(memberId) + BigInt(holdoutSeed(broadcastId))) * GOLDEN) % BigInt(HOLDOUT_SCALE)
  return Number(h) < Math.floor((percent / 100) * HOLDOUT_SCALE)
}
