import { SurveyQuestionsSchema } from '@joren/shared'
import { DAY, HOUR, type DemoContext, type Persona } from './demo-context.ts'
import type { CouponBook, DemoTemplates } from './demo-coupons.ts'
import * as text from './demo-texts.ts'

/** The visit survey and the answers guests gave it (once per 30 days at most). */

export interface DemoResponse {
  id: number
  surveyId: number
  versionId: number
  memberId: number
  channel: 'liff'
  answers: string
  dedupeKey: string
  npsScore: number
  lowScore: boolean
  rewardCouponId: number
  submittedAt: number
}
export interface DemoAnswer {
  id: number
  responseId: number
  surveyId: number
  memberId: number
  questionId: string
  numberValue: number | null
  textValue: string | null
}
/** A member whose low score or question became a support conversation. */
export interface ConversationStart {
  memberId: number
  at: number
  low: boolean
}

export function demoSurvey({ ids, start }: DemoContext, { templateId }: DemoTemplates) {
  const surveyId = ids.survey + 1
  const versionId = ids.version + 1
  const questions = SurveyQuestionsSchema.parse(text.SURVEY_QUESTIONS)
  const surveys = [
    {
      id: surveyId,
      title: 'ご来店アンケート',
      status: 'open' as const,
      currentVersionId: versionId,
      rewardTemplateId: templateId.survey,
      policy: 'every_n_days' as const,
      policyDays: 30,
      opensAt: start,
      createdAt: start,
      updatedAt: start,
    },
  ]
  const surveyVersions = [
    {
      id: versionId,
      surveyId,
      version: 1,
      intro: 'いつもご来店ありがとうございます。1分ほどで終わるアンケートにご協力ください。',
      questions: JSON.stringify(questions),
      createdAt: start,
    },
  ]
  return { surveyId, versionId, opensAt: start, surveys, surveyVersions }
}
export type DemoSurvey = ReturnType<typeof demoSurvey>

export interface SurveyRows {
  responses: DemoResponse[]
  answers: DemoAnswer[]
  conversationStarts: ConversationStart[]
}

/**
 * The survey after a visit at `at`, if the guest answers it: the response, its answers, the
 * reward coupon and, for a low score, a support conversation. Returns the survey period answered
 * (or `lastPeriod` when none was).
 */
export function answerAfterVisit(
  { rng, now, ids }: DemoContext,
  { surveyId, versionId, opensAt }: DemoSurvey,
  rows: SurveyRows,
  book: CouponBook,
  visit: {
    memberId: number
    persona: Persona
    at: number
    blockedAt: number | null
    lastPeriod: number
  },
): number {
  const { memberId, persona, at, blockedAt } = visit
  const submittedAt = at + rng.between(1, 20) * HOUR
  const period = Math.floor((submittedAt - opensAt) / (30 * DAY))
  const following = blockedAt === null || blockedAt > submittedAt
  if (!(following && period > visit.lastPeriod && submittedAt < now && rng.chance(0.14)))
    return visit.lastPeriod
  const base = persona === 'regular' ? 9 : persona === 'monthly' ? 8 : 7
  const nps = Math.max(0, Math.min(10, Math.round(rng.normal(base, 1.8))))
  const rating = Math.max(1, Math.min(5, Math.round(rng.normal(nps / 2.2 + 0.4, 0.7))))
  const comment = rng.chance(0.4) ? text.comment(rng, nps) : null
  const responseId = ids.response + rows.responses.length + 1
  const reward = book.issue('survey', memberId, submittedAt, 'survey', String(responseId))
  const lowScore = nps <= 6 || rating <= 2
  rows.responses.push({
    id: responseId,
    surveyId,
    versionId,
    memberId,
    channel: 'liff',
    answers: JSON.stringify({ q1: nps, q2: rating, ...(comment ? { q3: comment } : {}) }),
    dedupeKey: `survey:${surveyId}:member:${memberId}:${period}`,
    npsScore: nps,
    lowScore,
    rewardCouponId: reward.id,
    submittedAt,
  })
  const answer = (questionId: string, numberValue: number | null, textValue: string | null) =>
    rows.answers.push({
      id: ids.answer + rows.answers.length + 1,
      responseId,
      surveyId,
      memberId,
      questionId,
      numberValue,
      textValue,
    })
  answer('q1', nps, null)
  answer('q2', rating, null)
  if (comment) answer('q3', null, comment)
  if (lowScore && nps <= 4) rows.conversationStarts.push({ memberId, at: submittedAt, low: true })
  return period
}
