/**
 * Fits the FAQ decision (server/src/domain/faq/calibration.ts) on the TUNING half only:
 *
 *   npx tsx test/faq/heldout/tune.ts [--failures]
 *
 * For each analyser and each n-gram / word mix, it scores the tuning questions, fits a logistic
 * regression of "the best entry is the right answer" on the decision features, and picks the
 * lowest `answerAt` whose confident wrong answers stay ≤ TARGET on the tuning half (answerable and
 * unanswerable alike), keeping the mix that answers the most right. It prints the calibration to
 * paste and, with --failures, the tuning questions it gets wrong. It never reads the held-out half.
 */
import { segmenterAnalyser, type FaqAnalyser } from '../../../server/src/domain/faq/analyser.ts'
import type { FaqCalibration } from '../../../server/src/domain/faq/calibration.ts'
import {
  confidenceOf,
  type FaqEngine,
  type MatchFeatures,
} from '../../../server/src/domain/faq/matcher.ts'
import { defaultSynonymLexicon } from '../../../server/src/domain/faq/lexicon.ts'
import { loadLinderaAnalyser } from '../../../server/src/analysis/lindera-analyser.ts'
import { loadOnnxEmbeddings } from '../../../server/src/analysis/onnx-embeddings.ts'
import { SemanticIndex } from '../../../server/src/domain/faq/semantic.ts'
import type { MatchExtras } from '../../../server/src/domain/faq/matcher.ts'
import {
  describe,
  evaluate,
  questions,
  shops,
  shopSources,
  type Figures,
  type ShopFaq,
} from './dataset.ts'

const TARGET = 0.03
const FEATURES = ['score', 'margin', 'ngram', 'coverage', 'phrasing', 'unknown', 'missed'] as const

function fitLogistic(xs: number[][], ys: number[], l2 = 0.0005): number[] {
  const d = xs[0]!.length
  const w = new Array<number>(d + 1).fill(0)
  for (let it = 0; it < 30000; it++) {
    const grad = new Array<number>(d + 1).fill(0)
    for (let i = 0; i < xs.length; i++) {
      const x = xs[i]!
      let z = w[0]!
      for (let j = 0; j < d; j++) z += w[j + 1]! * x[j]!
      const err = 1 / (1 + Math.exp(-z)) - ys[i]!
      grad[0]! += err
      for (let j = 0; j < d; j++) grad[j + 1]! += err * x[j]!
    }
    for (let j = 0; j <= d; j++) w[j]! -= 4.0 * (grad[j]! / xs.length + (j > 0 ? l2 * w[j]! : 0))
  }
  return w
}

/** Semantic scores per question (shop + text), when an embedding model is configured. */
type SemanticLookup = ((shop: ShopFaq, text: string) => MatchExtras) | undefined

function calibrate(analyser: FaqAnalyser, ngramWeight: number, semantic?: SemanticLookup) {
  const base: FaqCalibration = {
    ngramWeight,
    semanticWeight: 0.5,
    bias: 0,
    weights: {
      score: 0,
      margin: 0,
      ngram: 0,
      coverage: 0,
      phrasing: 0,
      unknown: 0,
      missed: 0,
      semantic: 0,
    },
    answerAt: 2, // never answer while collecting features
    suggestAt: 0.15,
  }
  const engine: FaqEngine = {
    analyser,
    lexicon: defaultSynonymLexicon(),
    calibration: base,
    semanticCalibration: semantic ? base : null,
  }
  const raw = evaluate(engine, 'tune', semantic)
  const features = semantic ? [...FEATURES, 'semantic' as const] : FEATURES
  const xs = raw.judged.map((j) => features.map((k) => j.match.features[k]))
  const ys = raw.judged.map((j) => (j.right ? 1 : 0))
  const w = fitLogistic(xs, ys)
  const weights = { ...base.weights }
  features.forEach((k, i) => (weights[k] = Math.round(w[i + 1]! * 1000) / 1000))
  const fitted: FaqCalibration = { ...base, bias: Math.round(w[0]! * 1000) / 1000, weights }
  const ps = raw.judged.map((j) => confidenceOf(fitted, j.match.features as MatchFeatures))
  const answerable = raw.judged.filter((j) => j.question.expect !== null).length
  const unanswerable = raw.judged.length - answerable
  let best = { answerAt: 0.99, right: -1 }
  for (const t of [...new Set(ps.map((p) => Math.round(p * 1000) / 1000))].sort((a, b) => a - b)) {
    let right = 0
    let wrong = 0
    let unans = 0
    raw.judged.forEach((j, i) => {
      if (ps[i]! < t) return
      if (j.question.expect === null) unans++
      else if (j.right) right++
      else wrong++
    })
    if (wrong <= TARGET * answerable && unans <= TARGET * unanswerable && right > best.right)
      best = { answerAt: t, right }
  }
  // Suggestions: the lowest score that still leaves most unanswerable questions without any.
  let suggestAt = 0.3
  for (const at of [0.3, 0.25, 0.2, 0.15, 0.12, 0.1, 0.08, 0.06]) {
    const offered = raw.judged.filter(
      (j) => j.question.expect === null && (j.match.best?.score ?? 0) >= at,
    ).length
    if (offered <= 0.5 * unanswerable) suggestAt = at
  }
  return { ...fitted, answerAt: best.answerAt, suggestAt }
}

