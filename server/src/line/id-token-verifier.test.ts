import { beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  createIdTokenVerifier,
  JwksUnavailable,
  type IdTokenVerifier,
} from './id-token-verifier.ts'

const ISSUER = 'https://access.line.me'
const CHANNEL = '1660000000'
const USER = 'U' + 'a'.repeat(32)
const T0 = Date.UTC(2026, 0, 1)

interface TestKey {
  kid: string
  privateKey: CryptoKey
  jwk: JsonWebKey & { kid: string }
}

async function newKey(kid: string): Promise<TestKey> {
  const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
    'sign',
    'verify',
  ])
  const { kty, crv, x, y } = await crypto.subtle.exportKey('jwk', pair.publicKey)
  return {
    kid,
    privateKey: pair.privateKey,
    jwk: { kty, crv, x, y, kid, alg: 'ES256', use: 'sig' },
  }
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')

async function sign(
  key: TestKey,
  claims: Record<string, unknown> = {},
  header: Record<string, unknown> = {},
): Promise<string> {
  const iat = Math.floor(now / 1000)
  const input = `${b64({ typ: 'JWT', alg: 'ES256', kid: key.kid, ...header })}.${b64({
    iss: ISSUER,
    sub: USER,
    aud: CHANNEL,
    iat,
    exp: iat + 3600,
    name: '山田 花子',
    ...claims,
  })}`
  const signature = await crypto.subtle.sign(
    { name: 'ECDSA', hash: 'SHA-256' },
    key.privateKey,
    new TextEncoder().encode(input),
  )
  return `${input}.${Buffer.from(signature).toString('base64url')}`
}

let now = T0
let published: TestKey[] = []
let jwksCalls = 0
let jwksDown = false
let keyA: TestKey
let keyB: TestKey
let stranger: TestKey
let verifier: IdTokenVerifier

const fakeFetch = (async () => {
  jwksCalls++
  await new Promise((r) => setTimeout(r, 5))
  if (jwksDown) return new Response('down', { status: 503 })
  return Response.json({ keys: published.map((k) => k.jwk) })
}) as unknown as typeof fetch

beforeAll(async () => {
  ;[keyA, keyB, stranger] = await Promise.all([newKey('kid-a'), newKey('kid-b'), newKey('kid-a')])
})

beforeEach(() => {
  now = T0
  published = [keyA]
  jwksCalls = 0
  jwksDown = false
  verifier = createIdTokenVerifier({
    jwksUrl: 'https://jwks.test/certs',
    issuer: ISSUER,
    channelId: CHANNEL,
    clock: { now: () => now },
    fetch: fakeFetch,
  })
})

