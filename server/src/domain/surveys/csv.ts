import type { SurveyAnswers, SurveyQuestion } from '@joren/shared'
import { csvLine } from '../csv.ts'
import { shopDateTime } from '../time.ts'

export { csvField, csvLine, UTF8_BOM } from '../csv.ts'

export function csvHeader(questions: readonly SurveyQuestion[]): string {
  return csvLine(['会員番号', '回答日時', ...questions.map((q) => q.label)])
}

/** What a question's answer looks like in a cell: option labels, the number, the text, the date. */
export function answerCell(question: SurveyQuestion, value: SurveyAnswers[string] | undefined) {
  if (value === undefined || value === null) return ''
  if (question.type === 'single' || question.type === 'multiple') {
    const ids = Array.isArray(value) ? value : [String(value)]
    return ids.map((id) => question.options.find((o) => o.id === id)?.label ?? id).join('、')
  }
  return Array.isArray(value) ? value.join('、') : String(value)
}

/** One response as a CSV line: member number, submitted at (shop time), one cell per question. */
export function csvRow(
  questions: readonly SurveyQuestion[],
  response: { memberNumber: string; submittedAt: number; answers: SurveyAnswers },
  timeZone: string,
): string {
  return csvLine([
    response.memberNumber,
    shopDateTime(response.submittedAt, timeZone),
    ...questions.map((q) => answerCell(q, response.answers[q.id])),
  ])
}
