import type {
  FaqAskItem,
  FaqEntry,
  FaqLearnResult,
  FaqNewEntryFromAsk,
  FaqUnansweredGroup,
  FaqUnansweredList,
} from '@joren/shared'
import type { AuditLog } from '../audit/audit.ts'
import { DomainError } from '../errors.ts'
import type { Clock } from '../ports.ts'
import type { FaqAnswerer } from './answerer.ts'
import type { FaqAsk, FaqAskStore, FaqFeedback } from './asks.ts'
import { ngrams } from './char-ngrams.ts'
import { FaqEntryNotFound } from './errors.ts'
import { normaliseQuestion } from './normalise.ts'
import { starterSet } from './starter-sets.ts'
import type { FaqStore } from './store.ts'

/**
 * The bot learns from staff (issue 16):
 * - every message the FAQ stage judges is recorded (`recordAsk`), with the member's
 *   「解決した / スタッフに聞く」 feedback on it (`recordFeedback`);
 * - staff turn a question the bot could not answer into a phrasing of an entry
 *   (`addAskToEntry`) or into a new entry with their reply as the answer (`newEntryFromAsk`); the
 *   same question asked again then answers, because the index is rebuilt on the edit;
 * - `unansweredGroups` groups the open hand-overs by similarity, most asked first, with the
 *   closest entry, so staff see what to add next.
 */
export interface FaqLearningDeps {
  asks: FaqAskStore
  faq: FaqStore
  audit: AuditLog
  clock: Clock
  answerer: Pick<FaqAnswerer, 'tryOut'>
}

export class FaqAskNotFound extends DomainError {
  constructor() {
    super(404, 'faq_ask_not_found', 'この質問が見つかりません。')
  }
}

export class FaqPhrasingsFull extends DomainError {
  constructor() {
    super(
      409,
      'faq_phrasings_full',
      'このFAQには言い換えが 20 個あります。不要な言い換えを削除してから追加してください。',
    )
  }
}

export class FaqQuestionTooLong extends DomainError {
  constructor() {
    super(
      422,
      'faq_question_too_long',
      '100 文字を超える質問はFAQの言い換えにできません。短くまとめて新しいFAQを作成してください。',
    )
  }
}

const MAX_PHRASINGS = 20
const MAX_QUESTION = 100
/** The unanswered list looks this far back. */
export const UNANSWERED_DAYS = 90
const DAY_MS = 24 * 60 * 60 * 1000
/** At most this many open questions are grouped (the newest). */
const UNANSWERED_LIMIT = 500
/** Two questions whose n-gram cosine is at least this are one group. */
const GROUP_SIMILARITY = 0.45

const sameQuestion = (a: string, b: string) => normaliseQuestion(a) === normaliseQuestion(b)

export async function recordFeedback(
  deps: Pick<FaqLearningDeps, 'asks' | 'clock'>,
  input: { askId: number; memberId: number; feedback: FaqFeedback },
): Promise<boolean> {
  return deps.asks.feedback({ ...input, at: deps.clock.now() })
}

async function askOrThrow(deps: Pick<FaqLearningDeps, 'asks'>, id: number): Promise<FaqAsk> {
  const ask = await deps.asks.find(id)
  if (!ask) throw new FaqAskNotFound()
  return ask
}

/** The open asks with the same question (folded), so one teaching takes them all in. */
async function sameOpenAsks(
  deps: FaqLearningDeps,
  ask: FaqAsk,
  also: readonly number[] = [],
): Promise<number[]> {
  const open = await deps.asks.openUnanswered({
    since: deps.clock.now() - UNANSWERED_DAYS * DAY_MS,
    limit: UNANSWERED_LIMIT,
  })
  const wanted = new Set(also)
  return [
    ask.id,
    ...open
      .filter((a) => a.id !== ask.id && (wanted.has(a.id) || sameQuestion(a.text, ask.text)))
      .map((a) => a.id),
  ]
}

