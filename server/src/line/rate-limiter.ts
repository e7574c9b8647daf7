/**
 * Paces calls to LINE just under its per-endpoint rate limits, shared by every sender in the
 * process (replies, the outbox's pushes and broadcast chunks alike). Reservation-based (GCRA): the
 * next free slot goes to the next waiter, so concurrent callers never burst past the rate; when
 * callers wait, urgent ones (answers to customers, whose reply tokens expire) are served before
 * bulk ones (broadcast chunks). A 429 halves the rate; it recovers towards the ceiling over the
 * following seconds.
 */
export type PacedEndpoint = 'multicast' | 'push' | 'reply'

export type PacePriority = 'urgent' | 'bulk'

/** LINE's documented limits (requests per second), with a margin for clock skew and jitter. */
export const LINE_RATE_LIMITS: Record<PacedEndpoint, number> = {
  multicast: 200,
  push: 2000,
  reply: 2000,
}
const HEADROOM = 0.97
/** Requests a bucket may send back to back before pacing applies. */
const BURST = 5
/** After a 429 the rate recovers by this share of the ceiling per second. */
const RECOVERY_PER_SECOND = 0.1
const MIN_SHARE = 0.05

export interface Pacer {
  /** Resolves when the caller may send one request to `endpoint` (default priority: urgent). */
  take(endpoint: PacedEndpoint, priority?: PacePriority): Promise<void>
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
  /** Callers waiting for a slot, urgent first; served by one scheduler at a time. */
  urgent: (() => void)[]
  bulk: (() => void)[]
  scheduled: boolean
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
      b = {
        ceiling: limit * HEADROOM,
        share: 1,
        shareAt: now(),
        tat: 0,
        urgent: [],
        bulk: [],
        scheduled: false,
      }
      buckets.set(endpoint, b)
    }
    return b
  }

  function recover(b: Bucket, at: number): void {
    if (b.share >= 1) return
    b.share = Math.min(1, b.share + ((at - b.shareAt) / 1000) * RECOVERY_PER_SECOND)
    b.shareAt = at
  }

  /** Reserves the next slot if it is free now; else how long until it is. */
  function reserve(b: Bucket): number {
    const at = now()
    recover(b, at)
    const interval = 1000 / (b.ceiling * b.share)
    const tat = Math.max(b.tat, at)
    const wait = tat - (BURST - 1) * interval - at
    if (wait > 0) return wait
    b.tat = tat + interval
    return 0
  }

  /** Hands free slots to waiters (urgent first) until none is free, then waits for the next. */
  function serve(b: Bucket): void {
    for (;;) {
      if (b.urgent.length === 0 && b.bulk.length === 0) {
        b.scheduled = false
        return
      }
      const wait = reserve(b)
      if (wait > 0) {
        b.scheduled = true
        void sleep(wait).then(() => serve(b))
        return
      }
      const next = b.urgent.shift() ?? b.bulk.shift()
      next?.()
    }
  }

  return {
    take(endpoint, priority = 'urgent') {
      const b = bucket(endpoint)
      // Nobody waiting and a slot free: go at once.
      if (!b.scheduled && b.urgent.length === 0 && b.bulk.length === 0 && reserve(b) === 0)
        return Promise.resolve()
      return new Promise<void>((resolve) => {
        ;(priority === 'urgent' ? b.urgent : b.bulk).push(resolve)
        if (!b.scheduled) serve(b)
      })
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
