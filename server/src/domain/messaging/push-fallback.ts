/**
 * Whether a message meant as a free reply may go as a billed push instead. One decision, one
 * input: everything that may forbid an automatic push is a field here (the shop's switches for
 * automatic messages will add theirs), so every caller follows the same rule.
 */
export interface PushFallbackInput {
  /** Why the reply cannot be used: its token went stale first, or LINE called it invalid. */
  cause: 'token_stale' | 'token_invalid'
  /** The member blocked the account: never messaged. */
  blocked: boolean
  /** LINE answered "monthly limit" to a push a moment ago: the quota is used up (no retries). */
  monthlyLimitReached: boolean
  /** The shop allows automatic billed messages (undefined: no such switch yet, allowed). */
  automaticPushAllowed?: boolean
}

export type PushFallbackDecision =
  | { push: true }
  | {
      push: false
      status: 'skipped' | 'failed'
      reason: 'blocked' | 'monthly_limit' | 'not_allowed'
    }

export function decidePushFallback(input: PushFallbackInput): PushFallbackDecision {
  if (input.blocked) return { push: false, status: 'skipped', reason: 'blocked' }
  if (input.monthlyLimitReached) return { push: false, status: 'failed', reason: 'monthly_limit' }
  if (input.automaticPushAllowed === false)
    return { push: false, status: 'failed', reason: 'not_allowed' }
  return { push: true }
}

/**
 * Remembers LINE's "monthly limit" answer for a while, so fallbacks during that time fail at once
 * instead of each spending a call to hear it again (an explicit push still asks LINE).
 */
export class MonthlyLimitMemo {
  private until = 0

  constructor(private readonly holdMs = 10 * 60_000) {}

  reached(now: number): boolean {
    return now < this.until
  }

  note(now: number): void {
    this.until = now + this.holdMs
  }
}
