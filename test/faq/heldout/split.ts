/**
 * The fixed split of the customer questions into a tuning half and a held-out half: FNV-1a (32-bit)
 * of `SEED + shop + "\n" + text`, even → tune, odd → held-out. Chosen and committed before any
 * tuning; questions.json stores each question's half and the evaluation test checks that it still
 * equals this function's, so no question can be moved between halves.
 */
export const SPLIT_SEED = 'joren-faq-heldout-2026-12'

export type Half = 'tune' | 'heldout'

export function fnv1a(text: string): number {
  let hash = 0x811c9dc5
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return hash
}

export function halfOf(shop: string, text: string): Half {
  return fnv1a(`${SPLIT_SEED}${shop}\n${text}`) % 2 === 0 ? 'tune' : 'heldout'
}
