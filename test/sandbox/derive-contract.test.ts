import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { contractFile } from '../../server/src/sandbox/line-stand-in/contract.ts'
import { deriveContract } from '../../server/src/sandbox/line-stand-in/derive-contract.ts'

// The OpenAPI sources exist only in the development workspace, not in a user's checkout.
const sources = fileURLToPath(new URL('../../../shared/line-openapi', import.meta.url))

describe.skipIf(!existsSync(sources))('derive-contract', () => {
  it('reproduces the committed line-contract.json byte for byte', () => {
    const derived = `${JSON.stringify(deriveContract(sources), null, 2)}\n`
    expect(derived).toBe(readFileSync(contractFile, 'utf8'))
  })
})
