import { z } from 'zod'
import { IsoDateSchema, type Locale } from './common.ts'
import { CouponViewSchema } from './coupons.ts'

/**
 * Surveys: definitions staff write, the answers members give (mini-app form and chat mode), and
 * what the console shows. `validateSurveyAnswers` is the one rule set both the server and the
 * mini-app apply, so an inline message and a 400 always say the same thing.
 */

export const SURVEY_QUESTION_TYPES = [
  'single',
  'multiple',
  'rating',
  'nps',
  'text',
  'date',
] as const
export type SurveyQuestionType = (typeof SURVEY_QUESTION_TYPES)[number]

export const SURVEY_STATUSES = ['draft', 'open', 'closed'] as const
export const SurveyStatusSchema = z.enum(SURVEY_STATUSES)
export type SurveyStatus = z.infer<typeof SurveyStatusSchema>

export const SURVEY_CHANNELS = ['liff', 'chat'] as const
export type SurveyChannel = (typeof SURVEY_CHANNELS)[number]

export const RATING_MIN = 1
export const RATING_MAX = 5
export const NPS_MIN = 0
export const NPS_MAX = 10
export const TEXT_MAX_LENGTH = 2000
export const DEFAULT_ALERT_NPS_AT_OR_BELOW = 6
export const DEFAULT_ALERT_RATING_AT_OR_BELOW = 2

/** Question and option IDs: stable strings chosen by the editor (e.g. 'q1', 'opt-visit'). */
export const SurveyItemIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,40}$/, 'ID は英数字・-・_ の 1〜40 文字にしてください')

/** What choosing an option does to the member: tags added, attributes set (source 'survey:<id>'). */
export const OptionMappingSchema = z.object({
  tags: z
    .array(z.string().trim().min(1, 'タグ名を入力してください').max(30, 'タグ名は30文字以内です'))
    .max(10, 'タグは1つの選択肢につき10個までです')
    .optional(),
  attributes: z
    .array(
      z.object({
        key: z.string().trim().min(1, '属性名を入力してください').max(40, '属性名は40文字以内です'),
        value: z
          .string()
          .trim()
          .min(1, '属性の値を入力してください')
          .max(100, '属性の値は100文字以内です'),
      }),
    )
    .max(10, '属性は1つの選択肢につき10個までです')
    .optional(),
})
export type OptionMapping = z.infer<typeof OptionMappingSchema>

export const SurveyOptionSchema = z.object({
  id: SurveyItemIdSchema,
  label: z.string().trim().min(1, '選択肢を入力してください').max(80, '選択肢は80文字以内です'),
  /** Staff only: stripped from what members receive. */
  mapping: OptionMappingSchema.optional(),
})
export type SurveyOption = z.infer<typeof SurveyOptionSchema>

const QuestionBase = z.object({
  id: SurveyItemIdSchema,
  label: z.string().trim().min(1, '質問文を入力してください').max(200, '質問文は200文字以内です'),
  description: z.string().trim().max(500, '補足は500文字以内です').optional(),
  required: z.boolean().default(true),
})

const Options = z
  .array(SurveyOptionSchema)
  .min(2, '選択肢は2つ以上にしてください')
  .max(20, '選択肢は20個までです')

const ScaleLabel = z.string().trim().max(20, 'ラベルは20文字以内です').optional()

export const SingleQuestionSchema = QuestionBase.extend({
  type: z.literal('single'),
  options: Options,
})
export const MultipleQuestionSchema = QuestionBase.extend({
  type: z.literal('multiple'),
  options: Options,
  /** At least this many choices when answered (a required question needs ≥ 1 anyway). */
  minChoices: z.number().int().min(1).max(20).nullable().default(null),
  maxChoices: z.number().int().min(1).max(20).nullable().default(null),
})
/** 1–5 stars. */
export const RatingQuestionSchema = QuestionBase.extend({
  type: z.literal('rating'),
  lowLabel: ScaleLabel,
  highLabel: ScaleLabel,
})
/** 0–10, "how likely are you to recommend us". */
export const NpsQuestionSchema = QuestionBase.extend({
  type: z.literal('nps'),
  lowLabel: ScaleLabel,
  highLabel: ScaleLabel,
})
type RatingQuestion = z.infer<typeof RatingQuestionSchema>
type NpsQuestion = z.infer<typeof NpsQuestionSchema>
/**
 * The words at the two ends of a rating (1–5) or NPS (0–10) scale when staff left them blank:
 * the one source for the chat's 「1 = …、5 = …」 line and the mini-app's scale ends, so the two
 * cannot drift apart (issue 15).
 */
