import type { Ids } from '../ports.ts'

/** Crockford base32: no I, L, O, U, so a code read aloud or typed from a screen survives. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'

/** A random code in groups of four, e.g. `7K3M-Q9XD-2PRT` (5 bits per character). */
export function newCode(ids: Ids, groups: number): string {
  const parts: string[] = []
  for (let g = 0; g < groups; g++) {
    let part = ''
    for (let i = 0; i < 4; i++) part += ALPHABET[ids.randomInt(ALPHABET.length)]
    parts.push(part)
  }
  return parts.join('-')
}

/** What a person typed, reduced to the canonical characters (case, dashes, O/0 and I/L/1). */
export function normalizeCode(input: string): string {
  return input.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1')
}

/** Only this hash is stored; the code itself is shown once and never kept or logged. */
export async function hashCode(code: string): Promise<string> {
  const digest = await crypto.subtle.digest(
    'SHA-256',
    new TextEncoder().encode(normalizeCode(code)),
  )
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('')
}
