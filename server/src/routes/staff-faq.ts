import {
  FaqEntryInputSchema,
  FaqIdParamSchema,
  FaqTrySchema,
  KeywordRuleInputSchema,
} from '@joren/shared'
import { Hono } from 'hono'
import type { AppEnv } from '../middleware/env.ts'
import { requirePermission } from '../middleware/staff-auth.ts'
import { jsonBody, paramsOf } from './validation.ts'

/** /api/staff/faq: FAQ entries (support.manage writes, support.inbox reads) and the try-out. */
export const staffFaqRoute = new Hono<AppEnv>()
  .get('/', requirePermission('support.inbox'), async (c) =>
    c.json(await c.var.services.support.faq.entries()),
  )
  .post('/try', requirePermission('support.inbox'), jsonBody(FaqTrySchema), async (c) =>
    c.json(await c.var.services.support.faq.try(c.req.valid('json').text)),
  )
  .get('/:id', requirePermission('support.inbox'), paramsOf(FaqIdParamSchema), async (c) =>
    c.json(await c.var.services.support.faq.entry(c.req.valid('param').id)),
  )
  .post('/', requirePermission('support.manage'), jsonBody(FaqEntryInputSchema), async (c) =>
    c.json(await c.var.services.support.faq.createEntry(c.var.staff, c.req.valid('json')), 201),
  )
  .put(
    '/:id',
    requirePermission('support.manage'),
    paramsOf(FaqIdParamSchema),
    jsonBody(FaqEntryInputSchema),
    async (c) =>
      c.json(
        await c.var.services.support.faq.updateEntry(
          c.var.staff,
          c.req.valid('param').id,
          c.req.valid('json'),
        ),
      ),
  )
  .delete('/:id', requirePermission('support.manage'), paramsOf(FaqIdParamSchema), async (c) => {
    await c.var.services.support.faq.removeEntry(c.var.staff, c.req.valid('param').id)
    return c.body(null, 204)
  })

/** /api/staff/keyword-rules: keyword rules (support.manage writes, support.inbox reads). */
export const staffKeywordRulesRoute = new Hono<AppEnv>()
  .get('/', requirePermission('support.inbox'), async (c) =>
    c.json(await c.var.services.support.faq.rules()),
  )
  .get('/:id', requirePermission('support.inbox'), paramsOf(FaqIdParamSchema), async (c) =>
    c.json(await c.var.services.support.faq.rule(c.req.valid('param').id)),
  )
  .post('/', requirePermission('support.manage'), jsonBody(KeywordRuleInputSchema), async (c) =>
    c.json(await c.var.services.support.faq.createRule(c.var.staff, c.req.valid('json')), 201),
  )
  .put(
    '/:id',
    requirePermission('support.manage'),
    paramsOf(FaqIdParamSchema),
    jsonBody(KeywordRuleInputSchema),
    async (c) =>
      c.json(
        await c.var.services.support.faq.updateRule(
          c.var.staff,
          c.req.valid('param').id,
          c.req.valid('json'),
        ),
      ),
  )
  .delete('/:id', requirePermission('support.manage'), paramsOf(FaqIdParamSchema), async (c) => {
    await c.var.services.support.faq.removeRule(c.var.staff, c.req.valid('param').id)
    return c.body(null, 204)
  })
