import {
  normalizeSurveyAnswers,
  validateSurveyAnswer,
  type SurveyAnswers,
  type SurveyAnswerValue,
  type SurveyQuestion,
} from '@joren/shared'

/** A saved value kept only when it still fits the question (its type, its option IDs). */
function fits(question: SurveyQuestion, value: SurveyAnswerValue | undefined): boolean {
  if (value === undefined || value === null) return false
  switch (question.type) {
    case 'single':
      return typeof value === 'string' && question.options.some((o) => o.id === value)
    case 'multiple':
      return Array.isArray(value) && value.every((id) => question.options.some((o) => o.id === id))
    case 'rating':
    case 'nps':
      return typeof value === 'number' && Number.isInteger(value)
    case 'text':
    case 'date':
      return typeof value === 'string'
  }
}

/**
 * The answers to start the form with: the saved draft (from an earlier visit, or from chat mode,
 * which shares the session row), keeping only values that fit this version's questions. An
 * unknown question or option (the survey got a new version meanwhile) is dropped rather than
 * shown as an error the member cannot fix. Multiple choices keep the order of the options.
 */
export function restoreDraft(
  questions: readonly SurveyQuestion[],
  draft: SurveyAnswers | null,
): SurveyAnswers {
  const restored: SurveyAnswers = {}
  if (!draft) return restored
  for (const question of questions) {
    const value = draft[question.id]
    if (!fits(question, value)) continue
    if (question.type === 'multiple' && Array.isArray(value)) {
      restored[question.id] = question.options.map((o) => o.id).filter((id) => value.includes(id))
    } else if (value !== undefined) {
      restored[question.id] = value
    }
  }
  return restored
}

/** Toggles `optionId` in a multiple-choice answer, keeping the options' order. */
export function toggleChoice(
  optionIds: readonly string[],
  current: SurveyAnswerValue | undefined,
  optionId: string,
): string[] {
  const chosen = new Set(Array.isArray(current) ? current : [])
  if (chosen.has(optionId)) chosen.delete(optionId)
  else chosen.add(optionId)
  return optionIds.filter((id) => chosen.has(id))
}

/**
 * What to save as the draft: the answers so far, trimmed, without any the server would refuse
 * (an over-long text, too many choices): one unfinished answer must not lose the others.
 */
export function draftToSave(
  questions: readonly SurveyQuestion[],
  answers: SurveyAnswers,
): SurveyAnswers {
  const normalized = normalizeSurveyAnswers(questions, answers)
  const draft: SurveyAnswers = {}
  for (const question of questions) {
    const value = normalized[question.id]
    if (value === undefined) continue
    if (validateSurveyAnswer(question, value, { requireAll: false }) === null)
      draft[question.id] = value
  }
  return draft
}
