import { normaliseQuestion } from './normalise.ts'

/**
 * The character n-gram part of FAQ matching (no word segmentation or dictionary needed; a typo
 * only spoils the few n-grams around it):
 * 1. Entries' phrasings and the message are normalised (`normaliseQuestion`: NFKC, case,
 *    katakana → hiragana, punctuation and whitespace removed, common kana readings of shop words
 *    written in kanji, greetings and polite / question endings cut).
 * 2. Each text becomes a bag of character bigrams and trigrams, plus single kanji (one kanji
 *    often carries a whole meaning: 犬, 車, 券).
 * 3. N-grams are weighted by TF-IDF over the entries (document = one entry, all its phrasings),
 *    smoothed with a few generic question frames (`BACKGROUND`), so 「できます」 counts little and
 *    「駐車」 a lot. An n-gram no entry contains gets the highest weight (half for kana-only ones,
 *    mostly inflection): unknown content lowers the similarity instead of being ignored.
 * 4. An entry's score is its best cosine similarity over its phrasings and its answer (the answer
 *    down-weighted by `ANSWER_WEIGHT`).
 */

export interface FaqSource {
  id: number
  questions: string[]
  answer: string
}

/** Answers are written for customers, not as questions: they count for less than a variant. */
const ANSWER_WEIGHT = 0.8

type Vector = { weights: Map<string, number>; norm: number }

interface IndexedVariant {
  entryId: number
  question: string
  vector: Vector
  /** 1 for a question variant, ANSWER_WEIGHT for the answer text. */
  weight: number
}

const HAN = /\p{Script=Han}/u

/** Character n-gram counts of a normalised text: bigrams, trigrams and single kanji. */
export function ngrams(text: string): Map<string, number> {
  const chars = Array.from(text)
  const counts = new Map<string, number>()
  const add = (g: string) => counts.set(g, (counts.get(g) ?? 0) + 1)
  if (chars.length === 1) add(chars[0]!)
  for (let i = 0; i < chars.length; i++) {
    if (HAN.test(chars[i]!)) add(chars[i]!)
    if (i + 2 <= chars.length) add(chars.slice(i, i + 2).join(''))
    if (i + 3 <= chars.length) add(chars.slice(i, i + 3).join(''))
  }
  return counts
}

function vectorOf(counts: Map<string, number>, idfOf: (g: string) => number): Vector {
  const weights = new Map<string, number>()
  let sq = 0
  for (const [g, tf] of counts) {
    const w = (1 + Math.log(tf)) * idfOf(g) * 1
    weights.set(g, w)
    sq += w * w
  }
  return { weights, norm: Math.sqrt(sq) }
}

/**
 * Generic question and request frames, not about any shop topic. A shop's FAQ is far too small
 * for IDF to learn that 「お願いしたい」 or 「大丈夫ですか」 say nothing about the topic; counting these
 * as extra documents (background) lowers the weight of such n-grams.
 */
const BACKGROUND = [
  'できますか',
  'できますでしょうか',
  'してもらえますか',
  'してもらうことはできますか',
  'お願いしたいのですが',
  'お願いできますか',
  'してほしいです',
  'ありますか',
  'ありませんか',
  'ありますでしょうか',
  '大丈夫ですか',
  '大丈夫でしょうか',
  'いいですか',
  'してもいいですか',
  'どうすればいいですか',
  'どうやってするんですか',
  'どこでできますか',
  'いつですか',
  'いくらですか',
  'どのくらいですか',
  'どれくらいかかりますか',
  '何ですか',
  '何がありますか',
  '知りたいのですが',
  '教えてもらえますか',
  'わかりません',
  'したいんですけど',
  'したいです',
  'ほしいのですが',
  'について聞きたいです',
  'ことについて',
  'のことで相談があります',
  'これは何ですか',
  'それはどうなりますか',
  'になりますか',
  'してますか',
  'していますか',
  'されていますか',
  'なんですか',
  'でしょうか',
]

/**
 * An unseen n-gram of kana only is mostly inflection or particles (「やってる」, 「って」); one with a
 * kanji or a Latin letter is more likely a topic no entry covers (「取材」). Only the first lowers
 * the similarity by half as much.
 */
const UNSEEN_KANA_WEIGHT = 0.5
const KANA_ONLY = /^[\p{Script=Hiragana}ー]+$/u

