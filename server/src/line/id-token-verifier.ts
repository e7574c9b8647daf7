import type { TokenFailureCode } from '../domain/auth/errors.ts'
import { LINE_USER_ID_PATTERN } from '@joren/shared'
import {
  JwksUnavailable,
  type IdTokenResult,
  type IdTokenVerifier,
  type VerifiedIdToken,
} from '../domain/auth/id-token.ts'
import { silentLogger, type Clock, type Logger } from '../domain/ports.ts'

export {
  JwksUnavailable,
  type IdTokenResult,
  type IdTokenVerifier,
  type VerifiedIdToken,
} from '../domain/auth/id-token.ts'

export interface IdTokenVerifierOptions {
  jwksUrl: string
  /** Expected `iss` (https://access.line.me). */
  issuer: string
  /** Expected `aud`: the LINE Login channel ID. */
  channelId: string
  clock: Clock
  logger?: Logger
  fetch?: typeof fetch
  /** An unknown `kid` refetches the keys at most this often, so forged kids cost LINE nothing. */
  refreshCooldownMs?: number
  /** Keys older than this are refetched at their next use (a key LINE withdrew stops working). */
  maxKeyAgeMs?: number
  /** Allowed clock difference for `exp` and `iat`, in seconds. */
  clockSkewSec?: number
  timeoutMs?: number
  /** How many verified tokens to remember (see `remember` below); 0 turns the memory off. */
  rememberTokens?: number
}

const BASE64URL = /^[A-Za-z0-9_-]+$/
const MAX_TOKEN_LENGTH = 8 * 1024
const ES256 = { name: 'ECDSA', namedCurve: 'P-256' } as const
const encoder = new TextEncoder()
const decoder = new TextDecoder()

/**
 * Verifies LIFF ID tokens locally with Web Crypto (both runtimes): ES256 over LINE's JWKS, then
 * `iss`, `aud`, `exp` and `iat`. Keys are fetched once and cached in memory; an unknown `kid`
 * triggers at most one refetch per cooldown; concurrent requests share one fetch.
 */
