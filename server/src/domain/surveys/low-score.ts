import type { SurveyAnswers, SurveyQuestion } from '@joren/shared'
import { clip } from '../clip.ts'
import { lowScoreReasons } from './policy.ts'
import type { SurveyRepository } from './store.ts'

/**
 * One definition of a low score and one staff alert per response (issue 17): the survey's own
 * alert thresholds decide "low" (stored as the response's low_score flag when it is submitted),
 * and whichever path raises the alert — the survey's closed loop or a "low survey score → staff"
 * journey — raises it under the same key, so the staff_alerts UNIQUE dedupe key keeps one row.
 */

/** The staff alert's dedupe key for a response, shared by every path that raises it. */
export const lowScoreAlertKey = (responseId: number) => `low_score:${responseId}`

export interface LowScoreCase {
  responseId: number
  memberId: number
  surveyId: number
  surveyTitle: string
  /** What tripped the thresholds, e.g. 「おすすめ度」NPS 3. */
  reasons: string[]
  /** The member's free-text answers (a date answer is text too, but not a comment). */
  comments: string[]
  at: number
}

/** How many characters of a member's comment a staff alert quotes. */
const COMMENT_CHARS = 200

/** The member's free-text answers, in question order, blank ones left out. */
export function commentsOf(questions: readonly SurveyQuestion[], answers: SurveyAnswers): string[] {
  const out: string[] = []
  for (const q of questions) {
    if (q.type !== 'text') continue
    const value = answers[q.id]
    if (typeof value === 'string' && value.trim() !== '') out.push(value)
  }
  return out
}

/** The one staff alert text of a low score, in Japanese: the survey, the scores, the comment quoted. */
export function lowScoreSummary(input: {
  surveyTitle: string
  reasons: string[]
  comments: string[]
}): string {
  const comment = input.comments.join(' / ').replace(/\s+/g, ' ').trim()
  const quoted =
    comment === '' ? 'コメントはありません' : `コメント「${clip(comment, COMMENT_CHARS)}」`
  const reasons = input.reasons.length > 0 ? input.reasons.join('、') : '基準以下のスコア'
  return `アンケート「${input.surveyTitle}」で低い評価がありました: ${reasons}。${quoted}。フォローをお願いします。`
}

/**
 * The response's low-score case, or null when it is not low by its survey's thresholds (or is
 * gone). Reasons are recomputed from the version the member answered and the survey's thresholds.
 */
export async function lowScoreCaseOf(
  surveys: Pick<SurveyRepository, 'response' | 'find' | 'version'>,
  responseId: number,
): Promise<LowScoreCase | null> {
  const response = await surveys.response(responseId)
  if (!response || !response.lowScore) return null
  const survey = await surveys.find(response.surveyId)
  const version = await surveys.version(response.versionId)
  if (!survey || !version) return null
  return {
    responseId: response.id,
    memberId: response.memberId,
    surveyId: survey.id,
    surveyTitle: survey.title,
    reasons: lowScoreReasons(version.questions, response.answers, survey.alerts),
    comments: commentsOf(version.questions, response.answers),
    at: response.submittedAt,
  }
}
