import type { Context, MiddlewareHandler } from 'hono'
import type { AppEnv } from '../deps.ts'
import {
  clientKey,
  countAttempt,
  LIMITS,
  refundAttempt,
  tooManyMessage,
  type LimitGroup,
  type RateLimitDeps,
  type Verdict,
} from '../domain/security/rate-limit.ts'

/**
 * The client's address as the runtime saw it, never from a header a client can set: Node's socket
 * peer (the Node entry hands Hono `{ incoming }` as its env); on Workers, `cf-connecting-ip`, which
 * Cloudflare sets itself. Behind a reverse proxy on Node every client is the proxy: the per-client
 * limit then acts for all clients together.
 */
export function clientAddress(c: Context): string | undefined {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined
  if (env?.incoming?.socket) return env.incoming.socket.remoteAddress
  return c.req.header('cf-connecting-ip')
}

function limitDeps(c: Context<AppEnv>): RateLimitDeps {
  const { repositories } = c.var.deps
  return { counters: repositories.rateLimits, alerts: repositories.securityAlerts }
}

function tooMany(
  c: Context<AppEnv>,
  group: LimitGroup,
  verdict: Extract<Verdict, { limited: true }>,
) {
  return c.json(
    {
      error: {
        code: 'too_many_attempts',
        message: tooManyMessage(group, verdict.retryAfterSec),
        retryAfterSec: verdict.retryAfterSec,
      },
    },
    429,
    { 'retry-after': String(verdict.retryAfterSec) },
  )
}

/**
 * Limits guesses at a secret (domain/security/rate-limit.ts): per client and for all clients, with
 * a 429 (Japanese message, `retry-after`) and a staff alert on the first refusal of a window. The
 * attempt is counted before the route runs and given back if the route's answer was not a wrong
 * guess. Mount it after authentication, so only signed-in guesses count.
 */
export function rateLimit(group: LimitGroup): MiddlewareHandler<AppEnv> {
  const policy = LIMITS[group]
  return async (c, next) => {
    const deps = limitDeps(c)
    const client = clientKey(clientAddress(c))
    const countedAt = c.var.deps.clock.now()
    const verdict = await countAttempt(deps, group, client, countedAt)
    if (verdict.limited) return tooMany(c, group, verdict)
    await next()
    if (!policy.wrongGuess(c.res.status)) await refundAttempt(deps, group, client, countedAt)
  }
}
