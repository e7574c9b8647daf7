import type { Context } from 'hono'
import { createMiddleware } from 'hono/factory'
import type { AppEnv } from '../deps.ts'
import { AuthenticationFailed, AuthUnavailable, LoginNotConfigured } from '../domain/auth/errors.ts'
import { JwksUnavailable, type VerifiedIdToken } from '../line/id-token-verifier.ts'

/** The scheme is case-insensitive (RFC 7235); no scheme or an empty token is `missing_token`. */
const BEARER = /^Bearer(?:\s+(.*))?$/i

/**
 * Verifies `Authorization: Bearer <LIFF ID token>` and sets `lineUserId` / `lineName` from the
 * token. Throws before anything is read from or written to the database.
 */
export async function verifyBearer(c: Context<AppEnv>): Promise<VerifiedIdToken> {
  const { idTokens } = c.var.deps
  if (!idTokens) throw new LoginNotConfigured()
  // Authenticated answers are per user: never cached by a browser or a proxy.
  c.header('cache-control', 'no-store')
  const token = BEARER.exec(c.req.header('authorization')?.trim() ?? '')?.[1]
  if (!token) throw new AuthenticationFailed('missing_token')
  if (/\s/.test(token)) throw new AuthenticationFailed('malformed_token')
  let result
  try {
    result = await idTokens.verify(token)
  } catch (error) {
    if (error instanceof JwksUnavailable) throw new AuthUnavailable()
    throw error
  }
  if (!result.ok) throw new AuthenticationFailed(result.code)
  c.set('lineUserId', result.token.lineUserId)
  c.set('lineName', result.token.name)
  return result.token
}

/** Any LINE user with a valid ID token (staff setup and invite acceptance). */
export const requireLineUser = createMiddleware<AppEnv>(async (c, next) => {
  await verifyBearer(c)
  await next()
})
