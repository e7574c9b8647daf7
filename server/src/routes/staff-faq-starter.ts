import {
  FaqApplyStarterSchema,
  FaqStarterTypeParamSchema,
  type FaqApplyStarterResult,
  type FaqStarterSets,
} from '@joren/shared'
import { Hono } from 'hono'
import type { AppEnv } from '../deps.ts'
import { applyStarterSet } from '../domain/faq/learning.ts'
import { STARTER_SETS } from '../domain/faq/starter-sets.ts'
import { jsonBodyLimit } from '../middleware/body-limit.ts'
import { requirePermission } from '../middleware/staff-auth.ts'
import { parseBody, parseInput } from './validation.ts'

/** /api/staff/faq-starter: starter FAQ sets per shop type (support.manage adds them). */
export const staffFaqStarterRoute = new Hono<AppEnv>()
  .get('/', requirePermission('support.inbox'), (c) => {
    const body: FaqStarterSets = { sets: STARTER_SETS.map((s) => ({ ...s })) }
    return c.json(body)
  })
  .post('/:type', requirePermission('support.manage'), jsonBodyLimit, async (c) => {
    const { type } = parseInput(FaqStarterTypeParamSchema, c.req.param())
    const { keys } = await parseBody(c, FaqApplyStarterSchema)
    const { repositories, clock } = c.var.deps
    const body: FaqApplyStarterResult = await applyStarterSet(
      { faq: repositories.faq, audit: repositories.audit, clock },
      { type, keys, staffId: c.var.staff.id },
    )
    return c.json(body, 201)
  })