/** Each background phrase counts as this many documents (as if seen across a larger corpus). */
const BACKGROUND_WEIGHT = 6

/** Entry texts' n-grams, kept so a rebuild after an edit redoes only the texts that changed. */
const entryCache = new Map<string, Map<string, number>>()
const ENTRY_CACHE_LIMIT = 50_000

function entryNgrams(text: string): Map<string, number> {
  let counts = entryCache.get(text)
  if (!counts) {
    if (entryCache.size >= ENTRY_CACHE_LIMIT) entryCache.clear()
    counts = ngrams(normaliseQuestion(text))
    entryCache.set(text, counts)
  }
  return counts
}

export interface NgramIndex {
  readonly variants: readonly IndexedVariant[]
  /** n-gram → the variants that have it and its weight there (dot products touch only these). */
  readonly postings: ReadonlyMap<string, { variant: number; weight: number }[]>
  readonly idf: ReadonlyMap<string, number>
  readonly unseenIdf: number
}

/** Tokenises every entry once; the result scores any number of messages. */
export function buildNgramIndex(entries: readonly FaqSource[]): NgramIndex {
  const background = BACKGROUND.map((b) => new Set(ngrams(normaliseQuestion(b)).keys()))
  const n = entries.length + background.length * BACKGROUND_WEIGHT
  const df = new Map<string, number>()
  for (const grams of background)
    for (const g of grams) df.set(g, (df.get(g) ?? 0) + BACKGROUND_WEIGHT)
  const prepared = entries.map((entry) => {
    const questions = entry.questions.map((q) => ({
      question: q,
      counts: entryNgrams(q),
    }))
    const answer = entryNgrams(entry.answer)
    const seen = new Set<string>()
    for (const { counts } of questions) for (const g of counts.keys()) seen.add(g)
    for (const g of answer.keys()) seen.add(g)
    for (const g of seen) df.set(g, (df.get(g) ?? 0) + 1)
    return { entry, questions, answer }
  })
  const idf = new Map<string, number>()
  for (const [g, d] of df) idf.set(g, Math.log((n + 1) / (d + 0.5)))
  const unseenIdf = Math.log((n + 1) / 0.5)
  const idfOf = (g: string) => idf.get(g) ?? unseenIdf
  const variants: IndexedVariant[] = []
  for (const { entry, questions, answer } of prepared) {
    for (const { question, counts } of questions)
      variants.push({ entryId: entry.id, question, vector: vectorOf(counts, idfOf), weight: 1 })
    variants.push({
      entryId: entry.id,
      question: entry.questions[0] ?? '',
      vector: vectorOf(answer, idfOf),
      weight: ANSWER_WEIGHT,
    })
  }
  const postings = new Map<string, { variant: number; weight: number }[]>()
  variants.forEach((v, i) => {
    for (const [g, weight] of v.vector.weights) {
      const list = postings.get(g)
      if (list) list.push({ variant: i, weight })
      else postings.set(g, [{ variant: i, weight }])
    }
  })
  return { variants, postings, idf, unseenIdf }
}

export interface NgramScore {
  score: number
  /** The phrasing that scored best (the first phrasing when the answer did). */
  question: string
}

/** Each entry's best cosine similarity to the normalised message. */
export function scoreNgrams(index: NgramIndex, normalised: string): Map<number, NgramScore> {
  const query = vectorOf(
    ngrams(normalised),
    (g) =>
      index.idf.get(g) ??
      (KANA_ONLY.test(g) ? index.unseenIdf * UNSEEN_KANA_WEIGHT : index.unseenIdf),
  )
  const best = new Map<number, NgramScore>()
  if (query.norm === 0) return best
  // Dot products through the postings: only variants sharing an n-gram with the message.
  const dots = new Map<number, number>()
  for (const [g, w] of query.weights) {
    const list = index.postings.get(g)
    if (list) for (const p of list) dots.set(p.variant, (dots.get(p.variant) ?? 0) + w * p.weight)
  }
  for (const [i, dot] of dots) {
    const variant = index.variants[i]!
    if (variant.vector.norm === 0) continue
    const score = (dot / (query.norm * variant.vector.norm)) * variant.weight
    const current = best.get(variant.entryId)
    if (!current || score > current.score)
      best.set(variant.entryId, { score, question: variant.question })
  }
  return best
}
