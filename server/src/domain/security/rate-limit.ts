/**
 * Limits on guessing secrets: the owner setup code, invitation codes, integration API keys and the
 * coupon codes typed at the register.
 * Fixed windows counted in the database (one conditional UPSERT per attempt, the same on SQLite
 * and D1), per client address and for everyone together, so neither one client nor many can try
 * more than a handful of guesses per window, across Workers isolates and restarts. The first
 * refusal in a window raises one staff alert.
 *
 * Every request takes its slot before it runs (so a flood of concurrent guesses cannot all slip in
 * under the limit) and gives it back when it turned out not to be a wrong guess (a claimed code, a
 * valid API key): people and integrations that get it right are never held up by their successes.
 */

export type LimitGroup = 'owner_setup' | 'invite_accept' | 'api_key' | 'coupon_code'

export interface LimitPolicy {
  windowMs: number
  /** Attempts one client may make per window. */
  perClient: number
  /** Attempts all clients together may make per window. */
  global: number
  /** What is being guessed, for the 429 message and the alert (Japanese). */
  label: string
  /** Whether a response means a wrong guess (kept in the count); any other gives its slot back. */
  wrongGuess(status: number): boolean
}

const anyClientError = (status: number) => status >= 400 && status < 500

const TEN_MINUTES = 10 * 60_000

export const LIMITS: Readonly<Record<LimitGroup, LimitPolicy>> = {
  owner_setup: {
    windowMs: TEN_MINUTES,
    perClient: 10,
    global: 30,
    label: 'オーナー設定コード',
    wrongGuess: anyClientError,
  },
  invite_accept: {
    windowMs: TEN_MINUTES,
    perClient: 10,
    global: 50,
    label: '招待コード',
    wrongGuess: anyClientError,
  },
  api_key: {
    windowMs: TEN_MINUTES,
    // An integration may send bursts of good requests: each holds a slot only while it runs.
    perClient: 60,
    global: 600,
    label: 'API キー',
    // A wrong, revoked or missing key; a bad body with a good key is not a guess.
    wrongGuess: (status) => status === 401,
  },
  coupon_code: {
    windowMs: TEN_MINUTES,
    // Tills behind one shop router share an address; a typo now and then is no attack.
    perClient: 30,
    global: 100,
    label: 'クーポンコード',
    // Only an unknown code is a guess; a used or expired coupon (409) was a real code.
    wrongGuess: (status) => status === 404,
  },
}

export interface AttemptCounts {
  client: number
  global: number
}

export interface RateCounterStore {
  /** Adds one attempt to both counters for the window starting at `windowStart`; the counts after. */
  hit(keys: { client: string; global: string }, windowStart: number): Promise<AttemptCounts>
  /** Takes one attempt back from both counters, if they are still in that window. */
  refund(keys: { client: string; global: string }, windowStart: number): Promise<void>
  /** Deletes counters of windows that started before `before`. */
  prune(before: number): Promise<number>
}

export interface SecurityAlertSink {
  /** Stores a staff alert unless one with the same dedupe key exists. */
  raise(alert: { summary: string; dedupeKey: string; at: number }): Promise<boolean>
}

export interface RateLimitDeps {
  counters: RateCounterStore
  alerts: SecurityAlertSink
}

export type Verdict =
  | { limited: false }
  | { limited: true; scope: 'client' | 'global'; retryAfterSec: number }

function keysFor(group: LimitGroup, client: string) {
  return { client: `${group}:ip:${client}`, global: `${group}:all` }
}

function verdictOf(
  policy: LimitPolicy,
  counts: AttemptCounts,
  windowStart: number,
  now: number,
): Verdict {
  const scope =
    counts.client > policy.perClient ? 'client' : counts.global > policy.global ? 'global' : null
  if (scope === null) return { limited: false }
  return {
    limited: true,
    scope,
    retryAfterSec: Math.max(1, Math.ceil((windowStart + policy.windowMs - now) / 1000)),
  }
}

