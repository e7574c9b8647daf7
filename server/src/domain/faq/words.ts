import { foldWord, type FaqAnalyser, type FaqToken } from './analyser.ts'
import type { FaqSource } from './char-ngrams.ts'
import type { SynonymLexicon } from './lexicon.ts'
import { spellReadings } from './normalise.ts'

/**
 * The content-word part of FAQ matching: BM25-weighted coverage of the message's content words.
 *
 * Each entry is one document: its phrasings (weight 1) and its answer (`ANSWER_TF`, the answer is
 * written for customers and says more than the question). The message's content words (from the
 * analyser; dictionary forms, folded) each carry their BM25 IDF over the entries; an entry covers
 * a word with the word itself or, as weaker evidence (`SYNONYM_WEIGHT`), with a word of the same
 * synonym group (Sudachi's dictionary + the shop vocabulary). The score is the share of the
 * message's IDF mass the entry covers (0–1): a message word no entry knows (「ヘッドスパ」) keeps
 * the highest IDF, so the coverage of every entry drops — the sign of a question no entry answers.
 */

const K1 = 1.2
const B = 0.75
const ANSWER_TF = 0.35
export const SYNONYM_WEIGHT = 0.7

interface WordDoc {
  entryId: number
  lemmas: Map<string, number>
  groups: Map<number, number>
  /** Words and groups of the phrasings alone (not the answer). */
  phrasingLemmas: Set<string>
  phrasingGroups: Set<number>
  length: number
}

export interface WordIndex {
  readonly docs: readonly WordDoc[]
  readonly lemmaDf: ReadonlyMap<string, number>
  readonly groupDf: ReadonlyMap<number, number>
  readonly avgLength: number
  readonly n: number
  readonly analyser: FaqAnalyser
  readonly lexicon: SynonymLexicon | null
}

export interface QueryWord {
  lemma: string
  groups: readonly number[]
  /** A verb or adjective (context more often than topic), when the analyser knows. */
  predicate: boolean
}

/** Compounds the analyser splits (定休 + 日) are looked up in the lexicon up to this many tokens. */
const MAX_COMPOUND = 3

export function contentWords(
  analyser: FaqAnalyser,
  lexicon: SynonymLexicon | null,
  text: string,
): QueryWord[] {
  const seen = new Set<string>()
  const words: QueryWord[] = []
  const add = (lemma: string, groups: readonly number[], predicate = false) => {
    if (seen.has(lemma)) return
    seen.add(lemma)
    words.push({ lemma, groups, predicate })
  }
  const tokens = analyser.tokens(spellReadings(text.normalize('NFKC')))
  tokens.forEach((token, i) => {
    const lemma = lexicon ? dictionaryForm(lexicon, token, tokens[i + 1]) : token.lemma
    if (token.content) add(lemma, lexicon?.groupsOf(lemma) ?? [], token.predicate === true)
    if (!lexicon) return
    // A compound the lexicon knows (定休 + 日 → 定休日, 取り + 置き → 取り置き) is a word too.
    let surface = foldWord(token.surface)
    for (let j = i + 1; j < Math.min(tokens.length, i + MAX_COMPOUND); j++) {
      surface += foldWord(tokens[j]!.surface)
      const groups = lexicon.groupsOf(surface)
      if (groups.length > 0) add(surface, groups)
    }
  })
  return words
}

const ENDS_IN_KANJI = /\p{Script=Han}$/u
const KANJI_THEN_KANA = /^(.*\p{Script=Han})(\p{Script=Hiragana})$/u
const STARTS_WITH_KANA = /^\p{Script=Hiragana}/u
/** い-row and え-row (連用形, potential) endings → the dictionary form's う-row ending. */
const TO_U_ROW: Readonly<Record<string, string>> = {
  い: 'う',
  き: 'く',
  ぎ: 'ぐ',
  し: 'す',
  ち: 'つ',
  に: 'ぬ',
  び: 'ぶ',
  み: 'む',
  り: 'る',
  え: 'う',
  け: 'く',
  げ: 'ぐ',
  せ: 'す',
  て: 'つ',
  べ: 'ぶ',
  め: 'む',
  れ: 'る',
}

