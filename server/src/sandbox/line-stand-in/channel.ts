// Channel settings and channel access tokens: the webhook endpoint (get / set / LINE's test call)
// and short-lived tokens — v2.1 (POST /oauth2/v2.1/token, JWT assertion) and stateless
// (POST /oauth2/v3/token, assertion or channel ID + secret) — as LINE's reference describes them.
import { createPublicKey, verify as verifySignature, type JsonWebKey } from 'node:crypto'
import type { Call, Reply, Route } from './http-io.ts'
import { json, message } from './http-io.ts'
import { randomToken } from './ids.ts'
import type { IssuedToken } from './types.ts'
import { signBody } from './webhook-events.ts'

export interface ChannelConfig {
  channelId: string
  channelSecret: string
  botUserId: string
  now: () => number
  webhookUrl(): string | undefined
  setWebhookUrl(url: string): void
  webhookActive(): boolean
  /** How the test call reaches the endpoint (tests pass one that trusts their HTTPS proxy's CA). */
  webhookFetch: typeof fetch
}

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'
const MAX_V21_SECONDS = 30 * 24 * 3600
const STATELESS_SECONDS = 15 * 60

export type { IssuedToken }

/** Registered assertion signing keys (public JWKs by kid) and the tokens issued with them. */
export class ChannelTokens {
  readonly keys = new Map<string, JsonWebKey>()
  readonly issued: IssuedToken[] = []

  constructor(private readonly now: () => number) {}

  /** A token the API accepts now: issued here and not expired. */
  accepts(token: string): boolean {
    const now = this.now()
    return this.issued.some((t) => t.token === token && t.expiresAt > now)
  }

  issue(kind: IssuedToken['kind'], seconds: number): IssuedToken {
    const entry: IssuedToken = {
      token: randomToken(96),
      kind,
      expiresAt: this.now() + seconds * 1000,
      ...(kind === 'v2.1' ? { keyId: randomToken(16) } : {}),
    }
    this.issued.push(entry)
    return entry
  }
}

const oauthError = (status: number, error: string, description: string): Reply =>
  json(status, { error, error_description: description })

function b64json(part: string | undefined): Record<string, unknown> | null {
  if (!part) return null
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>
  } catch {
    return null
  }
}

/**
 * LINE's checks on a client assertion: RS256 with a registered kid, iss = sub = the channel ID,
 * aud https://api.line.me/, exp in the future and at most 30 minutes away; token_exp (v2.1 only)
 * at most 30 days. Answers the claims or the error LINE gives.
 */
function checkAssertion(
  config: ChannelConfig,
  tokens: ChannelTokens,
  assertion: string,
  needsTokenExp: boolean,
): { ok: true; claims: Record<string, unknown> } | { ok: false; reply: Reply } {
  const fail = (description: string) => ({
    ok: false as const,
    reply: oauthError(400, 'invalid_client', description),
  })
  const parts = assertion.split('.')
  const header = b64json(parts[0])
  const claims = b64json(parts[1])
  if (parts.length !== 3 || !header || !claims) return fail('Invalid JWT')
  if (header.alg !== 'RS256') return fail('alg must be RS256')
  const jwk = typeof header.kid === 'string' ? tokens.keys.get(header.kid) : undefined
  if (!jwk) return fail('Invalid kid')
  const signed = verifySignature(
    'RSA-SHA256',
    Buffer.from(`${parts[0]}.${parts[1]}`),
    createPublicKey({ key: jwk, format: 'jwk' }),
    Buffer.from(parts[2] ?? '', 'base64url'),
  )
  if (!signed) return fail('Invalid signature')
  if (claims.iss !== config.channelId || claims.sub !== config.channelId)
    return fail('iss and sub must be the channel ID')
  if (claims.aud !== 'https://api.line.me/') return fail('Invalid aud')
  const nowSeconds = Math.floor(config.now() / 1000)
  if (typeof claims.exp !== 'number' || claims.exp <= nowSeconds) return fail('JWT expired')
  if (claims.exp > nowSeconds + 30 * 60) return fail('exp must be within 30 minutes')
  if (needsTokenExp && claims.token_exp !== undefined) {
    const t = claims.token_exp
    if (typeof t !== 'number' || !Number.isInteger(t) || t < 1 || t > MAX_V21_SECONDS)
      return fail('token_exp must be between 1 and 2592000')
  }
  return { ok: true, claims }
}

function form(call: Call): Record<string, string> {
  return call.body as Record<string, string>
}