/** Gives back the slot of an attempt that was not a wrong guess. */
export async function refundAttempt(
  deps: RateLimitDeps,
  group: LimitGroup,
  client: string,
  countedAt: number,
): Promise<void> {
  const policy = LIMITS[group]
  await deps.counters.refund(keysFor(group, client), countedAt - (countedAt % policy.windowMs))
}

/**
 * Counts one attempt and says whether it is over the limit. The attempt that first
 * goes over a limit in a window raises a staff alert (one per group, scope and window).
 */
export async function countAttempt(
  deps: RateLimitDeps,
  group: LimitGroup,
  client: string,
  now: number,
): Promise<Verdict> {
  const policy = LIMITS[group]
  const windowStart = now - (now % policy.windowMs)
  const counts = await deps.counters.hit(keysFor(group, client), windowStart)
  const verdict = verdictOf(policy, counts, windowStart, now)
  const firstOverClient = counts.client === policy.perClient + 1
  const firstOverGlobal = counts.global === policy.global + 1
  if (firstOverClient || firstOverGlobal) {
    const minutes = Math.round(policy.windowMs / 60_000)
    const who = firstOverClient
      ? `接続元 ${client} から${minutes}分間に${counts.client}回`
      : `すべての接続元の合計で${minutes}分間に${counts.global}回`
    await deps.alerts.raise({
      summary: `${policy.label}の試行が上限を超えました（${who}）。総当たりの可能性があるため、この時間帯の試行を止めています。心当たりがなければ、コードやキーの発行状況を確認してください。`,
      dedupeKey: `security:${group}:${firstOverClient ? `ip:${client}` : 'all'}:${windowStart}`,
      at: now,
    })
  }
  return verdict
}

/** The 429 message (Japanese) for a refused attempt. */
export function tooManyMessage(group: LimitGroup, retryAfterSec: number): string {
  const minutes = Math.max(1, Math.ceil(retryAfterSec / 60))
  return `${LIMITS[group].label}の試行が多すぎます。${minutes}分ほど待ってから、もう一度お試しください。`
}

/**
 * The client's key for counting: an IPv4 address as is; an IPv6 address by its /64 prefix (one
 * host usually owns the whole /64, and could otherwise rotate through it).
 */
export function clientKey(address: string | undefined): string {
  if (!address) return 'unknown'
  const plain = address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address
  if (!plain.includes(':')) return plain
  const groups = expandIpv6(plain)
  return groups ? `${groups.slice(0, 4).join(':')}::/64` : plain.slice(0, 64)
}

function expandIpv6(address: string): string[] | null {
  const clean = address.split('%')[0]?.toLowerCase() ?? ''
  const halves = clean.split('::')
  if (halves.length > 2) return null
  const head = halves[0] ? halves[0].split(':') : []
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : []
  const missing = 8 - head.length - tail.length
  if (missing < 0 || (halves.length === 1 && missing !== 0)) return null
  const groups = [...head, ...Array<string>(missing).fill('0'), ...tail]
  if (!groups.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return null
  return groups.map((g) => g.replace(/^0+(?=.)/, ''))
}

/** One attempt at a guessable secret, counted; settle it with the answer's HTTP status. */
export type Attempt =
  | { limited: true; retryAfterSec: number; message: string }
  | { limited: false; settle(status: number): Promise<void> }

/** Rate limits as a service: take a slot for an attempt, give it back unless it was a wrong guess. */
export function createRateLimiter(deps: RateLimitDeps & { now(): number }) {
  return {
    async attempt(group: LimitGroup, address: string | undefined): Promise<Attempt> {
      const client = clientKey(address)
      const countedAt = deps.now()
      const verdict = await countAttempt(deps, group, client, countedAt)
      if (verdict.limited)
        return {
          limited: true,
          retryAfterSec: verdict.retryAfterSec,
          message: tooManyMessage(group, verdict.retryAfterSec),
        }
      return {
        limited: false,
        settle: async (status) => {
          if (!LIMITS[group].wrongGuess(status)) await refundAttempt(deps, group, client, countedAt)
        },
      }
    },

    /** Counters of windows that started before `before` (the periodic pass). */
    prune: (before: number) => deps.counters.prune(before),
  }
}

export type RateLimiter = ReturnType<typeof createRateLimiter>
