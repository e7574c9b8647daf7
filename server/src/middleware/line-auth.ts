import { createMiddleware } from 'hono/factory'
import type { AppEnv } from './env.ts'

/**
 * Verifies `Authorization: Bearer <LIFF ID token>` and sets `lineUserId` / `lineName` from the
 * token. Refuses before anything is read from or written to the database. Authenticated answers
 * are per user: never cached by a browser or a proxy.
 */
export const requireLineUser = createMiddleware<AppEnv>(async (c, next) => {
  c.header('cache-control', 'no-store')
  const token = await c.var.services.signIn.verify(c.req.header('authorization'))
  c.set('lineUserId', token.lineUserId)
  c.set('lineName', token.name)
  await next()
})
