import { isAnswered, type SurveyAnswers } from '@joren/shared'

/** The parts of a question the progress bar needs. */
export interface ProgressQuestion {
  id: string
  required: boolean
}

/**
 * Answered required questions out of all required ones (what the sticky bar shows). A survey with
 * no required question counts its answered questions out of all of them instead.
 */
export function requiredProgress(
  questions: readonly ProgressQuestion[],
  answers: SurveyAnswers,
): { answered: number; total: number; ratio: number } {
  const required = questions.filter((q) => q.required)
  const counted = required.length > 0 ? required : questions
  const answered = counted.filter((q) => isAnswered(answers[q.id])).length
  const total = counted.length
  return { answered, total, ratio: total === 0 ? 1 : answered / total }
}
