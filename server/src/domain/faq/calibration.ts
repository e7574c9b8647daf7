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
    ngramWeight: 0.7,
    semanticWeight: 0.5,
    bias: 2.169,
    weights: {
      score: -0.348,
      margin: 4.499,
      ngram: -0.629,
      coverage: 0.309,
      phrasing: 0.903,
      unknown: -3.614,
      missed: -3.259,
      semantic: 0,
    },
    answerAt: 0.852,
    suggestAt: 0.15,
  },
  'lindera-ipadic': {
    ngramWeight: 0.6,
    semanticWeight: 0.5,
    bias: 1.891,
    weights: {
      score: 0.093,
      margin: 3.387,
      ngram: 0.555,
      coverage: -0.6,
      phrasing: 1.719,
      unknown: -3.397,
      missed: -3.664,
      semantic: 0,
    },
    answerAt: 0.929,
    suggestAt: 0.12,
  },
}

export function calibrationFor(analyser: string): FaqCalibration {
  return CALIBRATIONS[analyser] ?? CALIBRATIONS['intl-segmenter']!
}
