import type {
  FaqAskItem,
  FaqEntry,
  FaqLearnResult,
  FaqNewEntryFromAsk,
  FaqUnansweredGroup,
  FaqUnansweredList,
} from '@joren/shared'
import type { StaffActor } from '../audit/audit.ts'
import { DomainError } from '../errors.ts'
import type { Clock } from '../ports.ts'
import type { FaqAnswerer } from './answerer.ts'
import type { FaqAsk, FaqAskStore, FaqFeedback } from './asks.ts'
import { ngrams } from './char-ngrams.ts'
import { FaqEntryNotFound } from './errors.ts'
import { normaliseQuestion } from './normalise.ts'
import { STARTER_SETS, starterSet } from './starter-sets.ts'
import type { FaqStore } from './store.ts'
import type { UnitOfWork } from '../unit-of-work.ts'

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
  uow: UnitOfWork
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

/** Adds the customer's question to an entry's phrasings (no duplicate), audited in the same commit. */
export async function addAskToEntry(
  deps: FaqLearningDeps,
  actor: StaffActor,
  input: { askId: number; entryId: number; alsoAskIds?: readonly number[] },
): Promise<FaqLearnResult> {
  const ask = await askOrThrow(deps, input.askId)
  const before = await deps.faq.find(input.entryId)
  if (!before) throw new FaqEntryNotFound()
  const question = ask.text.trim()
  const askIds = await sameOpenAsks(deps, ask, input.alsoAskIds)
  const now = deps.clock.now()
  const markLearned = deps.asks.markLearnedWrite({ askIds, entryId: before.id, at: now })
  if (before.questions.some((q) => sameQuestion(q, question))) {
    await deps.uow.commit([markLearned])
    return { entry: before, learned: askIds.length }
  }
  if (Array.from(question).length > MAX_QUESTION) throw new FaqQuestionTooLong()
  if (before.questions.length >= MAX_PHRASINGS) throw new FaqPhrasingsFull()
  const phrased = {
    questions: [...before.questions, question],
    answer: before.answer,
    enabled: before.enabled,
  }
  await deps.uow.commit([
    deps.faq.updateWrite(before.id, phrased, now),
    deps.uow.audit({
      staffId: actor.id,
      action: 'faq.learn_phrasing',
      targetType: 'faq_entry',
      targetId: String(before.id),
      before,
      after: {
        id: before.id,
        ...phrased,
        createdAt: before.createdAt,
        updatedAt: deps.faq.updatedAtOf(before.id),
        fromAsk: ask.id,
      },
    }),
    markLearned,
  ])
  const entry = await deps.faq.find(before.id)
  if (!entry) throw new FaqEntryNotFound()
  return { entry, learned: askIds.length }
}

/** Creates an entry with its audit row in one commit; the asks it answers are marked in it too. */
async function createEntry(
  deps: FaqLearningDeps,
  actor: StaffActor,
  input: { questions: string[]; answer: string; enabled: boolean },
  origin: Record<string, unknown>,
  askIds: readonly number[] = [],
): Promise<FaqEntry> {
  const now = deps.clock.now()
  const inserted = deps.faq.inserted()
  await deps.uow.commit([
    deps.faq.createWrite(input, now),
    // An update leaves last_insert_rowid() alone: the audit row below still sees the new entry.
    ...(askIds.length > 0
      ? [deps.asks.markLearnedWrite({ askIds, entryId: inserted.id, at: now })]
      : []),
    deps.uow.audit({
      staffId: actor.id,
      action: 'faq.create',
      targetType: 'faq_entry',
      targetId: inserted.id,
      before: null,
      after: {
        id: inserted.id,
        ...input,
        createdAt: now,
        updatedAt: inserted.updatedAt,
        ...origin,
      },
    }),
  ])
  const entry = await deps.faq.latestMatching(input)
  if (!entry) throw new Error('FAQ entry committed but not found')
  return entry
}

/** A new entry: the customer's question (plus any phrasings staff add) and staff's answer. */
export async function newEntryFromAsk(
  deps: FaqLearningDeps,
  actor: StaffActor,
  input: { askId: number } & FaqNewEntryFromAsk,
): Promise<FaqLearnResult> {
  const ask = await askOrThrow(deps, input.askId)
  const question = ask.text.trim()
  if (Array.from(question).length > MAX_QUESTION) throw new FaqQuestionTooLong()
  const questions = [question]
  for (const q of input.questions) if (!questions.some((p) => sameQuestion(p, q))) questions.push(q)
  const askIds = await sameOpenAsks(deps, ask, input.alsoAskIds)
  const entry = await createEntry(
    deps,
    actor,
    { questions: questions.slice(0, MAX_PHRASINGS), answer: input.answer, enabled: true },
    { fromAsk: ask.id },
    askIds,
  )
  return { entry, learned: askIds.length }
}

/** Questions that need no entry (greetings, one-off requests): off the list, audited. */
export async function dismissAsks(
  deps: FaqLearningDeps,
  actor: StaffActor,
  askIds: readonly number[],
): Promise<number> {
  const now = deps.clock.now()
  const wanted = new Set(askIds)
  const open = await deps.asks.openUnanswered({
    since: now - UNANSWERED_DAYS * DAY_MS,
    limit: UNANSWERED_LIMIT,
  })
  const dismissing = open.filter((a) => wanted.has(a.id)).map((a) => a.id)
  if (dismissing.length === 0) return 0
  await deps.uow.commit([
    deps.asks.dismissWrite({ askIds: dismissing, at: now }),
    deps.uow.audit(
      {
        staffId: actor.id,
        action: 'faq.dismiss_unanswered',
        targetType: 'faq_ask',
        targetId: null,
        before: null,
        after: { askIds: dismissing, dismissed: dismissing.length },
      },
      { onlyIfChanged: true },
    ),
  ])
  return dismissing.length
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
  deps: FaqLearningDeps,
  actor: StaffActor,
  input: { type: string; keys: readonly string[] },
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
    created.push(
      await createEntry(
        deps,
        actor,
        { questions: [...starter.questions], answer: starter.answer, enabled: false },
        { fromStarter: `${set.type}/${starter.key}` },
      ),
    )
  }
  return { created, skipped }
}

/** The staff side of learning: what the console's FAQ screens and the inbox thread call. */
export function createFaqLearningService(deps: FaqLearningDeps) {
  return {
    unanswered: () => unansweredGroups(deps),
    figures: () => entryFigures(deps),
    memberAsks: async (memberId: number) => ({ asks: await memberOpenAsks(deps, memberId) }),
    dismiss: (actor: StaffActor, askIds: readonly number[]) => dismissAsks(deps, actor, askIds),
    addAskToEntry: (
      actor: StaffActor,
      askId: number,
      input: { entryId: number; alsoAskIds?: readonly number[] },
    ) => addAskToEntry(deps, actor, { ...input, askId }),
    newEntryFromAsk: (actor: StaffActor, askId: number, input: FaqNewEntryFromAsk) =>
      newEntryFromAsk(deps, actor, { ...input, askId }),
    starterSets: () => ({ sets: STARTER_SETS.map((s) => ({ ...s })) }),
    applyStarterSet: (actor: StaffActor, type: string, keys: readonly string[]) =>
      applyStarterSet(deps, actor, { type, keys }),
  }
}

export type FaqLearningService = ReturnType<typeof createFaqLearningService>
