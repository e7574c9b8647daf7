import { createMiddleware } from 'hono/factory'
import type { ApiKeyRecord } from '../domain/loyalty/store.ts'
import type { AppEnv } from './env.ts'

/** The integration API's requests: the key that authenticated them (`c.var.apiKey`). */
export type ApiEnv = AppEnv & { Variables: { apiKey: ApiKeyRecord } }

/**
 * /api/v1: `Authorization: Bearer jk_…` must be a live key with `scope` (401 / 403 otherwise),
 * checked before anything else about the request.
 */
export function apiKeyAuth(scope: string) {
  return createMiddleware<ApiEnv>(async (c, next) => {
    c.set(
      'apiKey',
      await c.var.services.loyalty.authenticateApiKey(c.req.header('authorization'), scope),
    )
    await next()
  })
}
