import {
  DEFAULT_ALERT_NPS_AT_OR_BELOW,
  DEFAULT_ALERT_RATING_AT_OR_BELOW,
  SurveyDefinitionSchema,
  type OptionMapping,
  type StaffSurvey,
  type SurveyDefinitionInput,
  type SurveyQuestion,
  type SurveyQuestionInput,
  type SurveyQuestionType,
} from '@joren/shared'

/** The editor keeps every field as typed (strings), and turns it into a definition on save. */
export interface AttributeForm {
  key: string
  value: string
}

export interface OptionForm {
  id: string
  label: string
  /** Tag names, comma separated. */
  tags: string
  attributes: AttributeForm[]
}

export interface QuestionForm {
  id: string
  type: SurveyQuestionType
  label: string
  description: string
  required: boolean
  options: OptionForm[]
  minChoices: string
  maxChoices: string
  maxLength: string
  multiline: boolean
  lowLabel: string
  highLabel: string
}

export interface SurveyForm {
  title: string
  intro: string
  questions: QuestionForm[]
  rewardTemplateId: string
  policy: 'once' | 'every_n_days'
  policyDays: string
  /** YYYY-MM-DD in the shop's zone, or ''. */
  opensOn: string
  closesOn: string
  alertNps: string
  alertRating: string
}

/** The shop's zone (Asia/Tokyo has no daylight saving: a fixed +09:00). */
const SHOP_OFFSET = '+09:00'
const SHOP_OFFSET_MS = 9 * 3600_000

export const dayStart = (date: string) => Date.parse(`${date}T00:00:00${SHOP_OFFSET}`)
export const dayEnd = (date: string) => Date.parse(`${date}T23:59:59.999${SHOP_OFFSET}`)
/** Epoch ms → the shop's calendar date, YYYY-MM-DD. */
export const shopDate = (ms: number) => new Date(ms + SHOP_OFFSET_MS).toISOString().slice(0, 10)

/** `prefix` + the smallest number not yet taken: q1, q2 … / o1, o2 … */
export function nextId(prefix: string, taken: Iterable<string>): string {
  const used = new Set(taken)
  for (let n = 1; ; n++) if (!used.has(`${prefix}${n}`)) return `${prefix}${n}`
}

export function emptyOption(taken: Iterable<string>, label = ''): OptionForm {
  return { id: nextId('o', taken), label, tags: '', attributes: [] }
}

export function emptyQuestion(type: SurveyQuestionType, taken: Iterable<string>): QuestionForm {
  const first = emptyOption([])
  return {
    id: nextId('q', taken),
    type,
    label: '',
    description: '',
    required: true,
    options: type === 'single' || type === 'multiple' ? [first, emptyOption([first.id])] : [],
    minChoices: '',
    maxChoices: '',
    maxLength: '500',
    multiline: true,
    lowLabel: '',
    highLabel: '',
  }
}

/** A new type keeps the text and, between choice types, the options (with their IDs). */
export function changeType(question: QuestionForm, type: SurveyQuestionType): QuestionForm {
  const choice = type === 'single' || type === 'multiple'
  const options =
    choice && question.options.length === 0 ? emptyQuestion(type, []).options : question.options
  return { ...question, type, options: choice ? options : [] }
}

export function move<T>(list: readonly T[], from: number, to: number): T[] {
  if (to < 0 || to >= list.length || from === to) return [...list]
  const next = [...list]
  const [item] = next.splice(from, 1)
  next.splice(to, 0, item as T)
  return next
}

export const EMPTY_FORM: SurveyForm = {
  title: '',
  intro: '',
  questions: [emptyQuestion('single', [])],
  rewardTemplateId: '',
  policy: 'once',
  policyDays: '30',
  opensOn: '',
  closesOn: '',
  alertNps: String(DEFAULT_ALERT_NPS_AT_OR_BELOW),
  alertRating: String(DEFAULT_ALERT_RATING_AT_OR_BELOW),
}

const text = (value: number | null | undefined) => (value == null ? '' : String(value))

function optionForms(question: SurveyQuestion): OptionForm[] {
  if (question.type !== 'single' && question.type !== 'multiple') return []
  return question.options.map((o) => ({
    id: o.id,
    label: o.label,
    tags: (o.mapping?.tags ?? []).join(', '),
    attributes: (o.mapping?.attributes ?? []).map((a) => ({ ...a })),
  }))
}

