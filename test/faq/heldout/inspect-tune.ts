/**
 * Tuning-half diagnostics (never reads the held-out half): breaks the tuning half's answerable
 * questions down by cause (answered right; right entry first but handed over; wrong entry first;
 * no overlap at all) and lists the unanswerable questions by confidence.
 *
 *   npx tsx test/faq/heldout/inspect-tune.ts [--list]
 */
import { segmenterAnalyser } from '../../../server/src/domain/faq/analyser.ts'
import { faqEngine } from '../../../server/src/domain/faq/matcher.ts'
import { loadLinderaAnalyser } from '../../../server/src/analysis/lindera-analyser.ts'
import { describe, evaluate } from './dataset.ts'

for (const analyser of [segmenterAnalyser(), loadLinderaAnalyser()]) {
  const f = evaluate(faqEngine(analyser), 'tune')
  console.log(describe(`${analyser.name} (tuning half)`, f))
  const causes = { answered: 0, handedOver: 0, wrongFirst: 0, noOverlap: 0, wrongAnswered: 0 }
  for (const j of f.judged) {
    if (j.question.expect === null) continue
    if (j.match.best === null) causes.noOverlap++
    else if (j.right && j.match.outcome === 'answer') causes.answered++
    else if (j.right) causes.handedOver++
    else if (j.match.outcome === 'answer') causes.wrongAnswered++
    else causes.wrongFirst++
  }
  console.log('  causes (answerable):', JSON.stringify(causes))
  const unans = f.judged
    .filter((j) => j.question.expect === null)
    .sort((a, b) => b.match.confidence - a.match.confidence)
  const rightPs = f.judged.filter((j) => j.right).map((j) => j.match.confidence)
  for (const j of unans.slice(0, 8)) {
    const above = rightPs.filter((p) => p >= j.match.confidence).length
    console.log(
      `  unanswerable p=${j.match.confidence} (right above: ${above}) ${j.question.shop} ← ${j.question.text} [best ${j.bestKey}]`,
    )
  }
  if (process.argv.includes('--list'))
    for (const j of f.judged)
      if (j.question.expect !== null && !j.right)
        console.log(
          `  MISS ${j.question.shop}/${j.question.expect} ← ${j.question.text} [best ${j.bestKey}]`,
        )
}
