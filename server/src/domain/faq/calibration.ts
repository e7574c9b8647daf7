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
    /** Optional: calibrations fitted before the feature existed leave it out (weight 0). */
    missed?: number
    semantic: number
  }
  /** Answer when the calibrated probability of being right is at least this. */
  answerAt: number
  /** On a hand-over, offer entries whose combined score is at least this. */
  suggestAt: number
}

export const CALIBRATIONS: Readonly<Record<string, FaqCalibration>> = {
  'intl-segmenter': {
    ngramWeight: 0.3,
    semanticWeight: 0.5,
    bias: 2.44,
    weights: {
      score: -0.275,
      margin: 4.352,
      ngram: 0.876,
      coverage: -0.769,
      phrasing: 0.475,
      unknown: -3.909,
      missed: -1.97,
      semantic: 0,
    },
    answerAt: 0.891,
    suggestAt: 0.15,
  },
  'lindera-ipadic': {
    ngramWeight: 0.6,
    semanticWeight: 0.5,
    bias: 2.036,
    weights: {
      score: -0.125,
      margin: 3.518,
      ngram: 0.252,
      coverage: -0.691,
      phrasing: 1.906,
      unknown: -3.424,
      missed: -3.885,
      semantic: 0,
    },
    answerAt: 0.932,
    suggestAt: 0.12,
  },
}

export function calibrationFor(analyser: string): FaqCalibration {
  return CALIBRATIONS[analyser] ?? CALIBRATIONS['intl-segmenter']!
}
