import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  buildFaqIndex,
  matchFaq,
  type FaqEngine,
  type FaqIndex,
  type FaqMatch,
  type MatchExtras,
} from '../../../server/src/domain/faq/matcher.ts'
import type { Half } from './split.ts'

/** The held-out FAQ set (see the notes in entries.json and questions.json). */
export interface ShopFaq {
  key: string
  name: string
  entries: { key: string; phrasings: string[]; answer: string }[]
}
export interface LabelledQuestion {
  shop: string
  text: string
  expect: string | null
  half: Half
}

const here = fileURLToPath(new URL('.', import.meta.url))
export const shops = (
  JSON.parse(readFileSync(join(here, 'entries.json'), 'utf8')) as { shops: ShopFaq[] }
).shops
export const questions = (
  JSON.parse(readFileSync(join(here, 'questions.json'), 'utf8')) as {
    questions: LabelledQuestion[]
  }
).questions

/** A shop's entries as the matcher sees them: id = position + 1, questions = the phrasings. */
export function shopSources(shop: ShopFaq) {
  return shop.entries.map((e, i) => ({ id: i + 1, questions: e.phrasings, answer: e.answer }))
}

export interface Judged {
  question: LabelledQuestion
  match: FaqMatch
  bestKey: string | null
  right: boolean
}

export interface Figures {
  answerable: number
  unanswerable: number
  top1: number
  answeredRight: number
  answeredWrong: number
  suggestedRight: number
  unanswerableAnswered: number
  judged: Judged[]
}

export function evaluate(
  engine: FaqEngine,
  half: Half,
  extras: (shop: ShopFaq, text: string) => MatchExtras = () => ({}),
): Figures {
  const indexes = new Map<string, FaqIndex>(
    shops.map((s) => [s.key, buildFaqIndex(shopSources(s), engine)]),
  )
  const f: Figures = {
    answerable: 0,
    unanswerable: 0,
    top1: 0,
    answeredRight: 0,
    answeredWrong: 0,
    suggestedRight: 0,
    unanswerableAnswered: 0,
    judged: [],
  }
  for (const q of questions.filter((q) => q.half === half)) {
    const shop = shops.find((s) => s.key === q.shop)!
    const match = matchFaq(indexes.get(q.shop)!, q.text, extras(shop, q.text))
    const keyOf = (id: number) => shop.entries[id - 1]?.key ?? null
    const bestKey = match.best ? keyOf(match.best.entryId) : null
    const right = q.expect !== null && bestKey === q.expect
    f.judged.push({ question: q, match, bestKey, right })
    if (q.expect === null) {
      f.unanswerable++
      if (match.outcome === 'answer') f.unanswerableAnswered++
      continue
    }
    f.answerable++
    if (right) f.top1++
    if (match.outcome === 'answer') {
      if (right) f.answeredRight++
      else f.answeredWrong++
    } else if (match.suggestions.some((s) => keyOf(s.entryId) === q.expect)) f.suggestedRight++
  }
  return f
}

const pct = (n: number, of: number) => `${((100 * n) / Math.max(1, of)).toFixed(1)}% (${n}/${of})`

export function describe(label: string, f: Figures): string {
  return [
    `${label}: ${f.answerable} answerable + ${f.unanswerable} unanswerable questions`,
    `  top-1 right entry ranked first:               ${pct(f.top1, f.answerable)}`,
    `  answered outright with the right entry:       ${pct(f.answeredRight, f.answerable)}`,
    `  right entry answered or offered (もしかして): ${pct(f.answeredRight + f.suggestedRight, f.answerable)}`,
    `  confident wrong answers (answerable):         ${pct(f.answeredWrong, f.answerable)}`,
    `  confident answers to unanswerable questions:  ${pct(f.unanswerableAnswered, f.unanswerable)}`,
  ].join('\n')
}
