import type {
  CouponView,
  MemberSurvey,
  MemberSurveySummary,
  StaffSurvey,
  StaffSurveyList,
  SurveyAnswers,
  SurveyDefinition,
  SurveyDraftSaved,
  SurveyResults,
  SurveyResultsQuery,
  SurveySubmitResult,
} from '@joren/shared'
import type { StaffActor } from '../audit/audit.ts'
import { effectiveState } from '../coupons/coupons.ts'
import type { AppLinks } from '../links.ts'
import type { SurveyDeps } from './deps.ts'
import { closeSurvey, createSurvey, openSurvey, staffSurveyView, updateSurvey } from './manage.ts'
import { listSurveysForMember, saveSurveyDraft, surveyForMember } from './member.ts'
import { exportSurveyCsv, surveyResults } from './report.ts'
import { submitSurveyResponse } from './submit.ts'

export interface SurveyServiceDeps extends SurveyDeps {
  /** The mini-app links the editor shows. */
  links: AppLinks
}

/**
 * Surveys: the staff console's definitions, results and CSV (every change audited in its own
 * commit), and the member's one-page questionnaire, draft and submit (the response, its reward
 * and the `survey.answered` event in one commit).
 */
export function createSurveyService(deps: SurveyServiceDeps) {
  const view = (id: number) => staffSurveyView(deps, id, deps.links)

  return {
    /** GET /api/staff/surveys */
    async list(): Promise<StaffSurveyList> {
      const rows = await deps.surveys.list()
      return {
        surveys: rows.map(({ survey, version, responseCount }) => ({
          id: survey.id,
          title: survey.title,
          status: survey.status,
          version: version.version,
          questionCount: version.questions.length,
          responseCount,
          rewardTemplateId: survey.rewardTemplateId,
          policy: survey.policy,
          opensAt: survey.opensAt,
          closesAt: survey.closesAt,
          createdAt: survey.createdAt,
          updatedAt: survey.updatedAt,
        })),
      }
    },

    get: (id: number): Promise<StaffSurvey> => view(id),

    async create(actor: StaffActor, definition: SurveyDefinition): Promise<StaffSurvey> {
      const survey = await createSurvey(deps, actor, definition)
      return view(survey.id)
    },

    async update(
      actor: StaffActor,
      id: number,
      definition: SurveyDefinition,
    ): Promise<StaffSurvey> {
      await updateSurvey(deps, actor, id, definition)
      return view(id)
    },

    async open(actor: StaffActor, id: number): Promise<StaffSurvey> {
      await openSurvey(deps, actor, id)
      return view(id)
    },

    async close(actor: StaffActor, id: number): Promise<StaffSurvey> {
      await closeSurvey(deps, actor, id)
      return view(id)
    },

    results: (id: number, query: SurveyResultsQuery): Promise<SurveyResults> =>
      surveyResults(deps, id, query),

    /** The CSV and the file name to download it under. */
    async exportCsv(
      id: number,
      query: SurveyResultsQuery,
    ): Promise<{ csv: string; fileName: string }> {
      const { csv, version } = await exportSurveyCsv(deps, id, query)
      return { csv, fileName: `survey-${id}-v${version}.csv` }
    },

    /** The mini-app: the member's open surveys. */
    forMember: (memberId: number): Promise<MemberSurveySummary[]> =>
      listSurveysForMember(deps, { id: memberId }),

    /** The mini-app: one survey with the member's draft. */
    oneForMember: (memberId: number, surveyId: number): Promise<MemberSurvey> =>
      surveyForMember(deps, surveyId, { id: memberId }),

    async saveDraft(
      memberId: number,
      surveyId: number,
      answers: SurveyAnswers,
    ): Promise<SurveyDraftSaved> {
      const saved = await saveSurveyDraft(deps, { surveyId, member: { id: memberId }, answers })
      return { savedAt: saved.savedAt }
    },

    /** The mini-app's submit: the response, its reward coupon (as the member's list shows it). */
    async submit(
      memberId: number,
      surveyId: number,
      answers: SurveyAnswers,
    ): Promise<SurveySubmitResult> {
      const result = await submitSurveyResponse(deps, {
        surveyId,
        member: { id: memberId },
        answers,
        channel: 'liff',
      })
      let reward: CouponView | null = null
      if (result.reward) {
        const { memberId: _member, ...coupon } = result.reward
        reward = effectiveState(coupon, deps.now())
      }
      return {
        responseId: result.responseId,
        submittedAt: result.submittedAt,
        reward,
        rewardUnavailable: result.rewardUnavailable,
      }
    },
  }
}

export type SurveyService = ReturnType<typeof createSurveyService>