const showFailures = process.argv.includes('--failures')
const analysers: FaqAnalyser[] = [segmenterAnalyser(), loadLinderaAnalyser()]

/** With FAQ_EMBEDDING_MODEL=<ONNX model directory>, also fits the decision with embeddings. */
async function semanticLookup(): Promise<SemanticLookup> {
  const dir = process.env.FAQ_EMBEDDING_MODEL
  if (!dir) return undefined
  const provider = await loadOnnxEmbeddings(dir)
  const scores = new Map<string, Map<number, number>>()
  for (const shop of shops) {
    const index = new SemanticIndex(provider)
    await index.refresh(shopSources(shop))
    for (const q of questions.filter((q) => q.shop === shop.key && q.half === 'tune'))
      scores.set(`${shop.key}\n${q.text}`, await index.score(q.text))
  }
  return (shop, text) => ({ semantic: scores.get(`${shop.key}\n${text}`) ?? new Map() })
}

const semantic = await semanticLookup()
for (const analyser of analysers)
  for (const withSemantic of semantic ? [false, true] : [false]) {
    const lookup = withSemantic ? semantic : undefined
    const name = `${analyser.name}${withSemantic ? '+semantic' : ''}`
    let chosen: { calibration: FaqCalibration; figures: Figures } | null = null
    for (const mix of [0.2, 0.3, 0.4, 0.5, 0.6, 0.7]) {
      const calibration = calibrate(analyser, mix, lookup)
      const figures = evaluate(
        {
          analyser,
          lexicon: defaultSynonymLexicon(),
          calibration,
          semanticCalibration: lookup ? calibration : null,
        },
        'tune',
        lookup,
      )
      console.log(
        `${name} mix ${mix}: top1 ${figures.top1}/${figures.answerable}, answered right ${figures.answeredRight}, wrong ${figures.answeredWrong}, unanswerable answered ${figures.unanswerableAnswered}/${figures.unanswerable}`,
      )
      if (!chosen || figures.answeredRight > chosen.figures.answeredRight)
        chosen = { calibration, figures }
    }
    console.log(describe(`\n${name} (tuning half)`, chosen!.figures))
    console.log(`'${name}': ${JSON.stringify(chosen!.calibration)},\n`)
    if (showFailures)
      for (const j of chosen!.figures.judged) {
        const wrongAnswer = j.match.outcome === 'answer' && !j.right
        const missed = j.question.expect !== null && j.match.outcome !== 'answer'
        if (process.argv.includes('--low') && !(j.right && missed)) continue
        if (!wrongAnswer && !missed) continue
        console.log(
          `${wrongAnswer ? 'WRONG' : j.right ? 'LOW  ' : 'MISS '} ${j.question.shop}/${j.question.expect ?? '-'} ← ${j.question.text}  [best ${j.bestKey} p=${j.match.confidence} s=${j.match.features.score.toFixed(2)} m=${j.match.features.margin.toFixed(2)} ng=${j.match.features.ngram.toFixed(2)} cov=${j.match.features.coverage.toFixed(2)} unk=${j.match.features.unknown.toFixed(2)}]`,
        )
      }
  }

if (process.argv.includes('--unanswerable'))
  for (const analyser of analysers) {
    const calibration = calibrate(analyser, 0.5)
    const f = evaluate(
      { analyser, lexicon: defaultSynonymLexicon(), calibration, semanticCalibration: null },
      'tune',
    )
    const rows = f.judged
      .filter((j) => j.question.expect === null || !j.right)
      .sort((a, b) => b.match.confidence - a.match.confidence)
      .slice(0, 25)
    for (const j of rows)
      console.log(
        `${analyser.name} p=${j.match.confidence} ${j.question.shop}/${j.question.expect ?? '-'} ← ${j.question.text} [best ${j.bestKey} s=${j.match.features.score.toFixed(2)} m=${j.match.features.margin.toFixed(2)} ng=${j.match.features.ngram.toFixed(2)} cov=${j.match.features.coverage.toFixed(2)} unk=${j.match.features.unknown.toFixed(2)}]`,
      )
  }
