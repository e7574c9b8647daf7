import {
  SurveyIdParamSchema,
  SurveySubmitSchema,
  type CouponView,
  type MemberSurveyList,
  type SurveyDraftSaved,
  type SurveySubmitResult,
} from '@joren/shared'
import { Hono, type Context } from 'hono'
import type { AppEnv } from '../deps.ts'
import { effectiveState } from '../domain/coupons/coupons.ts'
import { listSurveysForMember, saveSurveyDraft, surveyForMember } from '../domain/surveys/member.ts'
import { submitSurveyResponse, type SurveyDeps } from '../domain/surveys/submit.ts'
import { memberAuth } from '../middleware/member-auth.ts'
import { surveyDeps } from '../survey-services.ts'
import { parseBody, parseInput } from './validation.ts'

/** The survey domain's deps for this request. */
export function surveyDepsOf(c: Context<AppEnv>): SurveyDeps {
  const { db, atomic, repositories, ids, clock, logger, config } = c.var.deps
  return surveyDeps({
    db,
    atomic,
    repositories,
    ids,
    clock,
    logger,
    timeZone: config.SHOP_TIMEZONE,
    sandbox: config.sandbox,
  })
}

/**
 * /api/liff/surveys: the member's open surveys, one survey with their draft, saving the draft,
 * and submitting (201 with the reward coupon, already in their coupon list).
 */
export const liffSurveysRoute = new Hono<AppEnv>()
  .use(memberAuth)
  .get('/', async (c) => {
    const body: MemberSurveyList = {
      surveys: await listSurveysForMember(surveyDepsOf(c), { id: c.var.member.memberId }),
    }
    return c.json(body)
  })
  .get('/:id', async (c) => {
    const { id } = parseInput(SurveyIdParamSchema, c.req.param())
    return c.json(await surveyForMember(surveyDepsOf(c), id, { id: c.var.member.memberId }))
  })
  .put('/:id/draft', async (c) => {
    const { id } = parseInput(SurveyIdParamSchema, c.req.param())
    const { answers } = await parseBody(c, SurveySubmitSchema)
    const saved = await saveSurveyDraft(surveyDepsOf(c), {
      surveyId: id,
      member: { id: c.var.member.memberId },
      answers,
    })
    const body: SurveyDraftSaved = { savedAt: saved.savedAt }
    return c.json(body)
  })
  .post('/:id/responses', async (c) => {
    const { id } = parseInput(SurveyIdParamSchema, c.req.param())
    const { answers } = await parseBody(c, SurveySubmitSchema)
    const deps = surveyDepsOf(c)
    const result = await submitSurveyResponse(deps, {
      surveyId: id,
      member: { id: c.var.member.memberId },
      answers,
      channel: 'liff',
    })
    let reward: CouponView | null = null
    if (result.reward) {
      const { memberId: _member, ...coupon } = result.reward
      reward = effectiveState(coupon, deps.now())
    }
    const body: SurveySubmitResult = {
      responseId: result.responseId,
      submittedAt: result.submittedAt,
      reward,
      rewardUnavailable: result.rewardUnavailable,
    }
    return c.json(body, 201)
  })