export const SURVEY_SCALE_LABELS = {
  ja: {
    rating: { low: 'とても不満', high: 'とても満足' },
    nps: { low: 'まったくおすすめしない', high: 'ぜひおすすめしたい' },
  },
  en: {
    rating: { low: 'Very dissatisfied', high: 'Very satisfied' },
    nps: { low: 'Not at all likely', high: 'Extremely likely' },
  },
} as const satisfies Record<Locale, Record<'rating' | 'nps', { low: string; high: string }>>

/** A scale question's end labels as members see them: the staff's own words, else the defaults. */
export function surveyScaleLabels(
  question: Pick<RatingQuestion | NpsQuestion, 'type' | 'lowLabel' | 'highLabel'>,
  locale: Locale,
): { low: string; high: string } {
  const defaults = SURVEY_SCALE_LABELS[locale][question.type]
  return {
    low: question.lowLabel?.trim() || defaults.low,
    high: question.highLabel?.trim() || defaults.high,
  }
}

export const TextQuestionSchema = QuestionBase.extend({
  type: z.literal('text'),
  maxLength: z.number().int().min(1).max(TEXT_MAX_LENGTH).default(500),
  multiline: z.boolean().default(true),
})
/** A calendar date, answered as YYYY-MM-DD. */
export const DateQuestionSchema = QuestionBase.extend({ type: z.literal('date') })

export const SurveyQuestionSchema = z.discriminatedUnion('type', [
  SingleQuestionSchema,
  MultipleQuestionSchema,
  RatingQuestionSchema,
  NpsQuestionSchema,
  TextQuestionSchema,
  DateQuestionSchema,
])
export type SurveyQuestion = z.infer<typeof SurveyQuestionSchema>
/** What the editor may send (defaults not yet applied). */
export type SurveyQuestionInput = z.input<typeof SurveyQuestionSchema>

export const SurveyQuestionsSchema = z
  .array(SurveyQuestionSchema)
  .min(1, '質問を1つ以上入れてください')
  .max(30, '質問は30個までです')
  .superRefine((questions, ctx) => {
    const ids = new Set<string>()
    questions.forEach((q, i) => {
      if (ids.has(q.id))
        ctx.addIssue({
          code: 'custom',
          path: [i, 'id'],
          message: `質問 ID「${q.id}」が重複しています`,
        })
      ids.add(q.id)
      if (q.type !== 'single' && q.type !== 'multiple') return
      const optionIds = new Set<string>()
      q.options.forEach((o, j) => {
        if (optionIds.has(o.id))
          ctx.addIssue({
            code: 'custom',
            path: [i, 'options', j, 'id'],
            message: `選択肢 ID「${o.id}」が重複しています`,
          })
        optionIds.add(o.id)
      })
      if (q.type !== 'multiple') return
      if (q.maxChoices !== null && q.maxChoices > q.options.length)
        ctx.addIssue({
          code: 'custom',
          path: [i, 'maxChoices'],
          message: '選べる数の上限は選択肢の数以下にしてください',
        })
      if (q.minChoices !== null && q.maxChoices !== null && q.minChoices > q.maxChoices)
        ctx.addIssue({
          code: 'custom',
          path: [i, 'minChoices'],
          message: '選べる数の下限は上限以下にしてください',
        })
      if (q.minChoices !== null && q.minChoices > q.options.length)
        ctx.addIssue({
          code: 'custom',
          path: [i, 'minChoices'],
          message: '選べる数の下限は選択肢の数以下にしてください',
        })
    })
  })

/** Once per member, or once per N days (periods counted from the survey's first opening). */
export const SurveyPolicySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('once') }),
  z.object({
    kind: z.literal('every_n_days'),
    days: z
      .number()
      .int()
      .min(1, '日数は1以上にしてください')
      .max(3650, '日数は3650以下にしてください'),
  }),
])
export type SurveyPolicy = z.infer<typeof SurveyPolicySchema>

