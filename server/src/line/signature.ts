import type { SignatureVerifier } from '../domain/webhook/accept.ts'

/** Verifies `x-line-signature`: base64 HMAC-SHA256 of the raw body bytes with the channel secret. */
export type { SignatureVerifier }

const BASE64_SHA256 = /^[A-Za-z0-9+/]{43}=$/

/** Web Crypto implementation (both runtimes). `subtle.verify` compares in constant time. */
export async function createWebCryptoVerifier(channelSecret: string): Promise<SignatureVerifier> {
  const key = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(channelSecret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['verify'],
  )
  return async (body, signature) => {
    if (!signature || !BASE64_SHA256.test(signature)) return false
    const expected = Uint8Array.from(atob(signature), (c) => c.charCodeAt(0))
    return crypto.subtle.verify('HMAC', key, expected, body)
  }
}

export { BASE64_SHA256 }
