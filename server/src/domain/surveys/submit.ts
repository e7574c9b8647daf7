import {
  normalizeSurveyAnswers,
  validateSurveyAnswers,
  type SurveyAnswers,
  type SurveyChannel,
} from '@joren/shared'
import { issueCoupon, type PlannedStatement, type StoredCoupon } from '../coupons/coupons.ts'
import {
  constraintFailure,
  CouponMemberLimitReached,
  CouponOutsideWindow,
  CouponTemplateArchived,
  CouponTemplateNotFound,
  CouponTotalLimitReached,
} from '../coupons/errors.ts'
import { followUpLowScore } from './closed-loop.ts'
import { commentsOf } from './low-score.ts'
import { loadSurvey, type SurveyDeps, type SurveyMember } from './deps.ts'
import { InvalidSurveyAnswers, SurveyAlreadyAnswered, SurveyNotFound } from './errors.ts'
import {
  assertOpen,
  lowestScores,
  lowScoreReasons,
  mappingsOf,
  npsOf,
  responseSlot,
} from './policy.ts'
import type { StoredSurvey, StoredSurveyVersion } from './store.ts'

/** An open survey the member may answer now. */
export interface OpenSurvey {
  survey: StoredSurvey
  /** The current version: the questions to ask. */
  version: StoredSurveyVersion
  /** every_n_days: when the period after this one starts; null for 'once'. */
  nextAvailableAt: number | null
}

export interface SubmitResult {
  responseId: number
  submittedAt: number
  versionId: number
  /** The reward coupon, committed with the response; null when the survey has none. */
  reward: StoredCoupon | null
  /** Why a configured reward could not be issued (stock out, ended, per-member limit). */
  rewardUnavailable: string | null
  /** The response tripped an alert threshold (a conversation and a staff alert follow). */
  lowScore: boolean
}

/**
 * The survey the member may answer now, with the questions of its current version. Throws
 * SurveyNotFound (404; drafts are not shown to members), SurveyNotOpen (409: closed, not yet
 * open, ended) or SurveyAlreadyAnswered (409, with nextAvailableAt for every_n_days).
 */
export async function openSurveyFor(
  deps: SurveyDeps,
  surveyId: number,
  member: SurveyMember,
): Promise<OpenSurvey> {
  const { survey, version } = await loadSurvey(deps, surveyId)
  if (survey.status === 'draft') throw new SurveyNotFound()
  const now = deps.now()
  assertOpen(survey, now)
  const slot = responseSlot(survey, member.id, now, deps.timeZone)
  if (await deps.surveys.responseByDedupeKey(slot.dedupeKey))
    throw new SurveyAlreadyAnswered(slot.nextAvailableAt)
  return { survey, version, nextAvailableAt: slot.nextAvailableAt }
}

const MAX_ID_ATTEMPTS = 40

/**
 * Accepts one response: validated against the current version, then the response row, its
 * survey_answers rows, tag / attribute mappings, removal of the saved draft and the reward coupon
 * commit in ONE atomic batch with the `survey.answered` domain event. The UNIQUE dedupe key enforces the policy, so of concurrent submits
 * one commits and the others write nothing and get 409. A low score is followed up after the
 * commit (a failure there is logged and retried by the periodic job, never loses the response).
 */