/** A response at or below a threshold alerts staff and opens a support conversation; null = off. */
export const SurveyAlertsSchema = z.object({
  npsAtOrBelow: z.number().int().min(NPS_MIN).max(NPS_MAX).nullable(),
  ratingAtOrBelow: z.number().int().min(RATING_MIN).max(RATING_MAX).nullable(),
})
export type SurveyAlerts = z.infer<typeof SurveyAlertsSchema>

/** POST /api/staff/surveys and PUT /api/staff/surveys/:id (the whole definition each time). */
export const SurveyDefinitionSchema = z
  .object({
    title: z
      .string()
      .trim()
      .min(1, 'タイトルを入力してください')
      .max(60, 'タイトルは60文字以内です'),
    intro: z.string().trim().max(1000, '説明は1,000文字以内です').default(''),
    questions: SurveyQuestionsSchema,
    rewardTemplateId: z.number().int().positive().nullable().default(null),
    policy: SurveyPolicySchema.default({ kind: 'once' }),
    /** Epoch ms; null = from when it is opened / until it is closed. */
    opensAt: z.number().int().nonnegative().nullable().default(null),
    closesAt: z.number().int().positive().nullable().default(null),
    alerts: SurveyAlertsSchema.default({
      npsAtOrBelow: DEFAULT_ALERT_NPS_AT_OR_BELOW,
      ratingAtOrBelow: DEFAULT_ALERT_RATING_AT_OR_BELOW,
    }),
  })
  .superRefine((s, ctx) => {
    if (s.opensAt !== null && s.closesAt !== null && s.closesAt <= s.opensAt)
      ctx.addIssue({
        code: 'custom',
        path: ['closesAt'],
        message: '終了日時は開始日時より後にしてください',
      })
  })
export type SurveyDefinition = z.infer<typeof SurveyDefinitionSchema>
export type SurveyDefinitionInput = z.input<typeof SurveyDefinitionSchema>

// ── Answers ──────────────────────────────────────────────────────────────────────────────────

/** single: option ID; multiple: option IDs; rating / nps: integer; text: string; date: YYYY-MM-DD. */
export const SurveyAnswerValueSchema = z.union([
  z.string().max(10_000),
  z.array(z.string().max(40)).max(20),
  z.number(),
  z.null(),
])
export type SurveyAnswerValue = z.infer<typeof SurveyAnswerValueSchema>

/** questionId → value; absent or null = unanswered. */
export const SurveyAnswersSchema = z
  .record(z.string().max(40), SurveyAnswerValueSchema)
  .refine((a) => Object.keys(a).length <= 30, '回答が多すぎます')
export type SurveyAnswers = z.infer<typeof SurveyAnswersSchema>

/** POST /api/liff/surveys/:id/responses and PUT /api/liff/surveys/:id/draft */
export const SurveySubmitSchema = z.object({ answers: SurveyAnswersSchema })
export type SurveySubmit = z.infer<typeof SurveySubmitSchema>

/** questionId → the message to show under that question (Japanese). Empty = valid. */
export type SurveyAnswerErrors = Record<string, string>

/** Whether a value counts as an answer (empty text and empty selections do not). */
export function isAnswered(value: SurveyAnswerValue | undefined): boolean {
  if (value === undefined || value === null) return false
  if (typeof value === 'string') return value.trim().length > 0
  if (Array.isArray(value)) return value.length > 0
  return true
}

/** For the progress indication: how many questions have an answer. */
export function countAnswered(
  questions: readonly SurveyQuestion[],
  answers: SurveyAnswers,
): number {
  return questions.filter((q) => isAnswered(answers[q.id])).length
}

function isIsoDate(value: string): boolean {
  return IsoDateSchema.safeParse(value).success
}

function isIntegerIn(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max
}

