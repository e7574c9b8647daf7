import { createHmac, KeyObject, sign, timingSafeEqual, verify, webcrypto } from 'node:crypto'
import { randomHex } from './ids.ts'
import type { IdTokenOptions } from './types.ts'

export interface PublicJwk {
  kty: string
  crv: string
  x: string
  y: string
  kid: string
  alg: 'ES256'
  use: 'sig'
}

interface SigningKey {
  kid: string
  privateKey: KeyObject
  publicKey: KeyObject
  jwk: PublicJwk
}

export interface IdTokenConfig {
  issuer: string
  loginChannelId: string
  channelSecret: string
  now: () => number
}

export interface IdTokenProfile {
  name?: string
  picture?: string
}

const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url')

async function generateKey(): Promise<SigningKey> {
  const pair = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
    'sign',
    'verify',
  ])
  const exported = await webcrypto.subtle.exportKey('jwk', pair.publicKey)
  const kid = randomHex(16)
  return {
    kid,
    privateKey: KeyObject.from(pair.privateKey),
    publicKey: KeyObject.from(pair.publicKey),
    jwk: {
      kty: exported.kty ?? 'EC',
      crv: exported.crv ?? 'P-256',
      x: exported.x ?? '',
      y: exported.y ?? '',
      kid,
      alg: 'ES256',
      use: 'sig',
    },
  }
}

/** Issues LIFF-style ID tokens (ES256) and serves the matching JWKS. */
export class IdTokenIssuer {
  private constructor(
    private readonly config: IdTokenConfig,
    private current: SigningKey,
    // signs 'other-key' forgeries; never published
    private readonly stranger: SigningKey,
  ) {}

  static async create(config: IdTokenConfig): Promise<IdTokenIssuer> {
    const [current, stranger] = await Promise.all([generateKey(), generateKey()])
    return new IdTokenIssuer(config, current, stranger)
  }

  get kid(): string {
    return this.current.kid
  }

  jwks(): { keys: PublicJwk[] } {
    return { keys: [this.current.jwk] }
  }

  /** New key and kid; the old kid disappears from the JWKS. */
  async rotateKeys(): Promise<void> {
    this.current = await generateKey()
  }

  issue(userId: string, options: IdTokenOptions = {}, profile: IdTokenProfile = {}): string {
    const { config } = this
    const iat = Math.floor(config.now() / 1000)
    const payload: Record<string, unknown> = {
      iss: options.iss ?? config.issuer,
      sub: userId,
      aud: options.aud ?? config.loginChannelId,
      exp: iat + (options.expiresInSec ?? 3600),
      iat,
      amr: ['linesso'],
    }
    if (options.nonce !== undefined) payload.nonce = options.nonce
    // Scope `openid` only (LINE's simplified consent): no profile claims at all.
    const withProfile = options.scopes?.includes('profile') ?? true
    const name = withProfile ? (options.name ?? profile.name) : undefined
    const picture = withProfile ? (options.picture ?? profile.picture) : undefined
    if (name !== undefined) payload.name = name
    if (picture !== undefined) payload.picture = picture
    Object.assign(payload, options.claims)

    const signWith = options.signWith
    const defaultAlg = signWith === 'hs256' ? 'HS256' : signWith === 'none' ? 'none' : 'ES256'
    const header = {
      typ: 'JWT',
      alg: options.alg ?? defaultAlg,
      kid: options.kid ?? this.current.kid,
    }
    const input = `${encode(header)}.${encode(payload)}`
    let signature: string
    if (signWith === 'none') signature = ''
    else if (signWith === 'hs256') {
      signature = createHmac('sha256', config.channelSecret).update(input).digest('base64url')
    } else {
      const key = signWith === 'other-key' ? this.stranger : this.current
      signature = sign('sha256', Buffer.from(input), {
        key: key.privateKey,
        dsaEncoding: 'ieee-p1363',
      }).toString('base64url')
    }
    return `${input}.${signature}`
  }

  /**
   * LINE's POST /oauth2/v2.1/verify: checks signature, issuer, audience and expiry and returns
   * the payload, or LINE's error body.
   */
  verify(idToken: string, clientId: string, nonce?: string): { ok: boolean; body: unknown } {
    const invalid = (description: string) => ({
      ok: false,
      body: { error: 'invalid_request', error_description: description },
    })
    const parts = idToken.split('.')
    if (parts.length !== 3) return invalid('Invalid IdToken.')
    const [headerPart = '', payloadPart = '', signaturePart = ''] = parts
    let header: { alg?: unknown; kid?: unknown }
    let payload: Record<string, unknown>
    try {
      header = JSON.parse(Buffer.from(headerPart, 'base64url').toString('utf8')) as typeof header
      payload = JSON.parse(Buffer.from(payloadPart, 'base64url').toString('utf8')) as typeof payload
    } catch {
      return invalid('Invalid IdToken.')
    }
    if (header.alg !== 'ES256' || header.kid !== this.current.kid)
      return invalid('Invalid IdToken.')
    const good = verify(
      'sha256',
      Buffer.from(`${headerPart}.${payloadPart}`),
      { key: this.current.publicKey, dsaEncoding: 'ieee-p1363' },
      Buffer.from(signaturePart, 'base64url'),
    )
    if (!good) return invalid('Invalid IdToken.')
    if (payload.iss !== this.config.issuer) return invalid('Invalid IdToken Issuer.')
    if (payload.aud !== clientId) return invalid('Invalid IdToken Audience.')
    if (typeof payload.exp !== 'number' || payload.exp * 1000 <= this.config.now()) {
      return invalid('IdToken expired.')
    }
    if (nonce !== undefined && !safeEqual(String(payload.nonce ?? ''), nonce)) {
      return invalid('Invalid IdToken Nonce.')
    }
    return { ok: true, body: payload }
  }
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  return left.length === right.length && timingSafeEqual(left, right)
}
