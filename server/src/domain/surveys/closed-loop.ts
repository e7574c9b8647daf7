import { openConversation } from '../support/handover.ts'
import type { SurveyDeps } from './deps.ts'
import { commentsOf, lowScoreAlertKey, lowScoreSummary, type LowScoreCase } from './low-score.ts'
import { lowScoreReasons } from './policy.ts'

export type { LowScoreCase } from './low-score.ts'

const DAY_MS = 24 * 60 * 60 * 1000
/** The retry leaves fresh responses to the submit path that is following them up right now. */
const RETRY_AFTER_MS = 60_000
const RETRY_WINDOW_MS = 7 * DAY_MS

/**
 * The closed loop: opens (or reuses) the member's support conversation and raises a staff alert
 * in one commit, idempotent by 'low_score:<responseId>' (the key a low-score journey raises under
 * too: one alert per response whichever path comes first). Runs after the response committed; a
 * failure is logged and left to `retryLowScoreFollowUps`. Returns whether it completed.
 */
export async function followUpLowScore(
  deps: Pick<SurveyDeps, 'support' | 'logger'>,
  input: Omit<LowScoreCase, 'surveyId'>,
): Promise<boolean> {
  if (!deps.support) return false
  try {
    await openConversation(deps.support, {
      memberId: input.memberId,
      reason: 'low_score',
      at: input.at,
      alert: {
        kind: 'low_score',
        surveyResponseId: input.responseId,
        summary: lowScoreSummary(input),
        dedupeKey: lowScoreAlertKey(input.responseId),
      },
    })
    return true
  } catch (error) {
    deps.logger.error('low-score follow-up failed; the periodic job will retry', {
      responseId: input.responseId,
      error: String(error),
    })
    return false
  }
}

/**
 * The periodic retry: low-score responses of the last 7 days (older than a minute) without their
 * alert get followed up again. Returns how many completed.
 */
export async function retryLowScoreFollowUps(deps: SurveyDeps, limit = 20): Promise<number> {
  if (!deps.support) return 0
  const now = deps.now()
  const pending = await deps.surveys.lowScoresWithoutAlert(
    now - RETRY_WINDOW_MS,
    now - RETRY_AFTER_MS,
    limit,
  )
  let done = 0
  for (const response of pending) {
    const survey = await deps.surveys.find(response.surveyId)
    const version = await deps.surveys.version(response.versionId)
    if (!survey || !version) continue
    const reasons = lowScoreReasons(version.questions, response.answers, survey.alerts)
    const ok = await followUpLowScore(deps, {
      responseId: response.id,
      memberId: response.memberId,
      surveyTitle: survey.title,
      reasons,
      comments: commentsOf(version.questions, response.answers),
      at: response.submittedAt,
    })
    if (ok) done++
  }
  return done
}
