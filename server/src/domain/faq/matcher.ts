import { segmenterAnalyser, type FaqAnalyser } from './analyser.ts'
import { CALIBRATIONS, calibrationFor, type FaqCalibration } from './calibration.ts'
import { buildNgramIndex, scoreNgrams, type FaqSource, type NgramIndex } from './char-ngrams.ts'
import { defaultSynonymLexicon, type SynonymLexicon } from './lexicon.ts'
import { normaliseQuestion } from './normalise.ts'
import { buildWordIndex, scoreWords, type WordIndex } from './words.ts'

export type { FaqSource } from './char-ngrams.ts'

/**
 * FAQ matching for Japanese: which entry answers a customer's message, and whether the bot is
 * sure enough to answer it or should hand over to staff.
 *
 * Two lexical signals per entry, combined (`calibration.ngramWeight`):
 * - character n-grams (char-ngrams.ts): robust to typos, kana / kanji / width variation and
 *   inflection, but blind to paraphrase;
 * - content words (words.ts): the analyser's dictionary forms weighted by BM25, with synonym
 *   groups (Sudachi's dictionary + a short shop vocabulary) for paraphrases that share no word with
 *   the phrasings — 和語 vs 漢語, katakana loanwords — and an unknown-word share for questions no
 *   entry covers.
 * Optionally a third (semantic.ts): cosine similarity of text embeddings, when an embedding
 * provider is configured.
 *
 * The decision is not one threshold: a logistic model over the best entry's score, its margin over
 * the runner-up, both signals and the unknown-word share gives the probability that answering is
 * right; the bot answers when it is at least `answerAt`. The coefficients and `answerAt` are
 * fitted per analyser on the tuning half of test/faq/heldout (test/faq/heldout/tune.ts) and the
 * figures reported on the held-out half.
 *
 * The index is built once per set of entries and reused for every message.
 */

export interface FaqEngine {
  analyser: FaqAnalyser
  lexicon: SynonymLexicon | null
  calibration: FaqCalibration
  /** The decision fitted with embeddings (null: none fitted, the lexical decision stands). */
  semanticCalibration: FaqCalibration | null
}

let lightEngine: FaqEngine | null = null

/** The engine that works everywhere: Intl.Segmenter words + synonyms + character n-grams. */
export function defaultFaqEngine(): FaqEngine {
  lightEngine ??= faqEngine(segmenterAnalyser())
  return lightEngine
}

/** An engine over `analyser`, with the default lexicon and the calibration fitted for it. */
export function faqEngine(analyser: FaqAnalyser, lexicon = defaultSynonymLexicon()): FaqEngine {
  return {
    analyser,
    lexicon,
    calibration: calibrationFor(analyser.name),
    semanticCalibration: CALIBRATIONS[`${analyser.name}+semantic`] ?? null,
  }
}

export interface FaqIndex {
  readonly size: number
  readonly engine: FaqEngine
  readonly ngrams: NgramIndex
  readonly words: WordIndex
  readonly entryIds: readonly number[]
  /** Each entry's first phrasing (shown when no phrasing shares an n-gram with the message). */
  readonly firstQuestion: ReadonlyMap<number, string>
}

export interface FaqCandidate {
  entryId: number
  question: string
  /** Combined score (0–1). */
  score: number
  ngram: number
  coverage: number
  /** Coverage by the phrasings alone. */
  phrasing: number
  semantic?: number
}

export interface FaqMatch {
  outcome: 'answer' | 'hand_over'
  best: FaqCandidate | null
  /** The best few entries, best first, whether or not they pass. */
  candidates: FaqCandidate[]
  /** On a hand-over: entries close enough to offer as 「もしかして」 (best first). */
  suggestions: FaqCandidate[]
  normalised: string
  /** The calibrated probability that answering with `best` is right (0–1). */
  confidence: number
  /** best − runner-up combined score. */
  margin: number
  /** What the decision was made from (the try-out shows it; the tuning fits on it). */
  features: MatchFeatures
}

/** At most this many suggestions (each a quick reply). */
export const MAX_SUGGESTIONS = 3

/** Tokenises every entry once; the result answers any number of messages. */
export function buildFaqIndex(
  entries: readonly FaqSource[],
  engine: FaqEngine = defaultFaqEngine(),
): FaqIndex {
  return {
    size: entries.length,
    engine,
    ngrams: buildNgramIndex(entries),
    words: buildWordIndex(entries, engine.analyser, engine.lexicon),
    entryIds: entries.map((e) => e.id),
    firstQuestion: new Map(entries.map((e) => [e.id, e.questions[0] ?? ''])),
  }
}

export interface MatchExtras {
  /** Semantic similarity per entry (0–1), from an embedding provider. */
  semantic?: ReadonlyMap<number, number>
  /** How many candidates to return (default 3). */
  limit?: number
}

