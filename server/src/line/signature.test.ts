import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createNodeVerifier } from './signature-node.ts'
import { createWebCryptoVerifier, type SignatureVerifier } from './signature.ts'

const SECRET = 'testsecret'
const body = new TextEncoder().encode('{"destination":"U0","events":[]}')
// Golden vector computed independently of the code under test.
const GOLDEN = createHmac('sha256', SECRET).update(body).digest('base64')

describe.each([
  ['Web Crypto', () => createWebCryptoVerifier(SECRET)],
  ['node:crypto', () => Promise.resolve(createNodeVerifier(SECRET))],
])('%s signature verifier', (_name, make: () => Promise<SignatureVerifier>) => {
  it('accepts the HMAC-SHA256 of the exact bytes', async () => {
    expect(await (await make())(body, GOLDEN)).toBe(true)
  })

  it('rejects a missing, malformed, truncated or foreign signature', async () => {
    const verify = await make()
    const other = createHmac('sha256', 'other').update(body).digest('base64')
    for (const signature of [undefined, '', 'not base64!', GOLDEN.slice(0, 20), other]) {
      expect(await verify(body, signature)).toBe(false)
    }
  })

  it('rejects the same JSON re-serialised with different bytes', async () => {
    const reformatted = new TextEncoder().encode('{ "destination": "U0", "events": [] }')
    expect(await (await make())(reformatted, GOLDEN)).toBe(false)
  })
})
