import { createHmac, timingSafeEqual } from 'node:crypto'
import { BASE64_SHA256, type SignatureVerifier } from './signature.ts'

/**
 * node:crypto implementation for the Node entry: synchronous HMAC avoids Web Crypto's thread-pool
 * round trip on the webhook hot path. Same contract as the Web Crypto verifier.
 */
export function createNodeVerifier(channelSecret: string): SignatureVerifier {
  return (body, signature) => {
    if (!signature || !BASE64_SHA256.test(signature)) return Promise.resolve(false)
    const expected = createHmac('sha256', channelSecret).update(body).digest()
    const given = Buffer.from(signature, 'base64')
    return Promise.resolve(given.length === expected.length && timingSafeEqual(given, expected))
  }
}
