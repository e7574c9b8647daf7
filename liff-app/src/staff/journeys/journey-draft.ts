import {
  JourneyDraftSchema,
  type JourneyDraft,
  type JourneyStepCondition,
  type JourneySummary,
  type JourneyTrigger,
} from '@joren/shared'
import { newKey, type EditableMessage } from '../broadcasts/draft.ts'

/** A step as the editor holds it: numbers as typed, `key` keeps each step's state on reorder. */
export interface EditableStep {
  key: number
  days: string
  hours: string
  /** 'HH:MM' shop time, or '' for "days and hours after". */
  at: string
  condition: JourneyStepCondition
  messages: EditableMessage[]
  surveyId: number | null
}

export interface JourneyForm {
  name: string
  trigger: JourneyTrigger
  audienceSegmentId: number | null
  steps: EditableStep[]
  goalKind: 'purchase' | 'none'
  goalDays: string
  holdoutPercent: string
  priority: string
}

const toNumber = (text: string) => (text.trim() === '' ? Number.NaN : Number(text))

export function emptyStep(): EditableStep {
  return {
    key: newKey(),
    days: '1',
    hours: '0',
    at: '11:00',
    condition: 'always',
    messages: [{ key: newKey(), type: 'text', text: '' }],
    surveyId: null,
  }
}

export function emptyJourneyForm(): JourneyForm {
  return {
    name: '',
    trigger: { kind: 'follow', includeRefollow: false },
    audienceSegmentId: null,
    steps: [emptyStep()],
    goalKind: 'purchase',
    goalDays: '14',
    holdoutPercent: '0',
    priority: '50',
  }
}

/** A saved journey into the form. */
export function fromJourney(journey: JourneySummary): JourneyForm {
  return {
    name: journey.name,
    trigger: journey.trigger,
    audienceSegmentId: journey.audienceSegmentId,
    steps: journey.steps.map((step) => ({
      key: newKey(),
      days: String(step.wait.days),
      hours: String(step.wait.hours),
      at: step.wait.at ?? '',
      condition: step.condition,
      messages: step.messages.map((m) =>
        m.type === 'text'
          ? { key: newKey(), type: 'text', text: m.text }
          : m.type === 'image'
            ? { key: newKey(), type: 'image', url: m.originalContentUrl }
            : { key: newKey(), type: 'coupon', templateId: m.templateId },
      ),
      surveyId: step.surveyId,
    })),
    goalKind: journey.goal.kind,
    goalDays: String(journey.goal.days),
    holdoutPercent: String(journey.holdoutPercent),
    priority: String(journey.priority),
  }
}

/** The API body for the form (not yet validated: JourneyDraftSchema does that). */
export function toJourneyDraft(form: JourneyForm): JourneyDraft {
  return {
    name: form.name,
    trigger: form.trigger,
    audienceSegmentId: form.audienceSegmentId,
    steps: form.steps.map((step) => ({
      wait: {
        days: toNumber(step.days),
        hours: step.at === '' ? toNumber(step.hours) : 0,
        at: step.at === '' ? null : step.at,
      },
      condition: step.condition,
      messages: step.messages.map((m) =>
        m.type === 'text'
          ? { type: 'text' as const, text: m.text }
          : m.type === 'image'
            ? {
                type: 'image' as const,
                originalContentUrl: m.url.trim(),
                previewImageUrl: m.url.trim(),
              }
            : { type: 'coupon' as const, templateId: m.templateId ?? 0 },
      ),
      surveyId: step.surveyId,
    })),
    goal: { kind: form.goalKind, days: toNumber(form.goalDays) },
    holdoutPercent: toNumber(form.holdoutPercent),
    priority: toNumber(form.priority),
  }
}

/**
 * Problems by field: `name`, `trigger`, `goal`, `holdoutPercent`, `priority`, `steps` (the list),
 * `steps.<i>` (a step's wait or branch) and `steps.<i>.messages.<j>` (one message of a step).
 */
export type JourneyErrors = Partial<Record<string, string>>

export function journeyIssues(
  issues: readonly { path: readonly PropertyKey[] | string; message: string }[],
): JourneyErrors {
  const errors: JourneyErrors = {}
  for (const issue of issues) {
    const path = typeof issue.path === 'string' ? issue.path.split('.') : issue.path.map(String)
    const [field = '', step, part, index] = path
    const key =
      field !== 'steps' || step === undefined
        ? field
        : part === 'messages' && index !== undefined
          ? `steps.${step}.messages.${index}`
          : part === 'messages'
            ? `steps.${step}.messages`
            : `steps.${step}`
    errors[key] ??= issue.message
  }
  return errors
}

/** Validates the form with the server's own schema; `errors` is empty when it may be saved. */
export function checkJourney(form: JourneyForm) {
  const draft = toJourneyDraft(form)
  const result = JourneyDraftSchema.safeParse(draft)
  return { draft, errors: result.success ? {} : journeyIssues(result.error.issues) }
}

/** The message editor's per-message errors for one step (`messages.<j>` keys). */
export function stepMessageErrors(errors: JourneyErrors, step: number): JourneyErrors {
  const out: JourneyErrors = {}
  const prefix = `steps.${step}.messages`
  for (const [key, message] of Object.entries(errors)) {
    if (key === prefix) out.messages = message
    else if (key.startsWith(`${prefix}.`)) out[`messages.${key.slice(prefix.length + 1)}`] = message
  }
  return out
}
