import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { deriveSynonyms, synonymsFile } from './derive-synonyms.ts'

describe('derive-synonyms', () => {
  it('the committed synonym data equals what the installed sudachi-synonyms-dictionary derives', () => {
    expect(deriveSynonyms() === readFileSync(synonymsFile, 'utf8')).toBe(true)
  })
})
