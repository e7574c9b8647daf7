import type { Context } from 'hono'
import { createMiddleware } from 'hono/factory'
import type { LimitGroup } from '../domain/security/rate-limit.ts'
import type { AppEnv } from './env.ts'

/**
 * The client's address as the runtime saw it, never from a header a client can set: Node's socket
 * peer (the Node entry hands Hono `{ incoming }` as its env); on Workers, `cf-connecting-ip`, which
 * Cloudflare sets itself. Behind a reverse proxy on Node every client is the proxy: the per-client
 * limit then acts for all clients together.
 */
export function clientAddress(
  bindings: unknown,
  cfConnectingIp: string | undefined,
): string | undefined {
  const env = bindings as { incoming?: { socket?: { remoteAddress?: string } } } | undefined
  if (env?.incoming?.socket) return env.incoming.socket.remoteAddress
  return cfConnectingIp
}

/**
 * Limits guesses at a secret (domain/security/rate-limit.ts): per client and for all clients, with
 * a 429 (Japanese message, `retry-after`) and a staff alert on the first refusal of a window. The
 * attempt is counted before the route runs and given back if the route's answer was not a wrong
 * guess. Mount it after authentication, so only signed-in guesses count. With `when`, only the
 * requests it picks are counted (e.g. typed codes, not the signed QR on the same route).
 */
export function rateLimit(
  group: LimitGroup,
  options: { when?: (c: Context<AppEnv>) => Promise<boolean> } = {},
) {
  return createMiddleware<AppEnv>(async (c, next) => {
    if (options.when && !(await options.when(c))) return next()
    const attempt = await c.var.services.rateLimits.attempt(
      group,
      clientAddress(c.env, c.req.header('cf-connecting-ip')),
    )
    if (attempt.limited)
      return c.json(
        {
          error: {
            code: 'too_many_attempts',
            message: attempt.message,
            retryAfterSec: attempt.retryAfterSec,
          },
        },
        429,
        { 'retry-after': String(attempt.retryAfterSec) },
      )
    await next()
    await attempt.settle(c.res.status)
  })
}
