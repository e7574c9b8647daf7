import { importJWK, SignJWT, type JWK } from 'jose'
import type { Clock, Logger } from '../domain/ports.ts'

/**
 * Where the Messaging API's channel access token comes from:
 * - `long-lived`: the token issued in the LINE Developers console (LINE_CHANNEL_ACCESS_TOKEN);
 * - `v2.1`: issued by POST /oauth2/v2.1/token with a JWT assertion signed by the channel's
 *   assertion signing key (RS256), valid for the lifetime chosen (≤ 30 days);
 * - `stateless`: POST /oauth2/v3/token, valid 15 minutes, no limit on how many are active
 *   (with the key's JWT assertion when a key is configured, else the channel ID and secret).
 * Short-lived tokens are refreshed before they expire; concurrent callers share one request.
 */
export type ChannelTokenSettings =
  | { kind: 'long-lived'; token: string }
  | {
      kind: 'v2.1'
      channelId: string
      privateKey: JWK
      keyId: string
      /** The token's lifetime (LINE's `token_exp`), 1 s – 30 days. */
      lifetimeSeconds: number
    }
  | {
      kind: 'stateless'
      channelId: string
      channelSecret: string
      /** When set, the token is requested with a JWT assertion instead of the channel secret. */
      privateKey?: JWK
      keyId?: string
    }

export interface ChannelTokenSource {
  readonly kind: ChannelTokenSettings['kind']
  /** A token valid for at least the refresh margin. */
  token(): Promise<string>
}

export class ChannelTokenError extends Error {
  override name = 'ChannelTokenError'
}

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'
/** LINE accepts an assertion whose `exp` is at most 30 minutes away. */
const ASSERTION_SECONDS = 30 * 60

/**
 * How long before expiry a token is replaced: a fifth of its lifetime, at least 1 minute and at
 * most 1 hour (a 15-minute stateless token is refreshed after 12 minutes, a 1-day v2.1 token
 * after 23 hours).
 */
export function refreshMarginMs(lifetimeMs: number): number {
  return Math.min(Math.max(lifetimeMs / 5, 60_000), 60 * 60_000)
}

export function createChannelTokenSource(input: {
  settings: ChannelTokenSettings
  /** The OAuth base (LINE_API_BASE_URL): api.line.me or the stand-in. */
  apiBaseUrl: string
  clock: Clock
  logger: Logger
  fetch?: typeof fetch
  /** Every issued token is handed here (the log redaction layer learns it). */
  onIssued?: (token: string) => void
  timeoutMs?: number
}): ChannelTokenSource {
  const { clock, logger } = input
  if (input.settings.kind === 'long-lived') {
    const token = input.settings.token
    return { kind: 'long-lived', token: () => Promise.resolve(token) }
  }
  const settings: Exclude<ChannelTokenSettings, { kind: 'long-lived' }> = input.settings
  const doFetch = input.fetch ?? fetch
  const base = input.apiBaseUrl.replace(/\/+$/, '')
  let current: { token: string; refreshAt: number; expiresAt: number } | null = null
  let inflight: Promise<string> | null = null

  async function assertion(privateKey: JWK, keyId: string, tokenExp?: number): Promise<string> {
    const key = await importJWK(privateKey, 'RS256')
    const now = Math.floor(clock.now() / 1000)
    const jwt = new SignJWT(tokenExp === undefined ? {} : { token_exp: tokenExp })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: keyId })
      .setIssuer(settings.channelId)
      .setSubject(settings.channelId)
      .setAudience('https://api.line.me/')
      .setIssuedAt(now)
      .setExpirationTime(now + ASSERTION_SECONDS)
    return jwt.sign(key)
  }

  async function issue(): Promise<string> {
    const form = new URLSearchParams({ grant_type: 'client_credentials' })
    let path: string
    if (settings.kind === 'v2.1') {
      path = '/oauth2/v2.1/token'
      form.set('client_assertion_type', ASSERTION_TYPE)
      form.set(
        'client_assertion',
        await assertion(settings.privateKey, settings.keyId, settings.lifetimeSeconds),
      )
    } else {
      path = '/oauth2/v3/token'
      if (settings.privateKey && settings.keyId) {
        form.set('client_assertion_type', ASSERTION_TYPE)
        form.set('client_assertion', await assertion(settings.privateKey, settings.keyId))
      } else {
        form.set('client_id', settings.channelId)
        form.set('client_secret', settings.channelSecret)
      }
    }
    const issuedAt = clock.now()
    const res = await doFetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
      signal: AbortSignal.timeout(input.timeoutMs ?? 10_000),
    })
    const text = await res.text()
    if (!res.ok) {
      let reason = text.slice(0, 200)
      try {
        const parsed = JSON.parse(text) as { error?: string; error_description?: string }
        reason = [parsed.error, parsed.error_description].filter(Boolean).join(': ') || reason
      } catch {
        // not JSON
      }
      throw new ChannelTokenError(
        `LINE refused to issue a ${settings.kind} channel access token (HTTP ${res.status}: ${reason})`,
      )
    }
    const body = JSON.parse(text) as { access_token?: unknown; expires_in?: unknown }
    if (typeof body.access_token !== 'string' || typeof body.expires_in !== 'number')
      throw new ChannelTokenError('LINE answered the token request without a token')
    input.onIssued?.(body.access_token)
    const lifetimeMs = body.expires_in * 1000
    current = {
      token: body.access_token,
      expiresAt: issuedAt + lifetimeMs,
      refreshAt: issuedAt + lifetimeMs - refreshMarginMs(lifetimeMs),
    }
    logger.info('channel access token issued', {
      kind: settings.kind,
      expiresInSeconds: body.expires_in,
      lineRequestId: res.headers.get('x-line-request-id') ?? undefined,
    })
    return body.access_token
  }

  return {
    kind: settings.kind,
    async token() {
      const now = clock.now()
      if (current && now < current.refreshAt) return current.token
      inflight ??= issue().finally(() => {
        inflight = null
      })
      // While a refresh is under way, a token that has not expired yet still serves.
      if (current && now < current.expiresAt - 5_000) {
        inflight.catch((error: unknown) =>
          logger.warn('channel access token refresh failed', { error: String(error) }),
        )
        return current.token
      }
      return inflight
    },
  }
}

/**
 * A fetch for LINE's APIs that puts the source's current token in the `authorization` header of
 * calls to the given bases (the OAuth endpoints excluded). With a long-lived token the header the
 * clients set is already right and this is not used.
 */
export function withChannelToken(
  base: typeof fetch,
  source: ChannelTokenSource,
  apiBases: string[],
): typeof fetch {
  const prefixes = apiBases.map((b) => b.replace(/\/+$/, '') + '/')
  const wrapped = async (input: string | URL | Request, init: RequestInit = {}) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
    if (!prefixes.some((p) => url.startsWith(p)) || new URL(url).pathname.startsWith('/oauth2/'))
      return base(input, init)
    const headers = new Headers(init.headers)
    headers.set('authorization', `Bearer ${await source.token()}`)
    const plain: Record<string, string> = {}
    headers.forEach((value, key) => (plain[key] = value))
    return base(input, { ...init, headers: plain })
  }
  return wrapped as typeof fetch
}