/** Adds the customer's question to an entry's phrasings (no duplicate), audited. */
export async function addAskToEntry(
  deps: FaqLearningDeps,
  input: { askId: number; entryId: number; staffId: number; alsoAskIds?: readonly number[] },
): Promise<FaqLearnResult> {
  const ask = await askOrThrow(deps, input.askId)
  const before = await deps.faq.find(input.entryId)
  if (!before) throw new FaqEntryNotFound()
  const question = ask.text.trim()
  let entry: FaqEntry = before
  if (!before.questions.some((q) => sameQuestion(q, question))) {
    if (Array.from(question).length > MAX_QUESTION) throw new FaqQuestionTooLong()
    if (before.questions.length >= MAX_PHRASINGS) throw new FaqPhrasingsFull()
    const updated = await deps.faq.update(
      before.id,
      {
        questions: [...before.questions, question],
        answer: before.answer,
        enabled: before.enabled,
      },
      deps.clock.now(),
    )
    if (!updated) throw new FaqEntryNotFound()
    entry = updated
    await deps.audit.record(
      {
        staffId: input.staffId,
        action: 'faq.learn_phrasing',
        targetType: 'faq_entry',
        targetId: String(entry.id),
        before,
        after: { ...entry, fromAsk: ask.id },
      },
      deps.clock.now(),
    )
  }
  const learned = await deps.asks.markLearned({
    askIds: await sameOpenAsks(deps, ask, input.alsoAskIds),
    entryId: entry.id,
    at: deps.clock.now(),
  })
  return { entry, learned }
}

/** A new entry: the customer's question (plus any phrasings staff add) and staff's answer. */
export async function newEntryFromAsk(
  deps: FaqLearningDeps,
  input: { askId: number; staffId: number } & FaqNewEntryFromAsk,
): Promise<FaqLearnResult> {
  const ask = await askOrThrow(deps, input.askId)
  const question = ask.text.trim()
  if (Array.from(question).length > MAX_QUESTION) throw new FaqQuestionTooLong()
  const questions = [question]
  for (const q of input.questions) if (!questions.some((p) => sameQuestion(p, q))) questions.push(q)
  const entry = await deps.faq.create(
    { questions: questions.slice(0, MAX_PHRASINGS), answer: input.answer, enabled: true },
    deps.clock.now(),
  )
  await deps.audit.record(
    {
      staffId: input.staffId,
      action: 'faq.create',
      targetType: 'faq_entry',
      targetId: String(entry.id),
      before: null,
      after: { ...entry, fromAsk: ask.id },
    },
    deps.clock.now(),
  )
  const learned = await deps.asks.markLearned({
    askIds: await sameOpenAsks(deps, ask, input.alsoAskIds),
    entryId: entry.id,
    at: deps.clock.now(),
  })
  return { entry, learned }
}

/** Questions that need no entry (greetings, one-off requests): off the list, audited. */
export async function dismissAsks(
  deps: FaqLearningDeps,
  input: { askIds: readonly number[]; staffId: number },
): Promise<number> {
  const dismissed = await deps.asks.dismiss({ askIds: input.askIds, at: deps.clock.now() })
  if (dismissed > 0)
    await deps.audit.record(
      {
        staffId: input.staffId,
        action: 'faq.dismiss_unanswered',
        targetType: 'faq_ask',
        targetId: null,
        before: null,
        after: { askIds: input.askIds, dismissed },
      },
      deps.clock.now(),
    )
  return dismissed
}

type Vector = { weights: Map<string, number>; norm: number }

const KANA_ONLY = /^[\p{Script=Hiragana}ー]+$/u

function cosine(a: Vector, b: Vector): number {
  if (a.norm === 0 || b.norm === 0) return 0
  let dot = 0
  for (const [g, w] of a.weights) dot += w * (b.weights.get(g) ?? 0)
  return dot / (a.norm * b.norm)
}

const itemOf = (ask: FaqAsk): FaqAskItem => ({
  id: ask.id,
  text: ask.text,
  createdAt: ask.createdAt,
})

/**
 * The open hand-overs of the last 90 days grouped by similarity (character n-grams of the normalised
 * questions; a question joins the first group whose first question is similar enough),
 * most asked first, each with the entry closest to it.
 */