describe('LIFF ID token verification', () => {
  it('accepts a valid ES256 token and takes the user from sub', async () => {
    expect(await verifier.verify(await sign(keyA))).toEqual({
      ok: true,
      token: { lineUserId: USER, name: '山田 花子' },
    })
  })

  it.each([
    ['wrong aud', { aud: '1234567890' }],
    ['wrong iss', { iss: 'https://evil.example' }],
    ['sub that is not a LINE user ID', { sub: '../message/quota' }],
    ['iat in the future', { iat: Math.floor(T0 / 1000) + 300, exp: Math.floor(T0 / 1000) + 900 }],
    ['exp before iat', { exp: Math.floor(T0 / 1000) - 1 }],
    ['no exp', { exp: undefined }],
  ])('refuses %s as invalid_token', async (_name, claims) => {
    const result = await verifier.verify(await sign(keyA, claims))
    expect(result).toMatchObject({ ok: false, code: 'invalid_token' })
  })

  it('allows 60 s of clock skew on exp, then says token_expired', async () => {
    const token = await sign(keyA, { exp: Math.floor(T0 / 1000) + 10 })
    now = T0 + 69_000
    expect((await verifier.verify(token)).ok).toBe(true)
    now = T0 + 71_000
    expect(await verifier.verify(token)).toMatchObject({ ok: false, code: 'token_expired' })
  })

  it('remembers a verified token only byte for byte and only until it expires', async () => {
    const token = await sign(keyA, { exp: Math.floor(T0 / 1000) + 3600 })
    expect((await verifier.verify(token)).ok).toBe(true)
    const [h = '', p = '', signature = ''] = token.split('.')
    const flipped = signature.startsWith('A') ? `B${signature.slice(1)}` : `A${signature.slice(1)}`
    expect(await verifier.verify(`${h}.${p}.${flipped}`)).toMatchObject({ ok: false })
    const otherUser = b64({
      ...JSON.parse(Buffer.from(p, 'base64url').toString()),
      sub: 'U' + 'b'.repeat(32),
    })
    expect(await verifier.verify(`${h}.${otherUser}.${signature}`)).toMatchObject({
      ok: false,
      code: 'invalid_token',
    })
    expect((await verifier.verify(token)).ok).toBe(true)
    now = T0 + 3_661_000
    expect(await verifier.verify(token)).toMatchObject({ ok: false, code: 'token_expired' })
  })

  it('refuses another key, HS256, alg none and a signature over other bytes', async () => {
    const forged = await sign(stranger)
    expect(await verifier.verify(forged)).toMatchObject({ ok: false, code: 'invalid_token' })

    const [h = '', p = ''] = (await sign(keyA)).split('.')
    const hsHeader = b64({ typ: 'JWT', alg: 'HS256', kid: 'kid-a' })
    const hmac = Buffer.alloc(32, 7).toString('base64url')
    expect(await verifier.verify(`${hsHeader}.${p}.${hmac}`)).toMatchObject({
      code: 'invalid_token',
    })
    // Claims ES256 but carries an HMAC-sized signature.
    expect(await verifier.verify(`${h}.${p}.${hmac}`)).toMatchObject({ code: 'invalid_token' })
    const noneHeader = b64({ typ: 'JWT', alg: 'none' })
    expect(await verifier.verify(`${noneHeader}.${p}.`)).toMatchObject({ code: 'invalid_token' })
    // A valid signature moved onto different claims.
    const [, , signature = ''] = (await sign(keyA)).split('.')
    const otherClaims = b64({ iss: ISSUER, sub: 'U' + 'b'.repeat(32), aud: CHANNEL })
    expect(await verifier.verify(`${h}.${otherClaims}.${signature}`)).toMatchObject({
      code: 'invalid_token',
    })
  })

  it.each([
    ['one part', 'abc'],
    ['two parts', 'abc.def'],
    ['four parts', 'a.b.c.d'],
    ['non-base64url characters', 'a+b.c/d.e'],
    ['a header that is not JSON', `${Buffer.from('nope').toString('base64url')}.e30.sig`],
    ['a JSON array header', `${b64([1])}.${b64({})}.sig`],
    ['an absurdly long token', `${'a'.repeat(9000)}.b.c`],
  ])('says malformed_token for %s', async (_name, token) => {
    expect(await verifier.verify(token)).toMatchObject({ ok: false, code: 'malformed_token' })
  })

  it('says missing_token for no token', async () => {
    expect(await verifier.verify(undefined)).toMatchObject({ ok: false, code: 'missing_token' })
    expect(await verifier.verify('')).toMatchObject({ ok: false, code: 'missing_token' })
    expect(jwksCalls).toBe(0)
  })

  it('fetches the keys once for many concurrent and later requests', async () => {
    const tokens = await Promise.all(Array.from({ length: 20 }, () => sign(keyA)))
    const results = await Promise.all(tokens.map((t) => verifier.verify(t)))
    expect(results.every((r) => r.ok)).toBe(true)
    for (const t of tokens.slice(0, 5)) expect((await verifier.verify(t)).ok).toBe(true)
    expect(jwksCalls).toBe(1)
  })

  it('refetches on an unknown kid at most once per cooldown, and finds a rotated key', async () => {
    expect((await verifier.verify(await sign(keyA))).ok).toBe(true)
    published = [keyB] // LINE rotated its key
    const rotated = await sign(keyB)
    // Within 30 s of the last fetch, unknown kids (forged or real) cost LINE nothing.
    for (let i = 0; i < 5; i++) {
      const forged = await sign(stranger, {}, { kid: `forged-${i}` })
      expect(await verifier.verify(forged)).toMatchObject({ code: 'invalid_token' })
    }
    expect(await verifier.verify(rotated)).toMatchObject({ code: 'invalid_token' })
    expect(jwksCalls).toBe(1)

    now += 30_001
    expect((await verifier.verify(rotated)).ok).toBe(true)
    expect(jwksCalls).toBe(2)
    // The withdrawn key no longer verifies.
    expect(await verifier.verify(await sign(keyA))).toMatchObject({ code: 'invalid_token' })
  })

  it('throws JwksUnavailable when no key was ever fetched, without retrying per request', async () => {
    jwksDown = true
    const token = await sign(keyA)
    await expect(verifier.verify(token)).rejects.toBeInstanceOf(JwksUnavailable)
    await expect(verifier.verify(token)).rejects.toBeInstanceOf(JwksUnavailable)
    expect(jwksCalls).toBe(1)
    jwksDown = false
    now += 5_000
    expect((await verifier.verify(token)).ok).toBe(true)
    expect(jwksCalls).toBe(2)
  })

  it('keeps using cached keys when a periodic refresh fails', async () => {
    expect((await verifier.verify(await sign(keyA))).ok).toBe(true)
    jwksDown = true
    now += 7 * 60 * 60 * 1000
    expect((await verifier.verify(await sign(keyA))).ok).toBe(true)
    expect(jwksCalls).toBe(2)
  })
})
