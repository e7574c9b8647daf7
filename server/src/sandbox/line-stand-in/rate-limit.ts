/** Requests per second LINE allows per endpoint; anything not listed gets the default. */
export const rateLimits: Record<string, number> = { multicast: 200, push: 2000, reply: 2000 }
const defaultRate = 2000

interface Bucket {
  tokens: number
  last: number
}

/** One token bucket per endpoint, holding at most one second's worth of requests. */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>()

  constructor(private readonly now: () => number) {}

  take(key: string): boolean {
    const rate = rateLimits[key] ?? defaultRate
    const now = this.now()
    let bucket = this.buckets.get(key)
    if (!bucket) {
      bucket = { tokens: rate, last: now }
      this.buckets.set(key, bucket)
    } else if (now > bucket.last) {
      bucket.tokens = Math.min(rate, bucket.tokens + ((now - bucket.last) * rate) / 1000)
      bucket.last = now
    }
    if (bucket.tokens < 1) return false
    bucket.tokens -= 1
    return true
  }

  reset(): void {
    this.buckets.clear()
  }
}
