import { createHmac, webcrypto } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startLineStandIn } from '../../server/src/sandbox/line-stand-in/index.ts'
import type { LineStandIn } from '../../server/src/sandbox/line-stand-in/types.ts'

const clock = Date.UTC(2025, 0, 1)
let line: LineStandIn

beforeAll(async () => {
  line = await startLineStandIn({ now: () => clock })
})
afterAll(() => line.close())

const decode = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'))

/** What a product verifier does: find the kid in the served JWKS and check ES256 with Web Crypto. */
async function verifyWithJwks(token: string): Promise<boolean> {
  const [header = '', payload = '', signature = ''] = token.split('.')
  const { kid, alg } = decode(header)
  const jwks = (await (await fetch(line.jwksUrl)).json()) as {
    keys: (JsonWebKey & { kid: string })[]
  }
  const jwk = jwks.keys.find((key) => key.kid === kid)
  if (alg !== 'ES256' || !jwk) return false
  const key = await webcrypto.subtle.importKey(
    'jwk',
    jwk,
    { name: 'ECDSA', namedCurve: 'P-256' },
    false,
    ['verify'],
  )
  return webcrypto.subtle.verify(
    { name: 'ECDSA', hash: 'SHA-256' },
    key,
    Buffer.from(signature, 'base64url'),
    Buffer.from(`${header}.${payload}`),
  )
}

describe('LIFF ID tokens', () => {
  it('issues ES256 tokens that verify against the served JWKS with LINE claims', async () => {
    const user = line.createUser({ displayName: '田中', pictureUrl: 'https://example.com/t.png' })
    const token = line.issueIdToken(user.userId)
    const [header = '', payload = ''] = token.split('.')
    const jwks = (await (await fetch(line.jwksUrl)).json()) as { keys: Record<string, unknown>[] }
    expect(jwks.keys).toEqual([
      expect.objectContaining({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' }),
    ])
    expect(decode(header)).toEqual({ typ: 'JWT', alg: 'ES256', kid: jwks.keys[0]?.kid })
    const iat = Math.floor(clock / 1000)
    expect(decode(payload)).toEqual({
      iss: 'https://access.line.me',
      sub: user.userId,
      aud: '1660000000',
      exp: iat + 3600,
      iat,
      amr: ['linesso'],
      name: '田中',
      picture: 'https://example.com/t.png',
    })
    expect(await verifyWithJwks(token)).toBe(true)
  })

  it('forges tokens that fail verification for the intended reason', async () => {
    const user = line.createUser()
    const otherKey = line.issueIdToken(user.userId, { signWith: 'other-key' })
    expect(decode(otherKey.split('.')[0] ?? '').kid).toBe(
      decode(line.issueIdToken(user.userId).split('.')[0] ?? '').kid,
    )
    expect(await verifyWithJwks(otherKey)).toBe(false)

    const hs = line.issueIdToken(user.userId, { signWith: 'hs256' })
    const [hsHeader = '', hsPayload = '', hsSig = ''] = hs.split('.')
    expect(decode(hsHeader).alg).toBe('HS256')
    expect(hsSig).toBe(
      createHmac('sha256', line.channelSecret)
        .update(`${hsHeader}.${hsPayload}`)
        .digest('base64url'),
    )
    expect(await verifyWithJwks(hs)).toBe(false)

    const none = line.issueIdToken(user.userId, { signWith: 'none' })
    expect(decode(none.split('.')[0] ?? '').alg).toBe('none')
    expect(none.endsWith('.')).toBe(true)

    const expired = line.issueIdToken(user.userId, { expiresInSec: -1 })
    expect(await verifyWithJwks(expired)).toBe(true)
    expect(decode(expired.split('.')[1] ?? '').exp).toBeLessThan(clock / 1000)
    const wrongAud = line.issueIdToken(user.userId, { aud: '999', iss: 'https://evil.example' })
    expect(decode(wrongAud.split('.')[1] ?? '')).toMatchObject({
      aud: '999',
      iss: 'https://evil.example',
    })
    expect(
      decode(line.issueIdToken(user.userId, { kid: 'nope', alg: 'RS256' }).split('.')[0] ?? ''),
    ).toMatchObject({
      kid: 'nope',
      alg: 'RS256',
    })
  })

  it('rotates keys: the old kid leaves the JWKS', async () => {
    const user = line.createUser()
    const before = line.issueIdToken(user.userId)
    await line.rotateKeys()
    expect(await verifyWithJwks(before)).toBe(false)
    expect(await verifyWithJwks(line.issueIdToken(user.userId))).toBe(true)
  })

  it('verifies tokens like POST /oauth2/v2.1/verify', async () => {
    const user = line.createUser()
    const verify = (idToken: string, clientId = line.loginChannelId) =>
      fetch(`${line.url}/oauth2/v2.1/verify`, {
        method: 'POST',
        body: new URLSearchParams({ id_token: idToken, client_id: clientId }),
      })
    const ok = await verify(line.issueIdToken(user.userId))
    expect(ok.status).toBe(200)
    expect(await ok.json()).toMatchObject({ sub: user.userId })
    expect((await verify(line.issueIdToken(user.userId), '1')).status).toBe(400)
    expect((await verify(line.issueIdToken(user.userId, { signWith: 'other-key' }))).status).toBe(
      400,
    )
    expect((await verify(line.issueIdToken(user.userId, { expiresInSec: -5 }))).status).toBe(400)
  })
})
