import { SurveyIdParamSchema, SurveySubmitSchema, type MemberSurveyList } from '@joren/shared'
import { Hono } from 'hono'
import type { AppEnv } from '../middleware/env.ts'
import { memberAuth } from '../middleware/member-auth.ts'
import { jsonBody, paramsOf } from './validation.ts'

/**
 * /api/liff/surveys: the member's open surveys, one survey with their draft, saving the draft,
 * and submitting (201 with the reward coupon, already in their coupon list).
 */
export const liffSurveysRoute = new Hono<AppEnv>()
  .use(memberAuth)
  .get('/', async (c) => {
    const body: MemberSurveyList = {
      surveys: await c.var.services.surveys.forMember(c.var.member.memberId),
    }
    return c.json(body)
  })
  .get('/:id', paramsOf(SurveyIdParamSchema), async (c) =>
    c.json(
      await c.var.services.surveys.oneForMember(c.var.member.memberId, c.req.valid('param').id),
    ),
  )
  .put('/:id/draft', paramsOf(SurveyIdParamSchema), jsonBody(SurveySubmitSchema), async (c) =>
    c.json(
      await c.var.services.surveys.saveDraft(
        c.var.member.memberId,
        c.req.valid('param').id,
        c.req.valid('json').answers,
      ),
    ),
  )
  .post('/:id/responses', paramsOf(SurveyIdParamSchema), jsonBody(SurveySubmitSchema), async (c) =>
    c.json(
      await c.var.services.surveys.submit(
        c.var.member.memberId,
        c.req.valid('param').id,
        c.req.valid('json').answers,
      ),
      201,
    ),
  )
