import type { Ids } from './ports.ts'

/** Exponential backoff with full jitter: a random delay in [base * 2^(attempt-1) / 2, that * 1]. */
export function backoffDelay(attempt: number, ids: Ids, baseMs = 500, capMs = 10 * 60_000): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1))
  const half = Math.floor(ceiling / 2)
  return half + ids.randomInt(Math.max(1, ceiling - half))
}