/** The message for one question's value, or null when it is fine. */
export function validateSurveyAnswer(
  question: SurveyQuestion,
  value: SurveyAnswerValue | undefined,
  options: { requireAll: boolean },
): string | null {
  if (!isAnswered(value)) {
    return options.requireAll && question.required ? 'この質問は回答必須です' : null
  }
  switch (question.type) {
    case 'single': {
      if (typeof value !== 'string') return '選択肢を1つ選んでください'
      return question.options.some((o) => o.id === value) ? null : '選択肢が正しくありません'
    }
    case 'multiple': {
      if (!Array.isArray(value)) return '選択肢を選んでください'
      if (new Set(value).size !== value.length) return '同じ選択肢が重複しています'
      if (!value.every((id) => question.options.some((o) => o.id === id)))
        return '選択肢が正しくありません'
      if (question.minChoices !== null && value.length < question.minChoices)
        return `${question.minChoices}つ以上選んでください`
      if (question.maxChoices !== null && value.length > question.maxChoices)
        return `${question.maxChoices}つまで選べます`
      return null
    }
    case 'rating':
      return isIntegerIn(value, RATING_MIN, RATING_MAX)
        ? null
        : `${RATING_MIN}〜${RATING_MAX} の中から選んでください`
    case 'nps':
      return isIntegerIn(value, NPS_MIN, NPS_MAX)
        ? null
        : `${NPS_MIN}〜${NPS_MAX} の中から選んでください`
    case 'text': {
      if (typeof value !== 'string') return '文字で入力してください'
      const length = [...value.trim()].length
      return length > question.maxLength
        ? `${question.maxLength.toLocaleString('ja-JP')}文字以内で入力してください（今は${length.toLocaleString('ja-JP')}文字）`
        : null
    }
    case 'date':
      return typeof value === 'string' && isIsoDate(value)
        ? null
        : '日付を正しく入力してください（例: 2026-04-01）'
  }
}

/**
 * Checks answers against a survey version: choice IDs, ranges, lengths, choice counts, dates and
 * (with `requireAll`) required questions. Answers to questions the version does not have are
 * errors too. Returns questionId → Japanese message; an empty object means valid.
 */
export function validateSurveyAnswers(
  questions: readonly SurveyQuestion[],
  answers: SurveyAnswers,
  options: { requireAll: boolean },
): SurveyAnswerErrors {
  const errors: SurveyAnswerErrors = {}
  const known = new Set(questions.map((q) => q.id))
  for (const id of Object.keys(answers)) {
    if (!known.has(id)) errors[id] = 'この質問はアンケートにありません'
  }
  for (const question of questions) {
    const message = validateSurveyAnswer(question, answers[question.id], options)
    if (message !== null) errors[question.id] = message
  }
  return errors
}

/** Drops unanswered entries and trims text, so what is stored is exactly what was answered. */
export function normalizeSurveyAnswers(
  questions: readonly SurveyQuestion[],
  answers: SurveyAnswers,
): SurveyAnswers {
  const out: SurveyAnswers = {}
  for (const q of questions) {
    const value = answers[q.id]
    if (!isAnswered(value) || value === undefined) continue
    out[q.id] = typeof value === 'string' ? value.trim() : value
  }
  return out
}

/** The questions as members receive them: option mappings (tags, attributes) removed. */
export function publicQuestions(questions: readonly SurveyQuestion[]): SurveyQuestion[] {
  return questions.map((q) =>
    q.type === 'single' || q.type === 'multiple'
      ? { ...q, options: q.options.map(({ mapping: _m, ...o }) => o) }
      : q,
  )
}

/** NPS band of a 0–10 score: 9–10 promoter, 7–8 passive, 0–6 detractor. */
export function npsBand(score: number): 'promoter' | 'passive' | 'detractor' {
  if (score >= 9) return 'promoter'
  if (score >= 7) return 'passive'
  return 'detractor'
}

/** NPS = % promoters − % detractors, rounded to an integer; null without responses. */
export function npsScore(counts: { promoters: number; passives: number; detractors: number }) {
  const total = counts.promoters + counts.passives + counts.detractors
  if (total === 0) return null
  return Math.round(((counts.promoters - counts.detractors) * 100) / total)
}

// ── Member API (/api/liff/surveys) ─────────────────────────────────────────────────────────────

export const SurveyIdParamSchema = z.object({
  id: z
    .string()
    .regex(/^[1-9]\d{0,9}$/, 'アンケート ID が正しくありません')
    .transform(Number),
})