export function toQuestionForm(question: SurveyQuestion): QuestionForm {
  return {
    ...emptyQuestion(question.type, []),
    id: question.id,
    label: question.label,
    description: question.description ?? '',
    required: question.required,
    options: optionForms(question),
    minChoices: question.type === 'multiple' ? text(question.minChoices) : '',
    maxChoices: question.type === 'multiple' ? text(question.maxChoices) : '',
    maxLength: question.type === 'text' ? String(question.maxLength) : '500',
    multiline: question.type === 'text' ? question.multiline : true,
    lowLabel:
      question.type === 'rating' || question.type === 'nps' ? (question.lowLabel ?? '') : '',
    highLabel:
      question.type === 'rating' || question.type === 'nps' ? (question.highLabel ?? '') : '',
  }
}

export function toForm(survey: StaffSurvey): SurveyForm {
  return {
    title: survey.title,
    intro: survey.intro,
    questions: survey.questions.map(toQuestionForm),
    rewardTemplateId: text(survey.rewardTemplateId),
    policy: survey.policy.kind,
    policyDays: survey.policy.kind === 'every_n_days' ? String(survey.policy.days) : '30',
    opensOn: survey.opensAt === null ? '' : shopDate(survey.opensAt),
    closesOn: survey.closesAt === null ? '' : shopDate(survey.closesAt),
    alertNps: text(survey.alerts.npsAtOrBelow),
    alertRating: text(survey.alerts.ratingAtOrBelow),
  }
}

/** '' → null; anything else → a number (NaN stays, so the schema names the field). */
const numberOrNull = (value: string) => (value.trim() === '' ? null : Number(value))

function mappingOf(option: OptionForm): OptionMapping | undefined {
  const tags = option.tags
    .split(/[,、，]/)
    .map((t) => t.trim())
    .filter(Boolean)
  const attributes = option.attributes.filter((a) => a.key.trim() || a.value.trim())
  if (tags.length === 0 && attributes.length === 0) return undefined
  return {
    ...(tags.length ? { tags } : {}),
    ...(attributes.length ? { attributes } : {}),
  }
}

export function toQuestionInput(q: QuestionForm): SurveyQuestionInput {
  const base = {
    id: q.id,
    label: q.label,
    required: q.required,
    ...(q.description.trim() ? { description: q.description } : {}),
  }
  const options = q.options.map((o) => {
    const mapping = mappingOf(o)
    return { id: o.id, label: o.label, ...(mapping ? { mapping } : {}) }
  })
  const scale = {
    ...(q.lowLabel.trim() ? { lowLabel: q.lowLabel } : {}),
    ...(q.highLabel.trim() ? { highLabel: q.highLabel } : {}),
  }
  switch (q.type) {
    case 'single':
      return { ...base, type: 'single', options }
    case 'multiple':
      return {
        ...base,
        type: 'multiple',
        options,
        minChoices: numberOrNull(q.minChoices),
        maxChoices: numberOrNull(q.maxChoices),
      }
    case 'rating':
      return { ...base, type: 'rating', ...scale }
    case 'nps':
      return { ...base, type: 'nps', ...scale }
    case 'text':
      return { ...base, type: 'text', maxLength: Number(q.maxLength), multiline: q.multiline }
    case 'date':
      return { ...base, type: 'date' }
  }
}

/** The body of POST /api/staff/surveys and PUT /api/staff/surveys/:id. */
export function toDefinition(form: SurveyForm): SurveyDefinitionInput {
  return {
    title: form.title,
    intro: form.intro,
    questions: form.questions.map(toQuestionInput),
    rewardTemplateId: numberOrNull(form.rewardTemplateId),
    policy:
      form.policy === 'once'
        ? { kind: 'once' }
        : { kind: 'every_n_days', days: Number(form.policyDays) },
    opensAt: form.opensOn ? dayStart(form.opensOn) : null,
    closesAt: form.closesOn ? dayEnd(form.closesOn) : null,
    alerts: {
      npsAtOrBelow: numberOrNull(form.alertNps),
      ratingAtOrBelow: numberOrNull(form.alertRating),
    },
  }
}

/** Issues keyed by their dotted path ('questions.0.options.1.label'); the first per path wins. */
export type EditorErrors = Record<string, string>

export function issuesByPath(
  issues: readonly { path: readonly PropertyKey[] | string; message: string }[],
): EditorErrors {
  const errors: EditorErrors = {}
  for (const issue of issues) {
    const key = typeof issue.path === 'string' ? issue.path : issue.path.map(String).join('.')
    errors[key] ??= issue.message
  }
  return errors
}

/** The shared schema's Japanese messages for the form, before anything is sent. */
export function checkForm(form: SurveyForm): EditorErrors {
  const parsed = SurveyDefinitionSchema.safeParse(toDefinition(form))
  return parsed.success ? {} : issuesByPath(parsed.error.issues)
}