export function createIdTokenVerifier(options: IdTokenVerifierOptions): IdTokenVerifier {
  const { jwksUrl, issuer, channelId, clock } = options
  const logger = options.logger ?? silentLogger
  const doFetch = options.fetch ?? fetch
  const cooldownMs = options.refreshCooldownMs ?? 30_000
  const maxKeyAgeMs = options.maxKeyAgeMs ?? 6 * 60 * 60 * 1000
  const skewSec = options.clockSkewSec ?? 60
  const timeoutMs = options.timeoutMs ?? 5_000

  // A LIFF page sends the same ID token with every call until it expires (about an hour), and an
  // ES256 check costs a P-256 signature verification: 3.5 % of the server's busy time under the
  // answers bench. A token that passed is remembered, byte for byte, until its own expiry (never
  // longer than ten minutes), in a bounded map that forgets the oldest first. Anything else — a
  // changed byte, an expired entry — goes through the full check.
  const rememberLimit = options.rememberTokens ?? 10_000
  const remembered = new Map<string, { token: VerifiedIdToken; untilMs: number }>()
  function recall(idToken: string): VerifiedIdToken | null {
    const hit = remembered.get(idToken)
    if (!hit) return null
    if (clock.now() > hit.untilMs) {
      remembered.delete(idToken)
      return null
    }
    return hit.token
  }
  function remember(idToken: string, token: VerifiedIdToken, acceptedUntilMs: number): void {
    if (rememberLimit <= 0) return
    remembered.set(idToken, { token, untilMs: Math.min(acceptedUntilMs, clock.now() + 600_000) })
    if (remembered.size > rememberLimit) {
      const oldest = remembered.keys().next().value
      if (oldest !== undefined) remembered.delete(oldest)
    }
  }

  let keys: Map<string, CryptoKey> | null = null
  let fetchedAt = 0
  let attemptedAt = Number.NEGATIVE_INFINITY
  let inflight: Promise<void> | null = null

  async function load(): Promise<void> {
    attemptedAt = clock.now()
    let body: unknown
    try {
      const res = await doFetch(jwksUrl, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(timeoutMs),
      })
      if (!res.ok) throw new Error(`status ${res.status}`)
      body = await res.json()
    } catch (error) {
      logger.warn('could not fetch LINE ID token keys', { error: String(error) })
      throw new JwksUnavailable('LINE ID token keys could not be fetched')
    }
    const next = new Map<string, CryptoKey>()
    const list = (body as { keys?: unknown } | null)?.keys
    for (const jwk of Array.isArray(list) ? (list as Record<string, unknown>[]) : []) {
      const { kty, crv, x, y, kid, alg, use } = jwk
      if (kty !== 'EC' || crv !== 'P-256' || typeof kid !== 'string') continue
      if (typeof x !== 'string' || typeof y !== 'string') continue
      if ((alg !== undefined && alg !== 'ES256') || (use !== undefined && use !== 'sig')) continue
      try {
        next.set(
          kid,
          await crypto.subtle.importKey('jwk', { kty, crv, x, y }, ES256, false, ['verify']),
        )
      } catch {
        logger.warn('skipped an unusable key in the LINE JWKS', { kid })
      }
    }
    if (next.size === 0) {
      logger.warn('the LINE JWKS has no usable ES256 key')
      throw new JwksUnavailable('the LINE JWKS has no usable ES256 key')
    }
    keys = next
    fetchedAt = clock.now()
  }

  function refresh(): Promise<void> {
    inflight ??= load().finally(() => {
      inflight = null
    })
    return inflight
  }

  async function keyFor(kid: string): Promise<CryptoKey | null> {
    if (inflight) await inflight.catch(() => undefined)
    const now = clock.now()
    const cooledDown = now - attemptedAt >= cooldownMs
    if (!keys) {
      // Nothing cached: a failed first fetch is retried after a short pause, not per request.
      if (now - attemptedAt < Math.min(cooldownMs, 5_000))
        throw new JwksUnavailable('LINE ID token keys are not available yet')
      await refresh()
    } else if (!keys.has(kid) || now - fetchedAt > maxKeyAgeMs) {
      if (cooledDown) await refresh().catch(() => undefined)
    }
    return keys?.get(kid) ?? null
  }

  return {
    async verify(idToken) {
      const fail = (code: TokenFailureCode, reason: string): IdTokenResult => ({
        ok: false,
        code,
        reason,
      })
      if (!idToken) return fail('missing_token', 'no token')
      if (idToken.length > MAX_TOKEN_LENGTH) return fail('malformed_token', 'too long')
      const known = recall(idToken)
      if (known) return { ok: true, token: known }
      const parts = idToken.split('.')
      if (parts.length !== 3) return fail('malformed_token', 'not three parts')
      const [headerPart = '', payloadPart = '', signaturePart = ''] = parts
      if (!BASE64URL.test(headerPart) || !BASE64URL.test(payloadPart))
        return fail('malformed_token', 'not base64url')
      if (signaturePart !== '' && !BASE64URL.test(signaturePart))
        return fail('malformed_token', 'signature not base64url')
      const header = decodeJson(headerPart)
      const payload = decodeJson(payloadPart)
      if (!header || !payload) return fail('malformed_token', 'not JSON objects')

      // Only ES256 with a key from LINE's JWKS: no 'none', no HS256 with a guessable secret.
      if (header.alg !== 'ES256') return fail('invalid_token', 'alg')
      if (typeof header.kid !== 'string' || header.kid.length > 200)
        return fail('invalid_token', 'kid')
      const signature = base64UrlToBytes(signaturePart)
      if (!signature || signature.length !== 64) return fail('invalid_token', 'signature length')
      const key = await keyFor(header.kid)
      if (!key) return fail('invalid_token', 'unknown key')
      const good = await crypto.subtle.verify(
        { name: 'ECDSA', hash: 'SHA-256' },
        key,
        signature,
        encoder.encode(`${headerPart}.${payloadPart}`),
      )
      if (!good) return fail('invalid_token', 'signature')

      const { iss, aud, exp, iat, sub, name } = payload
      if (iss !== issuer) return fail('invalid_token', 'iss')
      if (!(aud === channelId || (Array.isArray(aud) && aud.includes(channelId))))
        return fail('invalid_token', 'aud')
      if (typeof exp !== 'number' || !Number.isFinite(exp)) return fail('invalid_token', 'exp')
      if (typeof iat !== 'number' || !Number.isFinite(iat)) return fail('invalid_token', 'iat')
      const nowSec = clock.now() / 1000
      if (nowSec > exp + skewSec) return fail('token_expired', 'expired')
      if (iat > nowSec + skewSec || exp <= iat) return fail('invalid_token', 'iat')
      if (typeof sub !== 'string' || !LINE_USER_ID_PATTERN.test(sub))
        return fail('invalid_token', 'sub')
      const token: VerifiedIdToken = {
        lineUserId: sub,
        name: typeof name === 'string' && name.trim() !== '' ? name.trim().slice(0, 100) : null,
      }
      remember(idToken, token, (exp + skewSec) * 1000)
      return { ok: true, token }
    },
  }
}

function base64UrlToBytes(value: string): Uint8Array<ArrayBuffer> | null {
  try {
    const base64 = value.replace(/-/g, '+').replace(/_/g, '/')
    const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4))
    return Uint8Array.from(binary, (c) => c.charCodeAt(0))
  } catch {
    return null
  }
}

function decodeJson(part: string): Record<string, unknown> | null {
  const bytes = base64UrlToBytes(part)
  if (!bytes) return null
  try {
    const value: unknown = JSON.parse(decoder.decode(bytes))
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null
  } catch {
    return null
  }
}