export const SurveyRewardSchema = z.object({
  templateId: z.number().int(),
  title: z.string(),
})
export type SurveyReward = z.infer<typeof SurveyRewardSchema>

/** One open survey on the mini-app home. */
export const MemberSurveySummarySchema = z.object({
  id: z.number().int(),
  title: z.string(),
  intro: z.string(),
  questionCount: z.number().int(),
  closesAt: z.number().int().nullable(),
  reward: SurveyRewardSchema.nullable(),
  /** Answered in the current period (ever, for 'once'). */
  answered: z.boolean(),
  /** every_n_days: when the member may answer again; null otherwise. */
  nextAvailableAt: z.number().int().nullable(),
  /** A saved draft / chat position exists. */
  hasDraft: z.boolean(),
})
export type MemberSurveySummary = z.infer<typeof MemberSurveySummarySchema>

/** GET /api/liff/surveys */
export const MemberSurveyListSchema = z.object({ surveys: z.array(MemberSurveySummarySchema) })
export type MemberSurveyList = z.infer<typeof MemberSurveyListSchema>

/** GET /api/liff/surveys/:id — the current version (no mappings) and the saved draft. */
export const MemberSurveySchema = MemberSurveySummarySchema.extend({
  versionId: z.number().int(),
  questions: z.array(SurveyQuestionSchema),
  /** The answers saved so far (mini-app draft or chat mode), or null. */
  draft: SurveyAnswersSchema.nullable(),
})
export type MemberSurvey = z.infer<typeof MemberSurveySchema>

/** PUT /api/liff/surveys/:id/draft → 200 */
export const SurveyDraftSavedSchema = z.object({ savedAt: z.number().int() })
export type SurveyDraftSaved = z.infer<typeof SurveyDraftSavedSchema>

/** POST /api/liff/surveys/:id/responses → 201 */
export const SurveySubmitResultSchema = z.object({
  responseId: z.number().int(),
  submittedAt: z.number().int(),
  /** The reward coupon, already in the member's coupon list; null without one. */
  reward: CouponViewSchema.nullable(),
  /** Set when the survey has a reward but it could not be issued (stock out, template ended…). */
  rewardUnavailable: z.string().nullable(),
})
export type SurveySubmitResult = z.infer<typeof SurveySubmitResultSchema>

/**
 * Error codes of the survey APIs: 400 invalid_answers (details: [{ path: 'answers.<questionId>',
 * message }]), 404 survey_not_found, 409 survey_not_open, 409 survey_already_answered
 * (nextAvailableAt for every_n_days), 409 survey_locked (staff: an edit that is not allowed).
 */
export const SURVEY_ERROR_CODES = [
  'invalid_answers',
  'survey_not_found',
  'survey_not_open',
  'survey_already_answered',
  'survey_locked',
] as const

// ── Staff API (/api/staff/surveys) ─────────────────────────────────────────────────────────────

export const SurveyVersionInfoSchema = z.object({
  id: z.number().int(),
  version: z.number().int(),
  createdAt: z.number().int(),
  responseCount: z.number().int(),
})
export type SurveyVersionInfo = z.infer<typeof SurveyVersionInfoSchema>

/** GET /api/staff/surveys → { surveys } */
export const StaffSurveySummarySchema = z.object({
  id: z.number().int(),
  title: z.string(),
  status: SurveyStatusSchema,
  version: z.number().int(),
  questionCount: z.number().int(),
  responseCount: z.number().int(),
  rewardTemplateId: z.number().int().nullable(),
  policy: SurveyPolicySchema,
  opensAt: z.number().int().nullable(),
  closesAt: z.number().int().nullable(),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
})
export type StaffSurveySummary = z.infer<typeof StaffSurveySummarySchema>
export const StaffSurveyListSchema = z.object({ surveys: z.array(StaffSurveySummarySchema) })
export type StaffSurveyList = z.infer<typeof StaffSurveyListSchema>

