import {
  FaqApplyStarterSchema,
  FaqStarterTypeParamSchema,
  type FaqApplyStarterResult,
  type FaqStarterSets,
} from '@joren/shared'
import { Hono } from 'hono'
import type { AppEnv } from '../middleware/env.ts'
import { requirePermission } from '../middleware/staff-auth.ts'
import { jsonBody, paramsOf } from './validation.ts'

/** /api/staff/faq-starter: starter FAQ sets per shop type (support.manage adds them). */
export const staffFaqStarterRoute = new Hono<AppEnv>()
  .get('/', requirePermission('support.inbox'), (c) => {
    const body: FaqStarterSets = c.var.services.support.faqLearning.starterSets()
    return c.json(body)
  })
  .post(
    '/:type',
    requirePermission('support.manage'),
    paramsOf(FaqStarterTypeParamSchema),
    jsonBody(FaqApplyStarterSchema),
    async (c) => {
      const body: FaqApplyStarterResult = await c.var.services.support.faqLearning.applyStarterSet(
        c.var.staff,
        c.req.valid('param').type,
        c.req.valid('json').keys,
      )
      return c.json(body, 201)
    },
  )