/**
 * A verb stem as an analyser without dictionary forms cuts it (ICU: 「開|い|て」, 「停|め|ら|れ」,
 * 「取り消し|たい」) → its dictionary form (開く, 停める, 取り消す) when the synonym lexicon knows
 * that form and not the stem, so 「何時まで開いてますか」 meets 「開く」 of the opening-hours group.
 * Analysers that give dictionary forms (lindera) mark predicates and are left as they are.
 */
function dictionaryForm(lexicon: SynonymLexicon, token: FaqToken, next?: FaqToken): string {
  const lemma = token.lemma
  if (token.predicate !== undefined || lexicon.groupsOf(lemma).length > 0) return lemma
  const candidates: string[] = []
  const stem = KANJI_THEN_KANA.exec(lemma)
  if (stem) {
    const u = TO_U_ROW[stem[2]!]
    if (u) candidates.push(stem[1]! + u)
    candidates.push(lemma + 'る')
  } else if (ENDS_IN_KANJI.test(lemma) && next && STARTS_WITH_KANA.test(next.lemma)) {
    const kana = Array.from(next.lemma)[0]!
    const u = TO_U_ROW[kana]
    if (u) candidates.push(lemma + u)
    candidates.push(lemma + kana + 'る')
    for (const ending of ['う', 'く', 'す', 'つ', 'む', 'る', 'ぶ', 'ぐ'])
      candidates.push(lemma + ending)
  }
  return candidates.find((c) => lexicon.groupsOf(c).length > 0) ?? lemma
}

/**
 * Entry texts' words, kept per analyser and lexicon: an index rebuilt after an edit analyses only
 * the texts that changed (the analyser is most of a rebuild's cost). Bounded: cleared when large.
 */
const entryCache = new WeakMap<FaqAnalyser, WeakMap<object, Map<string, QueryWord[]>>>()
const NO_LEXICON = {}
const ENTRY_CACHE_LIMIT = 50_000

function entryWords(
  analyser: FaqAnalyser,
  lexicon: SynonymLexicon | null,
  text: string,
): QueryWord[] {
  let byLexicon = entryCache.get(analyser)
  if (!byLexicon) entryCache.set(analyser, (byLexicon = new WeakMap()))
  const key = lexicon ?? NO_LEXICON
  let cache = byLexicon.get(key)
  if (!cache) byLexicon.set(key, (cache = new Map()))
  let words = cache.get(text)
  if (!words) {
    if (cache.size >= ENTRY_CACHE_LIMIT) cache.clear()
    words = contentWords(analyser, lexicon, text)
    cache.set(text, words)
  }
  return words
}

export function buildWordIndex(
  entries: readonly FaqSource[],
  analyser: FaqAnalyser,
  lexicon: SynonymLexicon | null,
): WordIndex {
  const lemmaDf = new Map<string, number>()
  const groupDf = new Map<number, number>()
  const docs = entries.map((entry) => {
    const lemmas = new Map<string, number>()
    const groups = new Map<number, number>()
    const phrasingLemmas = new Set<string>()
    const phrasingGroups = new Set<number>()
    let length = 0
    const add = (text: string, tf: number, phrasing: boolean) => {
      for (const word of entryWords(analyser, lexicon, text)) {
        lemmas.set(word.lemma, (lemmas.get(word.lemma) ?? 0) + tf)
        for (const g of word.groups) groups.set(g, (groups.get(g) ?? 0) + tf)
        if (phrasing) {
          phrasingLemmas.add(word.lemma)
          for (const g of word.groups) phrasingGroups.add(g)
        }
        length += tf
      }
    }
    for (const q of entry.questions) add(q, 1, true)
    add(entry.answer, ANSWER_TF, false)
    for (const l of lemmas.keys()) lemmaDf.set(l, (lemmaDf.get(l) ?? 0) + 1)
    for (const g of groups.keys()) groupDf.set(g, (groupDf.get(g) ?? 0) + 1)
    return { entryId: entry.id, lemmas, groups, phrasingLemmas, phrasingGroups, length }
  })
  const avgLength = docs.reduce((sum, d) => sum + d.length, 0) / Math.max(1, docs.length) || 1
  return { docs, lemmaDf, groupDf, avgLength, n: docs.length, analyser, lexicon }
}

