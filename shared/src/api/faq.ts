import { z } from 'zod'
import { ComposerImageSchema, ComposerTextSchema } from './composer.ts'
import { unsafePatternReason } from './faq-regex.ts'

export * from './faq-regex.ts'

// ── FAQ entries: /api/staff/faq ──────────────────────────────────────────────────────────────

const QuestionSchema = z
  .string()
  .trim()
  .min(1, '質問を入力してください')
  .max(100, '質問は 100 文字以内にしてください')

/** POST /api/staff/faq and PUT /api/staff/faq/:id (the whole entry). */
export const FaqEntryInputSchema = z.object({
  /** The question as customers ask it, and its variants (other wordings, synonyms). */
  questions: z
    .array(QuestionSchema)
    .min(1, '質問を1つ以上入力してください')
    .max(20, '質問の言い換えは 20 個までです'),
  answer: z
    .string()
    .trim()
    .min(1, '回答を入力してください')
    .max(2000, '回答は 2,000 文字以内にしてください'),
  enabled: z.boolean().default(true),
})
export type FaqEntryInput = z.infer<typeof FaqEntryInputSchema>

export const FaqEntrySchema = z.object({
  id: z.number().int().positive(),
  questions: z.array(z.string()),
  answer: z.string(),
  enabled: z.boolean(),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
})
export type FaqEntry = z.infer<typeof FaqEntrySchema>

/** GET /api/staff/faq */
export interface FaqEntryList {
  entries: FaqEntry[]
}

/** POST /api/staff/faq/try: which entry would answer this message (for the editor). */
export const FaqTrySchema = z.object({
  text: z
    .string()
    .trim()
    .min(1, '試す文を入力してください')
    .max(1000, '1,000 文字以内にしてください'),
})
export type FaqTry = z.infer<typeof FaqTrySchema>

export interface FaqCandidate {
  entryId: number
  /** The variant that matched best. */
  question: string
  /** Similarity 0–1. */
  score: number
}

export interface FaqTryResult {
  /** What the bot would do with this message: answer with an entry, or hand over to staff. */
  outcome: 'answer' | 'hand_over'
  /** The entry that would answer (null when the bot would hand over). */
  answer: (FaqCandidate & { answer: string }) | null
  /** The best few entries with their scores, best first, whether or not they pass. */
  candidates: FaqCandidate[]
  /** How sure the bot is that the best entry is the right answer (0–1, calibrated). */
  confidence: number
  /** The confidence the bot needs to answer (below it, it hands over). */
  threshold: number
  /** The best entry's lead over the runner-up (score points). */
  margin: number
  /** The normalised text the matcher compared (kana, width and polite endings folded). */
  normalised: string
  /** The word analyser (lindera-ipadic on Node, intl-segmenter on Workers) and embedding model. */
  analyser: string | null
  embeddings: string | null
}

// ── Keyword rules: /api/staff/keyword-rules ──────────────────────────────────────────────────

export const KEYWORD_MATCH_TYPES = ['exact', 'contains', 'regex'] as const
export const KeywordMatchSchema = z.enum(KEYWORD_MATCH_TYPES)
export type KeywordMatch = z.infer<typeof KeywordMatchSchema>

/** A keyword rule replies with composer text and image messages (1–5). */
export const KeywordReplySchema = z
  .array(z.discriminatedUnion('type', [ComposerTextSchema, ComposerImageSchema]))
  .min(1, '返信メッセージを1件以上入れてください')
  .max(5, '返信メッセージは5件までです')
export type KeywordReply = z.infer<typeof KeywordReplySchema>

/**
 * POST /api/staff/keyword-rules and PUT /api/staff/keyword-rules/:id (the whole rule). Matching
 * compares folded text (full / half width, katakana / hiragana, case, spaces removed). A regex is
 * checked here, before it is saved: see faq-regex.ts for what is refused and why.
 */
export const KeywordRuleInputSchema = z
  .object({
    match: KeywordMatchSchema,
    pattern: z
      .string()
      .trim()
      .min(1, 'キーワードを入力してください')
      .max(200, 'キーワードは 200 文字以内にしてください'),
    reply: KeywordReplySchema,
    /** Higher first; equal priorities go in the order the rules were created. */
    priority: z.number().int().min(-1000).max(1000).default(0),
    enabled: z.boolean().default(true),
  })
  .superRefine((rule, ctx) => {
    rule.reply.forEach((message, i) => {
      if (message.type !== 'text') return
      const others = [...message.text.matchAll(/\{([a-z_]+)\}/g)].filter((m) => m[1] !== 'name')
      if (others.length > 0)
        ctx.addIssue({
          code: 'custom',
          path: ['reply', i, 'text'],
          message: `キーワードの返信で使える差し込みは {name} だけです（${others[0]![0]}）`,
        })
    })
    if (rule.match !== 'regex') return
    const reason = unsafePatternReason(rule.pattern)
    if (reason)
      ctx.addIssue({
        code: 'custom',
        path: ['pattern'],
        message: `この正規表現は使えません: ${reason}`,
      })
  })
