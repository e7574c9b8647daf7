import type {
  FaqEntry,
  FaqEntryInput,
  FaqEntryList,
  FaqTryResult,
  KeywordRule,
  KeywordRuleInput,
  KeywordRuleList,
} from '@joren/shared'
import type { StaffActor } from '../audit/audit.ts'
import type { UnitOfWork } from '../unit-of-work.ts'
import { FaqEntryNotFound, KeywordRuleNotFound } from './errors.ts'
import type { FaqAnswerer } from './answerer.ts'
import type { FaqCandidate } from './matcher.ts'
import type { FaqStore, KeywordRuleStore } from './store.ts'

export interface FaqServiceDeps {
  faq: FaqStore
  keywordRules: KeywordRuleStore
  uow: UnitOfWork
  now(): number
  /** The bot's own matcher (shared with the chat router), for the try-out. */
  answerer: FaqAnswerer
}

/** What the bot would do with a message: the bot's own answerer, its decision explained. */
export async function tryFaq(answerer: FaqAnswerer, text: string): Promise<FaqTryResult> {
  const { match, entry } = await answerer.tryOut(text)
  const answering = entry && match.best ? match.best : null
  const pick = ({ entryId, question, score }: FaqCandidate) => ({ entryId, question, score })
  return {
    outcome: match.outcome,
    answer: answering && entry ? { ...pick(answering), answer: entry.answer } : null,
    candidates: match.candidates.map(pick),
    confidence: match.confidence,
    threshold: answerer.answerAt(),
    margin: match.margin,
    normalised: match.normalised,
    ...answerer.describe(),
  }
}

const entryFields = (input: FaqEntryInput) => ({
  questions: input.questions,
  answer: input.answer,
  enabled: input.enabled,
})

const ruleFields = (input: KeywordRuleInput) => ({
  match: input.match,
  pattern: input.pattern,
  reply: input.reply,
  priority: input.priority,
  enabled: input.enabled,
})

/**
 * The FAQ entries and keyword rules staff edit (support.manage), and the try-out. Every change
 * commits with its audit row (before and after as the entry / rule reads).
 */
export function createFaqService(deps: FaqServiceDeps) {
  const { faq, keywordRules, uow } = deps

  async function requireEntry(id: number): Promise<FaqEntry> {
    const entry = await faq.find(id)
    if (!entry) throw new FaqEntryNotFound()
    return entry
  }

  async function requireRule(id: number): Promise<KeywordRule> {
    const rule = await keywordRules.find(id)
    if (!rule) throw new KeywordRuleNotFound()
    return rule
  }

  return {
    entries: async (): Promise<FaqEntryList> => ({ entries: await faq.list() }),

    entry: requireEntry,

    try: (text: string) => tryFaq(deps.answerer, text),

    async createEntry(actor: StaffActor, input: FaqEntryInput): Promise<FaqEntry> {
      const now = deps.now()
      const inserted = faq.inserted()
      await uow.commit([
        faq.createWrite(input, now),
        uow.audit({
          staffId: actor.id,
          action: 'faq.create',
          targetType: 'faq_entry',
          targetId: inserted.id,
          before: null,
          after: {
            id: inserted.id,
            ...entryFields(input),
            createdAt: now,
            updatedAt: inserted.updatedAt,
          },
        }),
      ])
      const entry = await faq.latestMatching(input)
      if (!entry) throw new Error('FAQ entry committed but not found')
      return entry
    },

    async updateEntry(actor: StaffActor, id: number, input: FaqEntryInput): Promise<FaqEntry> {
      const before = await requireEntry(id)
      await uow.commit([
        faq.updateWrite(id, input, deps.now()),
        uow.audit(
          {
            staffId: actor.id,
            action: 'faq.update',
            targetType: 'faq_entry',
            targetId: String(id),
            before,
            after: {
              id,
              ...entryFields(input),
              createdAt: before.createdAt,
              updatedAt: faq.updatedAtOf(id),
            },
          },
          { onlyIfChanged: true },
        ),
      ])
      return requireEntry(id)
    },

    async removeEntry(actor: StaffActor, id: number): Promise<void> {
      const before = await requireEntry(id)
      await uow.commit([
        faq.removeWrite(id),
        uow.audit(
          {
            staffId: actor.id,
            action: 'faq.delete',
            targetType: 'faq_entry',
            targetId: String(id),
            before,
            after: null,
          },
          { onlyIfChanged: true },
        ),
      ])
    },

    rules: async (): Promise<KeywordRuleList> => ({ rules: await keywordRules.list() }),

    rule: requireRule,

    async createRule(actor: StaffActor, input: KeywordRuleInput): Promise<KeywordRule> {
      const now = deps.now()
      const id = keywordRules.insertedId()
      await uow.commit([
        keywordRules.createWrite(input, now),
        uow.audit({
          staffId: actor.id,
          action: 'keyword_rule.create',
          targetType: 'keyword_rule',
          targetId: id,
          before: null,
          after: { id, ...ruleFields(input), createdAt: now, updatedAt: now },
        }),
      ])
      const rule = await keywordRules.latestMatching(input)
      if (!rule) throw new Error('keyword rule committed but not found')
      return rule
    },

    async updateRule(actor: StaffActor, id: number, input: KeywordRuleInput): Promise<KeywordRule> {
      const before = await requireRule(id)
      const now = deps.now()
      await uow.commit([
        keywordRules.updateWrite(id, input, now),
        uow.audit(
          {
            staffId: actor.id,
            action: 'keyword_rule.update',
            targetType: 'keyword_rule',
            targetId: String(id),
            before,
            after: { id, ...ruleFields(input), createdAt: before.createdAt, updatedAt: now },
          },
          { onlyIfChanged: true },
        ),
      ])
      return requireRule(id)
    },

    async removeRule(actor: StaffActor, id: number): Promise<void> {
      const before = await requireRule(id)
      await uow.commit([
        keywordRules.removeWrite(id),
        uow.audit(
          {
            staffId: actor.id,
            action: 'keyword_rule.delete',
            targetType: 'keyword_rule',
            targetId: String(id),
            before,
            after: null,
          },
          { onlyIfChanged: true },
        ),
      ])
    },
  }
}

export type FaqService = ReturnType<typeof createFaqService>
