import {
  countAnswered,
  publicQuestions,
  validateSurveyAnswer,
  validateSurveyAnswers,
  type MemberSurvey,
  type MemberSurveySummary,
  type SurveyAnswers,
  type SurveyQuestion,
  type SurveyReward,
} from '@joren/shared'
import { InvalidSurveyAnswers, SurveyNotFound } from './errors.ts'
import { assertOpen, responseSlot } from './policy.ts'
import type { StoredSurvey, StoredSurveyVersion } from './store.ts'
import { loadSurvey, type SurveyDeps, type SurveyMember } from './deps.ts'
import { openSurveyFor } from './submit.ts'

async function rewardOf(deps: SurveyDeps, survey: StoredSurvey): Promise<SurveyReward | null> {
  if (survey.rewardTemplateId === null) return null
  const template = await deps.coupons.coupons.findTemplate(survey.rewardTemplateId)
  if (!template || template.status !== 'active') return null
  return { templateId: template.id, title: template.title }
}

/** A saved draft, kept to what still fits the current questions (a new version may differ). */
export function draftFor(
  questions: readonly SurveyQuestion[],
  answers: SurveyAnswers,
): SurveyAnswers {
  const kept: SurveyAnswers = {}
  for (const q of questions) {
    const value = answers[q.id]
    if (value === undefined || value === null) continue
    if (validateSurveyAnswer(q, value, { requireAll: false }) === null) kept[q.id] = value
  }
  return kept
}

async function summaryOf(
  deps: SurveyDeps,
  survey: StoredSurvey,
  version: StoredSurveyVersion,
  answered: boolean,
  nextAvailableAt: number | null,
  hasDraft: boolean,
): Promise<MemberSurveySummary> {
  return {
    id: survey.id,
    title: survey.title,
    intro: version.intro,
    questionCount: version.questions.length,
    closesAt: survey.closesAt,
    reward: await rewardOf(deps, survey),
    answered,
    nextAvailableAt: answered ? nextAvailableAt : null,
    hasDraft,
  }
}

/** The open surveys for the mini-app home, each saying whether the member already answered. */
export async function listSurveysForMember(
  deps: SurveyDeps,
  member: SurveyMember,
): Promise<MemberSurveySummary[]> {
  const now = deps.now()
  const open = await deps.surveys.listOpen(now)
  if (open.length === 0) return []
  const slots = open.map(({ survey }) => responseSlot(survey, member.id, now, deps.timeZone))
  const answered = await deps.surveys.answeredKeys(slots.map((s) => s.dedupeKey))
  const drafts = new Set((await deps.sessions.listForMember(member.id)).map((s) => s.surveyId))
  return Promise.all(
    open.map(({ survey, version }, i) => {
      const slot = slots[i] ?? { dedupeKey: '', nextAvailableAt: null }
      const done = answered.has(slot.dedupeKey)
      return summaryOf(
        deps,
        survey,
        version,
        done,
        slot.nextAvailableAt,
        !done && drafts.has(survey.id),
      )
    }),
  )
}

/**
 * One survey for the mini-app: the current version's questions (mappings removed) and the saved
 * draft. Drafts are 404 to members; closed or out-of-date surveys are 409 survey_not_open.
 */
export async function surveyForMember(
  deps: SurveyDeps,
  surveyId: number,
  member: SurveyMember,
): Promise<MemberSurvey> {
  const { survey, version } = await loadSurvey(deps, surveyId)
  if (survey.status === 'draft') throw new SurveyNotFound()
  const now = deps.now()
  assertOpen(survey, now)
  const slot = responseSlot(survey, member.id, now, deps.timeZone)
  const answered = (await deps.surveys.responseByDedupeKey(slot.dedupeKey)) !== null
  const session = answered ? null : await deps.sessions.get(survey.id, member.id)
  const draft = session ? draftFor(version.questions, session.answers) : null
  const summary = await summaryOf(deps, survey, version, answered, slot.nextAvailableAt, !!session)
  return {
    ...summary,
    versionId: version.id,
    questions: publicQuestions(version.questions),
    draft,
  }
}

/**
 * Keeps the member's answers so far (the mini-app draft). The same row is chat mode's position,
 * so a member can move between the two; saved from the mini-app it is marked channel 'liff',
 * state 'paused' (chat mode is not asking). Answers are checked like a submit, without requiring
 * every question.
 */
export async function saveSurveyDraft(
  deps: SurveyDeps,
  input: { surveyId: number; member: SurveyMember; answers: SurveyAnswers },
): Promise<{ savedAt: number; answeredCount: number }> {
  const { version } = await openSurveyFor(deps, input.surveyId, input.member)
  const errors = validateSurveyAnswers(version.questions, input.answers, { requireAll: false })
  if (Object.keys(errors).length > 0) throw new InvalidSurveyAnswers(errors)
  const savedAt = deps.now()
  await deps.sessions.save({
    surveyId: input.surveyId,
    memberId: input.member.id,
    versionId: version.id,
    channel: 'liff',
    answers: input.answers,
    state: 'paused',
    updatedAt: savedAt,
  })
  return { savedAt, answeredCount: countAnswered(version.questions, input.answers) }
}
