import { foldWord } from './analyser.ts'
import { SHOP_VOCABULARY } from './shop-vocabulary.ts'
import { SUDACHI_SYNONYMS } from './sudachi-synonyms.generated.ts'

/**
 * Synonym groups for FAQ matching: Sudachi's synonym dictionary (derived from the npm package
 * `sudachi-synonyms-dictionary`, ~26,000 groups) plus the short shop vocabulary in
 * shop-vocabulary.ts (payment brands, 和語 / 漢語 / loanword pairs of shop words that the general
 * dictionary does not group). A word may be in several groups (polysemy); matching treats a
 * shared group as weaker evidence than the same word.
 */
export interface SynonymLexicon {
  /** The groups a folded word belongs to (empty when none). */
  groupsOf(lemma: string): readonly number[]
  readonly size: number
}

const NONE: readonly number[] = []

export function buildSynonymLexicon(groups: Iterable<readonly string[]>): SynonymLexicon {
  const byWord = new Map<string, number[]>()
  let id = 0
  for (const words of groups) {
    id++
    for (const word of new Set(words.map(foldWord))) {
      if (word.length === 0) continue
      const list = byWord.get(word)
      if (list) list.push(id)
      else byWord.set(word, [id])
    }
  }
  return { groupsOf: (lemma) => byWord.get(lemma) ?? NONE, size: id }
}

function* sudachiGroups(): Generator<string[]> {
  for (const line of SUDACHI_SYNONYMS.split('\n')) yield line.split('\t')
}

let shared: SynonymLexicon | null = null

/**
 * The default lexicon, built on first use (~70,000 words; tens of milliseconds) and shared by
 * every index in the process or isolate.
 */
export function defaultSynonymLexicon(): SynonymLexicon {
  shared ??= buildSynonymLexicon(
    (function* () {
      yield* sudachiGroups()
      yield* SHOP_VOCABULARY
    })(),
  )
  return shared
}
