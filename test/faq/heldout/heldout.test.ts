import { describe as suite, expect, it } from 'vitest'
import { loadLinderaAnalyser } from '../../../server/src/analysis/lindera-analyser.ts'
import { segmenterAnalyser } from '../../../server/src/domain/faq/analyser.ts'
import { faqEngine } from '../../../server/src/domain/faq/matcher.ts'
import { describe, evaluate, questions, shops, type Figures } from './dataset.ts'
import { halfOf } from './split.ts'

/**
 * The reported FAQ figures: the HELD-OUT half of test/faq/heldout (never used for tuning; the
 * decision was fitted on the tuning half by tune.ts). Each runtime's path has its own figure:
 * Node analyses words with lindera (IPADIC), Workers with Intl.Segmenter (the same code is run on
 * workerd by test/workers/faq-heldout-worker.test.ts).
 *
 * Issue 16's targets are ≥ 85 % answered outright with ≤ 5 % confident wrong answers. The lexical
 * matcher meets the wrong-answer bounds but not the 85 %: the floors below are the figures it
 * reaches (minus a little slack), so that a change that makes it worse fails.
 */
const rate = (n: number, of: number) => n / of

function check(f: Figures, floors: { top1: number; answered: number; offered: number }) {
  expect(f.answerable).toBeGreaterThanOrEqual(200)
  expect(f.unanswerable).toBeGreaterThanOrEqual(45)
  // Precision: the bot's confident answers are right.
  expect(rate(f.answeredWrong, f.answerable)).toBeLessThanOrEqual(0.05)
  expect(rate(f.unanswerableAnswered, f.unanswerable)).toBeLessThanOrEqual(0.05)
  expect(rate(f.top1, f.answerable)).toBeGreaterThanOrEqual(floors.top1)
  expect(rate(f.answeredRight, f.answerable)).toBeGreaterThanOrEqual(floors.answered)
  expect(rate(f.answeredRight + f.suggestedRight, f.answerable)).toBeGreaterThanOrEqual(
    floors.offered,
  )
}

suite('FAQ held-out evaluation (test/faq/heldout)', () => {
  it('the data set is what its notes say: ≥ 40 entries in ≥ 4 shop types, two phrasings each, ≥ 400 + ≥ 100 questions, split by the fixed hash', () => {
    expect(shops.length).toBeGreaterThanOrEqual(4)
    expect(shops.reduce((n, s) => n + s.entries.length, 0)).toBeGreaterThanOrEqual(40)
    for (const shop of shops)
      for (const entry of shop.entries) expect(entry.phrasings).toHaveLength(2)
    expect(questions.filter((q) => q.expect !== null).length).toBeGreaterThanOrEqual(400)
    expect(questions.filter((q) => q.expect === null).length).toBeGreaterThanOrEqual(100)
    for (const q of questions) {
      expect(q.half).toBe(halfOf(q.shop, q.text))
      if (q.expect !== null)
        expect(shops.find((s) => s.key === q.shop)!.entries.map((e) => e.key)).toContain(q.expect)
    }
  })

  it('Node (lindera IPADIC + synonyms + n-grams): no more than 5 % confident wrong answers', () => {
    const f = evaluate(faqEngine(loadLinderaAnalyser()), 'heldout')
    console.log(describe('FAQ held-out, Node analyser (lindera-ipadic)', f))
    check(f, { top1: 0.82, answered: 0.3, offered: 0.78 })
  })

  it('light path (Intl.Segmenter + synonyms + n-grams, as on Workers): no more than 5 % confident wrong answers', () => {
    const f = evaluate(faqEngine(segmenterAnalyser()), 'heldout')
    console.log(describe('FAQ held-out, light analyser (intl-segmenter)', f))
    check(f, { top1: 0.82, answered: 0.38, offered: 0.7 })
  })
})
