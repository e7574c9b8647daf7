import { createMiddleware } from 'hono/factory'
import type { AppEnv } from './env.ts'
import { requireLineUser } from './line-auth.ts'

/**
 * Member routes: a verified LIFF ID token whose `sub` is a member who follows the account (a
 * friend from before Joren is made a member on the spot). Sets `c.var.member`; anyone else gets
 * 403 `not_friend` with the add-friend URL.
 */
export const memberAuth = createMiddleware<AppEnv>(async (c, next) =>
  requireLineUser(c, async () => {
    c.set('member', await c.var.services.signIn.member(c.var.lineUserId))
    await next()
  }),
)