export type KeywordRuleInput = z.infer<typeof KeywordRuleInputSchema>

export interface KeywordRule {
  id: number
  match: KeywordMatch
  pattern: string
  reply: KeywordReply
  priority: number
  enabled: boolean
  createdAt: number
  updatedAt: number
}

/** GET /api/staff/keyword-rules (priority order, the order they are tried). */
export interface KeywordRuleList {
  rules: KeywordRule[]
}

export const FaqIdParamSchema = z.object({ id: z.coerce.number().int().positive() })

// ── FAQ learning: /api/staff/faq-learning ─────────────────────────────────────────────────────

/** POST /api/staff/faq-learning/asks/:id/add-to-entry: the customer's question becomes a phrasing. */
/** Other open questions of the same group, taught with it (their wording is not added). */
const AlsoAskIdsSchema = z.array(z.number().int().positive()).max(500).default([])

export const FaqAddAskSchema = z.object({
  entryId: z.number().int().positive(),
  alsoAskIds: AlsoAskIdsSchema,
})
export type FaqAddAsk = z.infer<typeof FaqAddAskSchema>

/** POST /api/staff/faq-learning/asks/:id/new-entry: a new entry from the question and a reply. */
export const FaqNewEntryFromAskSchema = z.object({
  /** Usually the staff member's reply to the customer, edited. */
  answer: FaqEntryInputSchema.shape.answer,
  /** More phrasings besides the customer's own words (optional). */
  questions: z.array(QuestionSchema).max(19, '質問の言い換えは 20 個までです').default([]),
  alsoAskIds: AlsoAskIdsSchema,
})
export type FaqNewEntryFromAsk = z.infer<typeof FaqNewEntryFromAskSchema>

/** POST /api/staff/faq-learning/asks/dismiss: questions that need no entry. */
export const FaqDismissAsksSchema = z.object({
  askIds: z
    .array(z.number().int().positive())
    .min(1, '質問を選んでください')
    .max(500, '一度に 500 件までです'),
})
export type FaqDismissAsks = z.infer<typeof FaqDismissAsksSchema>

export const FaqAskIdParamSchema = z.object({ id: z.coerce.number().int().positive() })

/** GET /api/staff/faq-learning/asks?memberId=: the member's open questions (inbox thread). */
export const FaqAsksQuerySchema = z.object({ memberId: z.coerce.number().int().positive() })

export interface FaqAskItem {
  id: number
  text: string
  createdAt: number
}

export interface FaqMemberAsks {
  asks: FaqAskItem[]
}

/** One group of similar questions the bot could not answer. */
export interface FaqUnansweredGroup {
  /** The group's most typical question. */
  text: string
  /** Questions in the group, newest first (at most 20 shown). */
  asks: FaqAskItem[]
  count: number
  /** Different members who asked. */
  members: number
  latestAt: number
  /** The entry closest to the group, to add the questions to (null when none is close). */
  closest: FaqCandidate | null
}

/** GET /api/staff/faq-learning/unanswered */
export interface FaqUnansweredList {
  groups: FaqUnansweredGroup[]
  /** Open questions considered (the newest, within the window). */
  total: number
  days: number
}

/** GET /api/staff/faq-learning/figures: per entry, over the last `days` days. */
export interface FaqEntryFigures {
  entryId: number
  answered: number
  resolved: number
  escalated: number
}
export interface FaqFiguresList {
  figures: FaqEntryFigures[]
  days: number
}

/** The result of teaching: the entry as it is now and how many open questions it took in. */
export interface FaqLearnResult {
  entry: FaqEntry
  learned: number
}

// ── Starter FAQ sets: /api/staff/faq-starter ──────────────────────────────────────────────────

export interface FaqStarterEntry {
  key: string
  title: string
  questions: string[]
  answer: string
}
export interface FaqStarterSet {
  type: string
  name: string
  entries: FaqStarterEntry[]
}
/** GET /api/staff/faq-starter */
export interface FaqStarterSets {
  sets: FaqStarterSet[]
}

export const FaqStarterTypeParamSchema = z.object({
  type: z.string().regex(/^[a-z_]{1,30}$/, 'テンプレートの種類が正しくありません'),
})

/** POST /api/staff/faq-starter/:type: add these entries of the set (switched off). */
export const FaqApplyStarterSchema = z.object({
  keys: z
    .array(z.string().regex(/^[a-z_]{1,40}$/))
    .min(1, '追加するFAQを選んでください')
    .max(50),
})
export type FaqApplyStarter = z.infer<typeof FaqApplyStarterSchema>

export interface FaqApplyStarterResult {
  created: FaqEntry[]
  /** Entries the shop already had (same first question). */
  skipped: number
}