/** GET /api/staff/surveys/:id (also the answer to POST, PUT, open and close). */
export const StaffSurveySchema = z.object({
  id: z.number().int(),
  title: z.string(),
  intro: z.string(),
  status: SurveyStatusSchema,
  questions: z.array(SurveyQuestionSchema),
  rewardTemplateId: z.number().int().nullable(),
  policy: SurveyPolicySchema,
  opensAt: z.number().int().nullable(),
  closesAt: z.number().int().nullable(),
  alerts: SurveyAlertsSchema,
  currentVersionId: z.number().int(),
  version: z.number().int(),
  /** Every version, newest first, each with its response count. */
  versions: z.array(SurveyVersionInfoSchema),
  responseCount: z.number().int(),
  /** The mini-app page for this survey (for a chat button or a deep link). */
  liffUrl: z.string(),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
})
export type StaffSurvey = z.infer<typeof StaffSurveySchema>

/** GET /api/staff/surveys/:id/results?versionId&tierId&from&to&q (also the CSV export's filters). */
export const SurveyResultsQuerySchema = z
  .object({
    /** Default: the current version. */
    versionId: z.coerce.number().int().positive().optional(),
    tierId: z.coerce.number().int().positive().optional(),
    /** Shop-local dates, inclusive. */
    from: IsoDateSchema.optional(),
    to: IsoDateSchema.optional(),
    /** Searches the free-text answers (the text lists only). */
    q: z.string().trim().max(100).optional(),
  })
  .refine((v) => !v.from || !v.to || v.from <= v.to, {
    path: ['to'],
    message: '終了日は開始日以降にしてください',
  })
export type SurveyResultsQuery = z.infer<typeof SurveyResultsQuerySchema>

const QuestionResultBase = z.object({
  questionId: z.string(),
  label: z.string(),
  /** Responses that answered this question. */
  answeredCount: z.number().int(),
})

export const ChoiceResultSchema = QuestionResultBase.extend({
  type: z.enum(['single', 'multiple']),
  options: z.array(
    z.object({
      optionId: z.string(),
      label: z.string(),
      count: z.number().int(),
      /** count / answeredCount (0 when nobody answered). */
      share: z.number(),
    }),
  ),
})
export const RatingResultSchema = QuestionResultBase.extend({
  type: z.literal('rating'),
  /** Rounded to 2 decimals; null without answers. */
  average: z.number().nullable(),
  /** value 1..5 → count, all five present. */
  distribution: z.array(z.object({ value: z.number().int(), count: z.number().int() })),
})
export const NpsResultSchema = QuestionResultBase.extend({
  type: z.literal('nps'),
  /** −100..100; null without answers. */
  score: z.number().int().nullable(),
  promoters: z.number().int(),
  passives: z.number().int(),
  detractors: z.number().int(),
  /** value 0..10 → count, all eleven present. */
  distribution: z.array(z.object({ value: z.number().int(), count: z.number().int() })),
})
export const TextResultSchema = QuestionResultBase.extend({
  type: z.literal('text'),
  /** Newest first, matching `q`, at most 200 (`matchedCount` says how many matched). */
  answers: z.array(
    z.object({
      responseId: z.number().int(),
      memberNumber: z.string(),
      text: z.string(),
      submittedAt: z.number().int(),
    }),
  ),
  matchedCount: z.number().int(),
})
export const DateResultSchema = QuestionResultBase.extend({
  type: z.literal('date'),
  /** YYYY-MM-DD → count, ascending. */
  distribution: z.array(z.object({ value: z.string(), count: z.number().int() })),
})
export const SurveyQuestionResultSchema = z.union([
  ChoiceResultSchema,
  RatingResultSchema,
  NpsResultSchema,
  TextResultSchema,
  DateResultSchema,
])
export type SurveyQuestionResult = z.infer<typeof SurveyQuestionResultSchema>

export const SurveyResultsSchema = z.object({
  surveyId: z.number().int(),
  versionId: z.number().int(),
  version: z.number().int(),
  versions: z.array(SurveyVersionInfoSchema),
  /** Responses to this version matching the filters. */
  responseCount: z.number().int(),
  /** Members who could answer: following friends (in the tier, when filtered by tier). */
  eligibleCount: z.number().int(),
  /** responseCount / eligibleCount, 0..1 (0 when nobody is eligible). */
  responseRate: z.number(),
  /** Responses that raised a low-score alert. */
  lowScoreCount: z.number().int(),
  questions: z.array(SurveyQuestionResultSchema),
})
export type SurveyResults = z.infer<typeof SurveyResultsSchema>
