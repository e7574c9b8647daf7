import type {
  StaffSurvey,
  SurveyAnswers,
  SurveyDefinitionInput,
  SurveySubmitResult,
} from '@joren/shared'
import type { World } from '../auth/world.ts'

export type ErrorBody = {
  error: {
    code: string
    message: string
    details?: { path: string; message: string }[]
    nextAvailableAt?: number | null
  }
}

export const DAY = 24 * 60 * 60 * 1000

/** A six-question satisfaction survey covering every question type, with mappings on `purpose`. */
export function satisfactionSurvey(overrides: Partial<SurveyDefinitionInput> = {}) {
  return {
    title: 'ご来店アンケート',
    intro: 'より良いお店づくりのため、ご意見をお聞かせください。',
    questions: [
      {
        id: 'purpose',
        type: 'single',
        label: 'ご来店の目的は？',
        options: [
          {
            id: 'lunch',
            label: 'ランチ',
            mapping: { tags: ['ランチ利用'], attributes: [{ key: '来店目的', value: 'ランチ' }] },
          },
          {
            id: 'dinner',
            label: 'ディナー',
            mapping: { attributes: [{ key: '来店目的', value: 'ディナー' }] },
          },
          { id: 'cafe', label: 'カフェ' },
        ],
      },
      {
        id: 'interests',
        type: 'multiple',
        label: '興味のあるもの（2つまで）',
        required: false,
        maxChoices: 2,
        options: [
          {
            id: 'wine',
            label: 'ワイン',
            mapping: { tags: ['ワイン好き'], attributes: [{ key: '興味', value: 'ワイン' }] },
          },
          {
            id: 'sweets',
            label: 'スイーツ',
            mapping: { attributes: [{ key: '興味', value: 'スイーツ' }] },
          },
          { id: 'coffee', label: 'コーヒー' },
        ],
      },
      { id: 'stars', type: 'rating', label: '料理の満足度' },
      { id: 'nps', type: 'nps', label: '友人におすすめする可能性は？' },
      { id: 'comment', type: 'text', label: 'ご意見・ご感想', required: false, maxLength: 100 },
      { id: 'visited', type: 'date', label: 'ご来店日', required: false },
    ],
    ...overrides,
  }
}

export const goodAnswers: SurveyAnswers = {
  purpose: 'lunch',
  interests: ['wine', 'sweets'],
  stars: 5,
  nps: 9,
  comment: 'とてもおいしかったです',
  visited: '2026-11-20',
}

export async function createSurvey(
  world: World,
  staff: { token(): string },
  definition: Record<string, unknown> = satisfactionSurvey(),
): Promise<StaffSurvey> {
  const res = await world.api<StaffSurvey>('POST', '/api/staff/surveys', {
    token: staff.token(),
    body: definition,
  })
  if (res.status !== 201) throw new Error(`survey: ${JSON.stringify(res.body)}`)
  return res.body
}

/** Creates and opens a survey. */
export async function openSurvey(
  world: World,
  staff: { token(): string },
  definition: Record<string, unknown> = satisfactionSurvey(),
): Promise<StaffSurvey> {
  const survey = await createSurvey(world, staff, definition)
  const res = await world.api<StaffSurvey>('POST', `/api/staff/surveys/${survey.id}/open`, {
    token: staff.token(),
  })
  if (res.status !== 200) throw new Error(`open: ${JSON.stringify(res.body)}`)
  return res.body
}

export async function submit(
  world: World,
  member: { token(): string },
  surveyId: number,
  answers: SurveyAnswers,
) {
  return world.api<SurveySubmitResult & ErrorBody>(
    'POST',
    `/api/liff/surveys/${surveyId}/responses`,
    { token: member.token(), body: { answers } },
  )
}

/** How many rows each survey-written table holds (to prove a refusal wrote nothing). */
export function writes(world: World) {
  const n = (table: string) => world.count(table)
  return {
    responses: n('survey_responses'),
    answers: n('survey_answers'),
    coupons: n('coupons'),
    memberTags: n('member_tags'),
    attributes: n('member_attributes'),
    alerts: n('staff_alerts'),
  }
}
