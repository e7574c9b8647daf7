import {
  FaqAddAskSchema,
  FaqAskIdParamSchema,
  FaqAsksQuerySchema,
  FaqDismissAsksSchema,
  FaqNewEntryFromAskSchema,
  type FaqFiguresList,
  type FaqLearnResult,
  type FaqMemberAsks,
  type FaqUnansweredList,
} from '@joren/shared'
import { Hono } from 'hono'
import type { AppEnv } from '../middleware/env.ts'
import { requirePermission } from '../middleware/staff-auth.ts'
import { jsonBody, paramsOf, queryOf } from './validation.ts'

/**
 * /api/staff/faq-learning: what the bot could not answer, per-entry figures, and teaching it
 * (support.inbox reads; support.manage teaches, like every FAQ edit).
 */
export const staffFaqLearningRoute = new Hono<AppEnv>()
  .get('/unanswered', requirePermission('support.inbox'), async (c) => {
    const body: FaqUnansweredList = await c.var.services.support.faqLearning.unanswered()
    return c.json(body)
  })
  .get('/figures', requirePermission('support.inbox'), async (c) => {
    const body: FaqFiguresList = await c.var.services.support.faqLearning.figures()
    return c.json(body)
  })
  .get('/asks', requirePermission('support.inbox'), queryOf(FaqAsksQuerySchema), async (c) => {
    const { memberId } = c.req.valid('query')
    const body: FaqMemberAsks = await c.var.services.support.faqLearning.memberAsks(memberId)
    return c.json(body)
  })
  .post(
    '/asks/dismiss',
    requirePermission('support.manage'),
    jsonBody(FaqDismissAsksSchema),
    async (c) => {
      const { askIds } = c.req.valid('json')
      const dismissed = await c.var.services.support.faqLearning.dismiss(c.var.staff, askIds)
      return c.json({ dismissed })
    },
  )
  .post(
    '/asks/:id/add-to-entry',
    requirePermission('support.manage'),
    paramsOf(FaqAskIdParamSchema),
    jsonBody(FaqAddAskSchema),
    async (c) => {
      const body: FaqLearnResult = await c.var.services.support.faqLearning.addAskToEntry(
        c.var.staff,
        c.req.valid('param').id,
        c.req.valid('json'),
      )
      return c.json(body)
    },
  )
  .post(
    '/asks/:id/new-entry',
    requirePermission('support.manage'),
    paramsOf(FaqAskIdParamSchema),
    jsonBody(FaqNewEntryFromAskSchema),
    async (c) => {
      const body: FaqLearnResult = await c.var.services.support.faqLearning.newEntryFromAsk(
        c.var.staff,
        c.req.valid('param').id,
        c.req.valid('json'),
      )
      return c.json(body, 201)
    },
  )
