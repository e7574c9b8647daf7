/**
 * The decision of FAQ matching, per analyser: how the signals combine and when the bot answers.
 * Fitted on the tuning half of test/faq/heldout by `npx tsx test/faq/heldout/tune.ts` (logistic
 * regression of "the best entry is the right answer" on the features below, then the lowest
 * `answerAt` whose confident wrong answers stay within the targets on the tuning half), and
 * reported on the held-out half by test/faq/heldout/heldout.test.ts. Re-run the tuning after
 * changing the analysers, the lexicon or the scoring, and paste its output here.
 */
export interface FaqCalibration {
  /** Combined lexical score = ngramWeight · n-gram similarity + (1 − ngramWeight) · word coverage. */
  ngramWeight: number
  /** With an embedding provider: score = (1 − semanticWeight) · lexical + semanticWeight · semantic. */
  semanticWeight: number
  bias: number
  weights: {
    score: number
    margin: number
    ngram: number
    coverage: number
    phrasing: number
    unknown: number
    semantic: number
  }
  /** Answer when the calibrated probability of being right is at least this. */
  answerAt: number
  /** On a hand-over, offer entries whose combined score is at least this. */
  suggestAt: number
}

export const CALIBRATIONS: Readonly<Record<string, FaqCalibration>> = {
  'intl-segmenter': {
    ngramWeight: 0.7,
    semanticWeight: 0.5,
    bias: -0.39,
    weights: {
      score: 0.002,
      margin: 6.034,
      ngram: -1.203,
      coverage: 2.812,
      phrasing: 0.353,
      unknown: -0.762,
      semantic: 0,
    },
    answerAt: 0.839,
    suggestAt: 0.12,
  },
  'lindera-ipadic': {
    ngramWeight: 0.5,
    semanticWeight: 0.5,
    bias: 0.543,
    weights: {
      score: 0.298,
      margin: 4.516,
      ngram: 0.146,
      coverage: 0.451,
      phrasing: 1.421,
      unknown: -1.892,
      semantic: 0,
    },
    answerAt: 0.915,
    suggestAt: 0.1,
  },
}

export function calibrationFor(analyser: string): FaqCalibration {
  return CALIBRATIONS[analyser] ?? CALIBRATIONS['intl-segmenter']!
}
