/**
 * Paces calls to LINE just under its per-endpoint rate limits, shared by every sender in the
 * process (broadcast chunks and the outbox's pushes alike). Reservation-based (GCRA): each caller
 * takes the next free slot, so concurrent callers never burst past the rate. A 429 halves the
 * rate; it recovers towards the ceiling over the following seconds.
 */
export type PacedEndpoint = 'multicast' | 'push'

/** LINE's documented limits (requests per second), with a margin for clock skew and jitter. */
export const LINE_RATE_LIMITS: Record<PacedEndpoint, number> = { multicast: 200, push: 2000 }
const HEADROOM = 0.97
/** Requests a bucket may send back to back before pacing applies. */
const BURST = 5
/** After a 429 the rate recovers by this share of the ceiling per second. */
const RECOVERY_PER_SECOND = 0.1
const MIN_SHARE = 0.05

export interface Pacer {
  /** Resolves when the caller may send one request to `endpoint`. */
  take(endpoint: PacedEndpoint): Promise<void>
  /** LINE answered 429 (rate limit, not the monthly limit): slow down. */
  slowDown(endpoint: PacedEndpoint): void
}

interface Bucket {
  ceiling: number
  /** Current share of the ceiling (1 = full speed). */
  share: number
  shareAt: number
  /** Theoretical arrival time of the next request (GCRA). */
  tat: number
}

export function createPacer(
  options: {
    now?: () => number
    sleep?: (ms: number) => Promise<void>
    limits?: Partial<Record<PacedEndpoint, number>>
  } = {},
): Pacer {
  const now = options.now ?? (() => performance.now())
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)))
  const buckets = new Map<PacedEndpoint, Bucket>()

  function bucket(endpoint: PacedEndpoint): Bucket {
    let b = buckets.get(endpoint)
    if (!b) {
      const limit = options.limits?.[endpoint] ?? LINE_RATE_LIMITS[endpoint]
      b = { ceiling: limit * HEADROOM, share: 1, shareAt: now(), tat: 0 }
      buckets.set(endpoint, b)
    }
    return b
  }

  function recover(b: Bucket, at: number): void {
    if (b.share >= 1) return
    b.share = Math.min(1, b.share + ((at - b.shareAt) / 1000) * RECOVERY_PER_SECOND)
    b.shareAt = at
  }

  return {
    async take(endpoint) {
      const b = bucket(endpoint)
      const at = now()
      recover(b, at)
      const interval = 1000 / (b.ceiling * b.share)
      const tat = Math.max(b.tat, at)
      b.tat = tat + interval
      const wait = tat - (BURST - 1) * interval - at
      if (wait > 0) await sleep(wait)
    },
    slowDown(endpoint) {
      const b = bucket(endpoint)
      const at = now()
      recover(b, at)
      b.share = Math.max(MIN_SHARE, b.share / 2)
      b.shareAt = at
      // Nobody sends for a moment: the bucket on LINE's side refills.
      b.tat = Math.max(b.tat, at) + 1000 / b.ceiling
    },
  }
}

/** For tests and tools that must not wait. */
export const unpaced: Pacer = { take: () => Promise.resolve(), slowDown() {} }
