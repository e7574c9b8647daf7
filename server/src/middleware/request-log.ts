import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from './env.ts'

const INCOMING_ID = /^[A-Za-z0-9._-]{8,128}$/

/**
 * Gives every request an ID (the proxy's `X-Request-Id` when it sent a sane one, else a new
 * UUID), answers it in `x-request-id`, and logs one line when the answer is ready: method, path
 * (never the query: searches carry names), status and time. Errors logged on the way carry it.
 */
export const requestLog: MiddlewareHandler<AppEnv> = async (c, next) => {
  const incoming = c.req.header('x-request-id')
  const requestId = incoming && INCOMING_ID.test(incoming) ? incoming : crypto.randomUUID()
  c.set('requestId', requestId)
  const started = Date.now()
  await next()
  try {
    c.header('x-request-id', requestId)
  } catch {
    // A response with immutable headers (passed through from a fetch): logged all the same.
  }
  const logger = c.var.services?.logger
  const status = c.res.status
  const fields = {
    requestId,
    method: c.req.method,
    path: c.req.path,
    status,
    ms: Date.now() - started,
  }
  if (status >= 500) logger?.error('request', fields)
  else if (c.req.path !== '/healthz' && c.req.path !== '/readyz') logger?.info('request', fields)
}
