import { normaliseQuestion } from './normalise.ts'

/**
 * FAQ matching for Japanese, which has no spaces between words.
 *
 * Method (documented because the thresholds depend on it):
 * 1. Both the FAQ questions and the customer's message are normalised (`normaliseQuestion`:
 *    NFKC, case, katakana → hiragana, punctuation and whitespace removed, common kana readings of
 *    shop words written in kanji, greetings and polite / question endings cut).
 * 2. Each text becomes a bag of character n-grams: bigrams and trigrams, plus single kanji (one
 *    kanji often carries a whole meaning: 犬, 車, 券). No word segmentation or dictionary needed,
 *    and a typo only spoils the few n-grams around it.
 * 3. N-grams are weighted by TF-IDF over the FAQ corpus (document = one entry, all its variants),
 *    so n-grams every entry shares (「できます」) count little and topic words (「駐車」) count a lot.
 *    An n-gram no entry contains gets the highest weight: unknown content in a message lowers the
 *    similarity instead of being ignored (half that for kana-only n-grams, mostly inflection).
 * 4. Score = cosine similarity between the message and each question variant, and between the
 *    message and the entry's answer (down-weighted by `ANSWER_WEIGHT`); an entry scores its best.
 *    IDF is smoothed with a few generic question frames (`BACKGROUND`), which a shop's small FAQ
 *    cannot learn are uninformative on its own.
 * 5. The best entry answers when its score ≥ `threshold` and it leads the runner-up entry by at
 *    least `margin`; otherwise the bot hands over to staff, offering the entries scoring at least
 *    `suggestAt` as 「もしかして」 quick replies. The values were chosen on the labelled set in
 *    test/faq/ (faq-evaluation.test.ts prints the figures): a wrong confident answer costs more
 *    than a hand-over, so the threshold favours precision.
 *
 * The index is built once per set of entries (`buildFaqIndex`) and reused for every message.
 */

export interface FaqSource {
  id: number
  questions: string[]
  answer: string
}

export interface FaqMatchOptions {
  /** The best entry answers at or above this score… */
  threshold: number
  /** …and when it leads the runner-up entry by at least this much. */
  margin: number
  /** Below the threshold, entries at or above this are offered as 「もしかして」 suggestions. */
  suggestAt: number
}

export const DEFAULT_FAQ_MATCH: FaqMatchOptions = { threshold: 0.35, margin: 0.05, suggestAt: 0.15 }

/** At most this many suggestions (each a quick reply). */
export const MAX_SUGGESTIONS = 3

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

export interface FaqIndex {
  readonly size: number
  readonly variants: readonly IndexedVariant[]
  readonly idf: ReadonlyMap<string, number>
  readonly unseenIdf: number
}

export interface FaqCandidate {
  entryId: number
  question: string
  score: number
}

export interface FaqMatch {
  outcome: 'answer' | 'hand_over'
  best: FaqCandidate | null
  /** The best few entries, best first, whether or not they pass. */
  candidates: FaqCandidate[]
  /** On a hand-over: entries close enough to offer as 「もしかして」 (best first). */
  suggestions: FaqCandidate[]
  normalised: string
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

function cosine(a: Vector, b: Vector): number {
  if (a.norm === 0 || b.norm === 0) return 0
  const [small, large] = a.weights.size <= b.weights.size ? [a, b] : [b, a]
  let dot = 0
  for (const [g, w] of small.weights) {
    const other = large.weights.get(g)
    if (other !== undefined) dot += w * other
  }
  return dot / (a.norm * b.norm)
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

/** Tokenises every entry once; the result answers any number of messages. */
export function buildFaqIndex(entries: readonly FaqSource[]): FaqIndex {
  const background = BACKGROUND.map((b) => new Set(ngrams(normaliseQuestion(b)).keys()))
  const n = entries.length + background.length * BACKGROUND_WEIGHT
  const df = new Map<string, number>()
  for (const grams of background)
    for (const g of grams) df.set(g, (df.get(g) ?? 0) + BACKGROUND_WEIGHT)
  const prepared = entries.map((entry) => {
    const questions = entry.questions.map((q) => ({
      question: q,
      counts: ngrams(normaliseQuestion(q)),
    }))
    const answer = ngrams(normaliseQuestion(entry.answer))
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
  return { size: n, variants, idf, unseenIdf }
}

/** The entry that answers `text`, or a hand-over when none is similar enough and clear enough. */
export function matchFaq(
  index: FaqIndex,
  text: string,
  options: FaqMatchOptions = DEFAULT_FAQ_MATCH,
  limit = 3,
): FaqMatch {
  const normalised = normaliseQuestion(text)
  const query = vectorOf(
    ngrams(normalised),
    (g) =>
      index.idf.get(g) ??
      (KANA_ONLY.test(g) ? index.unseenIdf * UNSEEN_KANA_WEIGHT : index.unseenIdf),
  )
  const bestByEntry = new Map<number, FaqCandidate>()
  for (const variant of index.variants) {
    const score = cosine(query, variant.vector) * variant.weight
    const current = bestByEntry.get(variant.entryId)
    if (!current || score > current.score)
      bestByEntry.set(variant.entryId, {
        entryId: variant.entryId,
        question: variant.question,
        score,
      })
  }
  const ranked = [...bestByEntry.values()]
    .filter((c) => c.score > 0)
    .sort((a, b) => b.score - a.score || a.entryId - b.entryId)
    .map((c) => ({ ...c, score: Math.round(c.score * 1000) / 1000 }))
  const [best, second] = ranked
  const confident =
    best !== undefined &&
    best.score >= options.threshold &&
    best.score - (second?.score ?? 0) >= options.margin
  return {
    outcome: confident ? 'answer' : 'hand_over',
    best: best ?? null,
    candidates: ranked.slice(0, limit),
    suggestions: confident
      ? []
      : ranked.filter((c) => c.score >= options.suggestAt).slice(0, MAX_SUGGESTIONS),
    normalised,
  }
}