async function testWebhook(config: ChannelConfig, call: Call): Promise<Reply> {
  const requested = (call.body as { endpoint?: unknown } | null)?.endpoint
  if (requested !== undefined && typeof requested !== 'string')
    return message(400, 'The request body has 1 error(s)')
  const endpoint = requested || config.webhookUrl()
  if (!endpoint) return message(400, 'Webhook URL is not set')
  if (!/^https:\/\//.test(endpoint)) return message(400, 'Invalid webhook endpoint URL')
  const body = JSON.stringify({ destination: config.botUserId, events: [] })
  const timestamp = new Date(config.now()).toISOString()
  try {
    const res = await config.webhookFetch(endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'user-agent': 'LineBotWebhook/2.0',
        'x-line-signature': signBody(config.channelSecret, body),
      },
      body,
      signal: AbortSignal.timeout(10_000),
    })
    await res.text()
    const success = res.status === 200
    return json(200, {
      success,
      timestamp,
      statusCode: res.status,
      reason: success ? 'OK' : 'ERROR_STATUS_CODE',
      detail: String(res.status),
    })
  } catch (error) {
    return json(200, {
      success: false,
      timestamp,
      statusCode: 0,
      reason: 'COULD_NOT_CONNECT',
      detail: (error as Error).message,
    })
  }
}

export function channelRoutes(config: ChannelConfig, tokens: ChannelTokens): Route[] {
  return [
    {
      method: 'GET',
      path: '/v2/bot/channel/webhook/endpoint',
      body: 'none',
      auth: true,
      rate: 'webhook-endpoint',
      handle: () =>
        json(200, { endpoint: config.webhookUrl() ?? '', active: config.webhookActive() }),
    },
    {
      method: 'PUT',
      path: '/v2/bot/channel/webhook/endpoint',
      body: 'json',
      auth: true,
      rate: 'webhook-endpoint',
      handle: (call) => {
        const endpoint = (call.body as { endpoint?: unknown } | null)?.endpoint
        if (typeof endpoint !== 'string' || endpoint.length > 500 || !/^https:\/\//.test(endpoint))
          return message(400, 'Invalid webhook endpoint URL')
        config.setWebhookUrl(endpoint)
        return json(200, {})
      },
    },
    {
      method: 'POST',
      path: '/v2/bot/channel/webhook/test',
      body: 'json',
      auth: true,
      rate: 'webhook-endpoint',
      handle: (call) => testWebhook(config, call),
    },
    {
      method: 'POST',
      path: '/oauth2/v2.1/token',
      body: 'form',
      auth: false,
      handle: (call) => {
        const f = form(call)
        if (f.grant_type !== 'client_credentials')
          return oauthError(400, 'unsupported_grant_type', 'grant_type must be client_credentials')
        if (f.client_assertion_type !== ASSERTION_TYPE || !f.client_assertion)
          return oauthError(400, 'invalid_request', 'client_assertion is required')
        const checked = checkAssertion(config, tokens, f.client_assertion, true)
        if (!checked.ok) return checked.reply
        const seconds =
          typeof checked.claims.token_exp === 'number' ? checked.claims.token_exp : MAX_V21_SECONDS
        const issued = tokens.issue('v2.1', seconds)
        return json(200, {
          access_token: issued.token,
          token_type: 'Bearer',
          expires_in: seconds,
          key_id: issued.keyId,
        })
      },
    },
    {
      method: 'POST',
      path: '/oauth2/v3/token',
      body: 'form',
      auth: false,
      handle: (call) => {
        const f = form(call)
        if (f.grant_type !== 'client_credentials')
          return oauthError(400, 'unsupported_grant_type', 'grant_type must be client_credentials')
        if (f.client_assertion !== undefined) {
          if (f.client_assertion_type !== ASSERTION_TYPE)
            return oauthError(400, 'invalid_request', 'client_assertion_type is invalid')
          const checked = checkAssertion(config, tokens, f.client_assertion, false)
          if (!checked.ok) return checked.reply
        } else if (f.client_id !== config.channelId || f.client_secret !== config.channelSecret) {
          return oauthError(400, 'invalid_client', 'client_id or client_secret is invalid')
        }
        const issued = tokens.issue('stateless', STATELESS_SECONDS)
        return json(200, {
          token_type: 'Bearer',
          access_token: issued.token,
          expires_in: STATELESS_SECONDS - 1,
        })
      },
    },
  ]
}
