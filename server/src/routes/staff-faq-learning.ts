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
import { Hono, type Context } from 'hono'
import type { AppEnv } from '../deps.ts'
import {
  addAskToEntry,
  dismissAsks,
  entryFigures,
  memberOpenAsks,
  newEntryFromAsk,
  unansweredGroups,
  type FaqLearningDeps,
} from '../domain/faq/learning.ts'
import { jsonBodyLimit } from '../middleware/body-limit.ts'
import { requirePermission } from '../middleware/staff-auth.ts'
import { parseBody, parseInput } from './validation.ts'

const learningDeps = (c: Context<AppEnv>): FaqLearningDeps => {
  const { repositories, clock, faq } = c.var.deps
  return {
    asks: repositories.faqAsks,
    faq: repositories.faq,
    audit: repositories.audit,
    clock,
    answerer: faq,
  }
}

/**
 * /api/staff/faq-learning: what the bot could not answer, per-entry figures, and teaching it
 * (support.inbox reads; support.manage teaches, like every FAQ edit).
 */
export const staffFaqLearningRoute = new Hono<AppEnv>()
  .get('/unanswered', requirePermission('support.inbox'), async (c) => {
    const body: FaqUnansweredList = await unansweredGroups(learningDeps(c))
    return c.json(body)
  })
  .get('/figures', requirePermission('support.inbox'), async (c) => {
    const body: FaqFiguresList = await entryFigures(learningDeps(c))
    return c.json(body)
  })
  .get('/asks', requirePermission('support.inbox'), async (c) => {
    const { memberId } = parseInput(FaqAsksQuerySchema, c.req.query())
    const body: FaqMemberAsks = { asks: await memberOpenAsks(learningDeps(c), memberId) }
    return c.json(body)
  })
  .post('/asks/dismiss', requirePermission('support.manage'), jsonBodyLimit, async (c) => {
    const { askIds } = await parseBody(c, FaqDismissAsksSchema)
    const dismissed = await dismissAsks(learningDeps(c), { askIds, staffId: c.var.staff.id })
    return c.json({ dismissed })
  })
  .post('/asks/:id/add-to-entry', requirePermission('support.manage'), jsonBodyLimit, async (c) => {
    const { id } = parseInput(FaqAskIdParamSchema, c.req.param())
    const { entryId, alsoAskIds } = await parseBody(c, FaqAddAskSchema)
    const body: FaqLearnResult = await addAskToEntry(learningDeps(c), {
      askId: id,
      entryId,
      alsoAskIds,
      staffId: c.var.staff.id,
    })
    return c.json(body)
  })
  .post('/asks/:id/new-entry', requirePermission('support.manage'), jsonBodyLimit, async (c) => {
    const { id } = parseInput(FaqAskIdParamSchema, c.req.param())
    const input = await parseBody(c, FaqNewEntryFromAskSchema)
    const body: FaqLearnResult = await newEntryFromAsk(learningDeps(c), {
      ...input,
      askId: id,
      staffId: c.var.staff.id,
    })
    return c.json(body, 201)
  })