export async function unansweredGroups(deps: FaqLearningDeps): Promise<FaqUnansweredList> {
  const asks = await deps.asks.openUnanswered({
    since: deps.clock.now() - UNANSWERED_DAYS * DAY_MS,
    limit: UNANSWERED_LIMIT,
  })
  // Plain n-gram counts: a handful of questions is too few to learn IDF from (it would weigh
  // down exactly the words similar questions share); kana-only n-grams (inflection) count half.
  const vectors: Vector[] = asks.map((a) => {
    const weights = new Map<string, number>()
    let sq = 0
    for (const [g, tf] of ngrams(normaliseQuestion(a.text))) {
      const w = (1 + Math.log(tf)) * (KANA_ONLY.test(g) ? 0.5 : 1)
      weights.set(g, w)
      sq += w * w
    }
    return { weights, norm: Math.sqrt(sq) }
  })
  const groups: { head: number; members: number[] }[] = []
  asks.forEach((_, i) => {
    const group = groups.find((g) => cosine(vectors[g.head]!, vectors[i]!) >= GROUP_SIMILARITY)
    if (group) group.members.push(i)
    else groups.push({ head: i, members: [i] })
  })
  const ordered = groups.sort(
    (a, b) =>
      b.members.length - a.members.length || asks[a.head]!.createdAt - asks[b.head]!.createdAt,
  )
  const result: FaqUnansweredGroup[] = []
  for (const g of ordered) {
    const items = g.members.map((i) => asks[i]!)
    // The most typical question: the one most similar to the rest of its group.
    let typical = g.head
    let bestSum = -1
    for (const i of g.members.slice(0, 50)) {
      let sum = 0
      for (const j of g.members.slice(0, 50)) if (i !== j) sum += cosine(vectors[i]!, vectors[j]!)
      if (sum > bestSum) {
        bestSum = sum
        typical = i
      }
    }
    const text = asks[typical]!.text
    const { match } = await deps.answerer.tryOut(text)
    const closest =
      match.best && match.suggestions.some((s) => s.entryId === match.best!.entryId)
        ? { entryId: match.best.entryId, question: match.best.question, score: match.best.score }
        : null
    result.push({
      text,
      asks: items.slice(0, 20).map(itemOf),
      count: items.length,
      members: new Set(items.map((a) => a.memberId)).size,
      latestAt: Math.max(...items.map((a) => a.createdAt)),
      closest,
    })
  }
  return { groups: result, total: asks.length, days: UNANSWERED_DAYS }
}

/** The member's open questions, for the inbox thread's 「FAQに追加」 buttons. */
export async function memberOpenAsks(
  deps: Pick<FaqLearningDeps, 'asks' | 'clock'>,
  memberId: number,
): Promise<FaqAskItem[]> {
  const asks = await deps.asks.openUnanswered({
    since: deps.clock.now() - UNANSWERED_DAYS * DAY_MS,
    limit: 100,
    memberId,
  })
  return asks.map(itemOf)
}

/** Per entry: answered, resolved and escalated over the last `days` days. */
export async function entryFigures(
  deps: Pick<FaqLearningDeps, 'asks' | 'clock'>,
  days = UNANSWERED_DAYS,
) {
  return { figures: await deps.asks.figures({ since: deps.clock.now() - days * DAY_MS }), days }
}

export class StarterSetNotFound extends DomainError {
  constructor() {
    super(404, 'faq_starter_set_not_found', 'このテンプレートは見つかりません。')
  }
}

/**
 * Adds the picked entries of a starter set, switched off (their 【】 parts are the shop's own
 * facts to fill in first). An entry whose first question the shop already has is skipped.
 */
export async function applyStarterSet(
  deps: Pick<FaqLearningDeps, 'faq' | 'audit' | 'clock'>,
  input: { type: string; keys: readonly string[]; staffId: number },
): Promise<{ created: FaqEntry[]; skipped: number }> {
  const set = starterSet(input.type)
  if (!set) throw new StarterSetNotFound()
  const existing = await deps.faq.list()
  const have = new Set(existing.flatMap((e) => e.questions.map(normaliseQuestion)))
  const created: FaqEntry[] = []
  let skipped = 0
  for (const starter of set.entries.filter((e) => input.keys.includes(e.key))) {
    if (have.has(normaliseQuestion(starter.questions[0] ?? ''))) {
      skipped++
      continue
    }
    const entry = await deps.faq.create(
      { questions: starter.questions, answer: starter.answer, enabled: false },
      deps.clock.now(),
    )
    await deps.audit.record(
      {
        staffId: input.staffId,
        action: 'faq.create',
        targetType: 'faq_entry',
        targetId: String(entry.id),
        before: null,
        after: { ...entry, fromStarter: `${set.type}/${starter.key}` },
      },
      deps.clock.now(),
    )
    created.push(entry)
  }
  return { created, skipped }
}