export interface MatchFeatures {
  score: number
  margin: number
  ngram: number
  coverage: number
  phrasing: number
  unknown: number
  /** Share of the message the best entry misses although another entry knows it. */
  missed: number
  semantic: number
}

const logistic = (z: number) => 1 / (1 + Math.exp(-z))

/** The calibrated probability that answering is right, from the best entry's features. */
export function confidenceOf(calibration: FaqCalibration, f: MatchFeatures): number {
  const w = calibration.weights
  return logistic(
    calibration.bias +
      w.score * f.score +
      w.margin * f.margin +
      w.ngram * f.ngram +
      w.coverage * f.coverage +
      w.phrasing * f.phrasing +
      w.unknown * f.unknown +
      (w.missed ?? 0) * f.missed +
      w.semantic * f.semantic,
  )
}

/** The entry that answers `text`, or a hand-over when none is similar enough and clear enough. */
export function matchFaq(index: FaqIndex, text: string, extras: MatchExtras = {}): FaqMatch {
  const { calibration: lexicalCalibration, semanticCalibration } = index.engine
  const normalised = normaliseQuestion(text)
  const byNgram = scoreNgrams(index.ngrams, normalised)
  const byWord = scoreWords(index.words, text)
  const semantic = extras.semantic
  // With embeddings and a decision fitted for them, the combined score decides. Without a fitted
  // one, the lexical decision stands (embeddings never make the bot answer what it would not) and
  // the embeddings only rank the 「もしかして」 suggestions.
  const calibration = semantic && semanticCalibration ? semanticCalibration : lexicalCalibration
  const decidesWithSemantic = semantic !== undefined && semanticCalibration !== null
  const sw = semantic ? calibration.semanticWeight : 0
  const lexical: FaqCandidate[] = []
  const mixed = new Map<number, number>()
  for (const entryId of index.entryIds) {
    const ngram = byNgram.get(entryId)
    const coverage = byWord.coverage.get(entryId) ?? 0
    const lexicalScore =
      calibration.ngramWeight * (ngram?.score ?? 0) + (1 - calibration.ngramWeight) * coverage
    const sem = semantic?.get(entryId)
    const mix = sem === undefined ? lexicalScore : (1 - sw) * lexicalScore + sw * sem
    mixed.set(entryId, mix)
    const score = decidesWithSemantic ? mix : lexicalScore
    if (score <= 0 && mix <= 0) continue
    lexical.push({
      entryId,
      question: ngram?.question ?? index.firstQuestion.get(entryId) ?? '',
      score,
      ngram: ngram?.score ?? 0,
      coverage,
      phrasing: byWord.phrasing.get(entryId) ?? 0,
      ...(sem === undefined ? {} : { semantic: sem }),
    })
  }
  const ranked = lexical
    .filter((c) => c.score > 0)
    .sort((a, b) => b.score - a.score || a.entryId - b.entryId)
  const [best, second] = ranked
  const margin = best ? best.score - (second?.score ?? 0) : 0
  const features: MatchFeatures = {
    score: best?.score ?? 0,
    margin,
    ngram: best?.ngram ?? 0,
    coverage: best?.coverage ?? 0,
    phrasing: best?.phrasing ?? 0,
    unknown: byWord.unknownShare,
    missed: best ? (byWord.missed.get(best.entryId) ?? 0) : 0,
    semantic: decidesWithSemantic ? (best?.semantic ?? 0) : 0,
  }
  const confidence = best ? confidenceOf(calibration, features) : 0
  const confident = best !== undefined && confidence >= calibration.answerAt
  const round = (c: FaqCandidate): FaqCandidate => ({
    ...c,
    score: r3(c.score),
    ngram: r3(c.ngram),
    coverage: r3(c.coverage),
    phrasing: r3(c.phrasing),
    ...(c.semantic === undefined ? {} : { semantic: r3(c.semantic) }),
  })
  const bySuggestion = semantic
    ? lexical
        .map((c) => ({ ...c, score: mixed.get(c.entryId) ?? 0 }))
        .sort((a, b) => b.score - a.score || a.entryId - b.entryId)
    : ranked
  return {
    outcome: confident ? 'answer' : 'hand_over',
    best: best ? round(best) : null,
    candidates: ranked.slice(0, extras.limit ?? 3).map(round),
    suggestions: confident
      ? []
      : bySuggestion
          .filter((c) => c.score >= calibration.suggestAt)
          .slice(0, MAX_SUGGESTIONS)
          .map(round),
    normalised,
    confidence: r3(confidence),
    margin: r3(margin),
    features,
  }
}

const r3 = (x: number) => Math.round(x * 1000) / 1000
