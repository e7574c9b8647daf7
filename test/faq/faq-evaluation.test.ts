import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { buildFaqIndex, matchFaq } from '../../server/src/domain/faq/matcher.ts'

interface LabelledQuestion {
  text: string
  /** The FAQ entry key that should answer, or null when no entry does. */
  expect: string | null
}

const here = import.meta.dirname
const faq = JSON.parse(readFileSync(join(here, 'shop-faq.json'), 'utf8')) as {
  entries: { key: string; questions: string[]; answer: string }[]
}
const { questions } = JSON.parse(readFileSync(join(here, 'questions.json'), 'utf8')) as {
  questions: LabelledQuestion[]
}

const percent = (n: number, of: number) => `${((100 * n) / of).toFixed(1)}% (${n}/${of})`

describe('FAQ matching on the labelled shop set (test/faq/)', () => {
  it('ranks the right entry first for ≥ 85% of answerable questions, answers ≤ 5% of unanswerable ones', () => {
    const index = buildFaqIndex(faq.entries.map((e, i) => ({ id: i + 1, ...e })))
    const keyOf = (id: number) => faq.entries[id - 1]?.key
    const answerable = questions.filter((q) => q.expect !== null)
    const unanswerable = questions.filter((q) => q.expect === null)
    expect(answerable.length).toBeGreaterThanOrEqual(100)
    expect(unanswerable.length).toBeGreaterThanOrEqual(25)
    for (const q of answerable) expect(faq.entries.map((e) => e.key)).toContain(q.expect)

    let top1 = 0
    let answeredRight = 0
    let answeredWrong = 0
    let suggested = 0
    for (const q of answerable) {
      const match = matchFaq(index, q.text)
      const best = match.best ? keyOf(match.best.entryId) : null
      if (best === q.expect) top1++
      if (match.outcome === 'answer') {
        if (best === q.expect) answeredRight++
        else answeredWrong++
      } else if (match.suggestions.some((s) => keyOf(s.entryId) === q.expect)) suggested++
    }
    const wrongConfident = unanswerable.filter((q) => matchFaq(index, q.text).outcome === 'answer')

    console.log(
      [
        `FAQ evaluation: ${faq.entries.length} entries, ${answerable.length} answerable + ${unanswerable.length} unanswerable questions`,
        `  top-1 accuracy (answerable):                    ${percent(top1, answerable.length)}`,
        `  answered with the right entry (confident):      ${percent(answeredRight, answerable.length)}`,
        `  right entry answered or offered as もしかして:   ${percent(answeredRight + suggested, answerable.length)}`,
        `  wrong confident answers (answerable):           ${percent(answeredWrong, answerable.length)}`,
        `  wrong confident answers (unanswerable):         ${percent(wrongConfident.length, unanswerable.length)}`,
        ...wrongConfident.map((q) => `    answered although unanswerable: ${q.text}`),
      ].join('\n'),
    )
    expect(top1 / answerable.length).toBeGreaterThanOrEqual(0.85)
    expect(wrongConfident.length / unanswerable.length).toBeLessThanOrEqual(0.05)
    // A confident answer must be right: wrong answers cost more than a hand-over.
    expect(answeredWrong / answerable.length).toBeLessThanOrEqual(0.05)
    // Guards the precision-first threshold from drifting into answering almost nothing.
    expect(answeredRight / answerable.length).toBeGreaterThanOrEqual(0.55)
    // With one tap on a suggestion, most customers still get their answer without staff.
    expect((answeredRight + suggested) / answerable.length).toBeGreaterThanOrEqual(0.85)
  })
})
