import { openConversation } from '../support/handover.ts'
import type { SurveyDeps } from './deps.ts'
import { lowScoreReasons } from './policy.ts'

const DAY_MS = 24 * 60 * 60 * 1000
/** The retry leaves fresh responses to the submit path that is following them up right now. */
const RETRY_AFTER_MS = 60_000
const RETRY_WINDOW_MS = 7 * DAY_MS

export interface LowScoreCase {
  responseId: number
  memberId: number
  surveyTitle: string
  /** What tripped the thresholds, e.g. 「おすすめ度」NPS 3. */
  reasons: string[]
  at: number
}

export function lowScoreSummary(surveyTitle: string, reasons: string[]): string {
  return `アンケート「${surveyTitle}」で低い評価がありました: ${reasons.join('、')}。フォローをお願いします。`
}

/**
 * The closed loop: opens (or reuses) the member's support conversation and raises a staff alert
 * in one commit, idempotent by 'low_score:<responseId>'. Runs after the response committed; a
 * failure is logged and left to `retryLowScoreFollowUps`. Returns whether it completed.
 */
export async function followUpLowScore(
  deps: Pick<SurveyDeps, 'support' | 'logger'>,
  input: LowScoreCase,
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
        summary: lowScoreSummary(input.surveyTitle, input.reasons),
        dedupeKey: `low_score:${input.responseId}`,
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
      reasons: reasons.length > 0 ? reasons : ['基準以下のスコア'],
      at: response.submittedAt,
    })
    if (ok) done++
  }
  return done
}