const idfOf = (n: number, df: number) => Math.log(1 + (n - df + 0.5) / (df + 0.5))

/** An unknown verb or adjective counts this much of an unknown noun's IDF (context, not topic). */
const UNKNOWN_PREDICATE = 0.5

/**
 * When and how many: words that say when the customer comes (「明日」, 「午後」), context of the
 * question rather than its topic. Unknown to every entry, they count like an unknown predicate.
 */
const CONTEXT_WORDS = new Set(
  [
    '今日',
    '明日',
    'あした',
    '昨日',
    '当日',
    '今週',
    '来週',
    '今度',
    '午前',
    '午後',
    '朝',
    '昼',
    'お昼',
    '夕方',
    '夜',
    '時半',
    '平日',
    '土日',
    'today',
    'tomorrow',
  ].map(foldWord),
)

export interface WordScores {
  /** Coverage (0–1) per entry. */
  coverage: Map<number, number>
  /** Coverage by the phrasings alone (0–1) per entry. */
  phrasing: Map<number, number>
  /**
   * Per entry: share of the message's IDF mass in words that another entry of the shop has but
   * this one does not cover at all (0–1) — 「カラーの料金」 against a price entry for cuts only.
   */
  missed: Map<number, number>
  /** Share of the message's IDF mass in words (and synonyms) that no entry has (0–1). */
  unknownShare: number
  /** Content words in the message. */
  words: number
}

export function scoreWords(index: WordIndex, text: string): WordScores {
  const words = contentWords(index.analyser, index.lexicon, text)
  const unseen = idfOf(index.n, 0)
  const weighted = words.map((w) => {
    const df = index.lemmaDf.get(w.lemma)
    let idf = unseen
    let known = false
    if (df !== undefined) {
      idf = idfOf(index.n, df)
      known = true
    } else {
      for (const g of w.groups) {
        const gdf = index.groupDf.get(g)
        if (gdf !== undefined) {
          idf = Math.min(idf, idfOf(index.n, gdf))
          known = true
        }
      }
    }
    if (!known && (w.predicate || CONTEXT_WORDS.has(w.lemma))) idf *= UNKNOWN_PREDICATE
    return { ...w, idf, known }
  })
  const mass = weighted.reduce((sum, w) => sum + w.idf, 0)
  const unknownMass = weighted.reduce((sum, w) => sum + (w.known ? 0 : w.idf), 0)
  const coverage = new Map<number, number>()
  const phrasing = new Map<number, number>()
  const missed = new Map<number, number>()
  for (const doc of index.docs) {
    if (mass === 0) {
      coverage.set(doc.entryId, 0)
      phrasing.set(doc.entryId, 0)
      missed.set(doc.entryId, 0)
      continue
    }
    let missedMass = 0
    let inPhrasings = 0
    const norm = K1 * (1 - B + (B * doc.length) / index.avgLength)
    const sat = (tf: number) => Math.min(1, (tf * (K1 + 1)) / (tf + norm))
    let covered = 0
    for (const w of weighted) {
      const tf = doc.lemmas.get(w.lemma)
      let m = tf ? sat(tf) : 0
      if (m < 1)
        for (const g of w.groups) {
          const gf = doc.groups.get(g)
          if (gf) m = Math.max(m, SYNONYM_WEIGHT * sat(gf))
        }
      covered += w.idf * m
      if (m === 0 && w.known) missedMass += w.idf
      if (doc.phrasingLemmas.has(w.lemma)) inPhrasings += w.idf
      else if (w.groups.some((g) => doc.phrasingGroups.has(g)))
        inPhrasings += w.idf * SYNONYM_WEIGHT
    }
    coverage.set(doc.entryId, covered / mass)
    phrasing.set(doc.entryId, inPhrasings / mass)
    missed.set(doc.entryId, missedMass / mass)
  }
  return {
    coverage,
    phrasing,
    missed,
    unknownShare: mass === 0 ? 0 : unknownMass / mass,
    words: words.length,
  }
}