export async function submitSurveyResponse(
  deps: SurveyDeps,
  input: { surveyId: number; member: SurveyMember; answers: SurveyAnswers; channel: SurveyChannel },
): Promise<SubmitResult> {
  const { survey, version } = await loadSurvey(deps, input.surveyId)
  if (survey.status === 'draft') throw new SurveyNotFound()
  const now = deps.now()
  assertOpen(survey, now)
  const errors = validateSurveyAnswers(version.questions, input.answers, { requireAll: true })
  if (Object.keys(errors).length > 0) throw new InvalidSurveyAnswers(errors)
  const answers = normalizeSurveyAnswers(version.questions, input.answers)
  const memberId = input.member.id
  const slot = responseSlot(survey, memberId, now, deps.timeZone)
  const alreadyAnswered = () => new SurveyAlreadyAnswered(slot.nextAvailableAt)
  if (await deps.surveys.responseByDedupeKey(slot.dedupeKey)) throw alreadyAnswered()
  const reasons = lowScoreReasons(version.questions, answers, survey.alerts)
  const mappings = mappingsOf(version.questions, answers)
  const npsScore = npsOf(version.questions, answers)
  const lowest = lowestScores(version.questions, answers)

  for (let attempt = 1; ; attempt++) {
    // After a collision, spread the retries out: concurrent submitters read the same max.
    const jitter = attempt === 1 ? 0 : deps.ids.randomInt(attempt * 4)
    const responseId = (await deps.surveys.nextResponseId()) + jitter
    const statements: PlannedStatement[] = deps.surveys.responseStatements({
      responseId,
      surveyId: survey.id,
      versionId: version.id,
      memberId,
      channel: input.channel,
      answers,
      questions: version.questions,
      dedupeKey: slot.dedupeKey,
      npsScore,
      lowScore: reasons.length > 0,
      submittedAt: now,
      tags: mappings.tags,
      attributes: mappings.attributes,
    })
    // The business event, in the same commit as the response (and its reward, if any).
    statements.push(
      deps.uow.event({
        type: 'survey.answered',
        memberId,
        data: {
          surveyId: survey.id,
          responseId,
          npsScore: lowest.nps,
          ratingScore: lowest.rating,
        },
        occurredAt: now,
        // The response's own policy key: a replayed answer records nothing new.
        dedupeKey: `survey.answered:${slot.dedupeKey}`,
      }),
    )
    let outcome: Pick<SubmitResult, 'reward' | 'rewardUnavailable'>
    try {
      outcome = await commitWithReward(deps, survey, memberId, responseId, statements)
    } catch (error) {
      const failure = constraintFailure(error)
      if (failure === 'unique:survey_responses.dedupe_key') throw alreadyAnswered()
      // Another response took this ID between our read and our commit: ours wrote nothing.
      if (failure === 'unique:survey_responses.id' && attempt < MAX_ID_ATTEMPTS) {
        if (await deps.surveys.responseByDedupeKey(slot.dedupeKey)) throw alreadyAnswered()
        continue
      }
      throw error
    }
    if (outcome.reward) await linkReward(deps, responseId, outcome.reward.id)
    if (reasons.length > 0) {
      await followUpLowScore(deps, {
        responseId,
        memberId,
        surveyTitle: survey.title,
        reasons,
        comments: commentsOf(version.questions, answers),
        at: now,
      })
    }
    return {
      responseId,
      submittedAt: now,
      versionId: version.id,
      ...outcome,
      lowScore: reasons.length > 0,
    }
  }
}

/** Coupon refusals that must not cost the member their answers. */
function isRewardRefusal(error: unknown): error is Error {
  return (
    error instanceof CouponTemplateNotFound ||
    error instanceof CouponTemplateArchived ||
    error instanceof CouponOutsideWindow ||
    error instanceof CouponTotalLimitReached ||
    error instanceof CouponMemberLimitReached
  )
}

async function commitWithReward(
  deps: SurveyDeps,
  survey: StoredSurvey,
  memberId: number,
  responseId: number,
  statements: PlannedStatement[],
): Promise<Pick<SubmitResult, 'reward' | 'rewardUnavailable'>> {
  if (survey.rewardTemplateId === null) {
    await deps.uow.commit(statements)
    return { reward: null, rewardUnavailable: null }
  }
  try {
    const reward = await issueCoupon(deps.coupons, {
      templateId: survey.rewardTemplateId,
      memberId,
      source: 'survey',
      sourceRef: String(responseId),
      // Per response; the attempt's nonce keeps a stale ID from matching another's coupon.
      dedupeKey: `survey_response:${responseId}:${deps.ids.uuid()}`,
      extra: statements,
    })
    return { reward, rewardUnavailable: null }
  } catch (error) {
    if (!isRewardRefusal(error)) throw error
    // Nothing was committed; the answers still count, without the reward.
    await deps.uow.commit(statements)
    deps.logger.warn('survey reward not issued', {
      surveyId: survey.id,
      responseId,
      reason: error.message,
    })
    return { reward: null, rewardUnavailable: error.message }
  }
}

/** survey_responses.reward_coupon_id is a convenience link (the coupon's source_ref is the truth). */
async function linkReward(deps: SurveyDeps, responseId: number, couponId: number): Promise<void> {
  try {
    await deps.surveys.setRewardCoupon(responseId, couponId)
  } catch (error) {
    deps.logger.warn('survey reward link not stored', { responseId, error: String(error) })
  }
}
