import {
  FaqEntryInputSchema,
  FaqIdParamSchema,
  FaqTrySchema,
  KeywordRuleInputSchema,
  type FaqEntryList,
  type FaqTryResult,
  type KeywordRuleList,
} from '@joren/shared'
import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import type { AppEnv } from '../deps.ts'
import { PayloadTooLarge } from '../domain/errors.ts'
import { FaqEntryNotFound, KeywordRuleNotFound } from '../domain/faq/errors.ts'
import type { FaqCandidate } from '../domain/faq/matcher.ts'
import { jsonBodyLimit } from '../middleware/body-limit.ts'
import { requirePermission } from '../middleware/staff-auth.ts'
import { parseBody, parseInput } from './validation.ts'

/** Keyword replies may hold up to five long texts: allow more than the usual 16 KiB. */
const RULE_BODY_LIMIT = 128 * 1024
const ruleBodyLimit = bodyLimit({
  maxSize: RULE_BODY_LIMIT,
  onError: () => {
    throw new PayloadTooLarge(RULE_BODY_LIMIT)
  },
})

/** /api/staff/faq: FAQ entries (support.manage writes, support.inbox reads) and the try-out. */
export const staffFaqRoute = new Hono<AppEnv>()
  .get('/', requirePermission('support.inbox'), async (c) => {
    const body: FaqEntryList = { entries: await c.var.deps.repositories.faq.list() }
    return c.json(body)
  })
  .post('/try', requirePermission('support.inbox'), jsonBodyLimit, async (c) => {
    const { text } = await parseBody(c, FaqTrySchema)
    const { faq } = c.var.deps
    const { match, entry } = await faq.tryOut(text)
    const answering = entry && match.best ? match.best : null
    const pick = ({ entryId, question, score }: FaqCandidate) => ({ entryId, question, score })
    const body: FaqTryResult = {
      outcome: match.outcome,
      answer: answering && entry ? { ...pick(answering), answer: entry.answer } : null,
      candidates: match.candidates.map(pick),
      confidence: match.confidence,
      threshold: faq.answerAt(),
      margin: match.margin,
      normalised: match.normalised,
      ...faq.describe(),
    }
    return c.json(body)
  })
  .get('/:id', requirePermission('support.inbox'), async (c) => {
    const { id } = parseInput(FaqIdParamSchema, c.req.param())
    const entry = await c.var.deps.repositories.faq.find(id)
    if (!entry) throw new FaqEntryNotFound()
    return c.json(entry)
  })
  .post('/', requirePermission('support.manage'), jsonBodyLimit, async (c) => {
    const input = await parseBody(c, FaqEntryInputSchema)
    const { repositories, clock } = c.var.deps
    const entry = await repositories.faq.create(input, clock.now())
    await repositories.audit.record(
      {
        staffId: c.var.staff.id,
        action: 'faq.create',
        targetType: 'faq_entry',
        targetId: String(entry.id),
        before: null,
        after: entry,
      },
      clock.now(),
    )
    return c.json(entry, 201)
  })
  .put('/:id', requirePermission('support.manage'), jsonBodyLimit, async (c) => {
    const { id } = parseInput(FaqIdParamSchema, c.req.param())
    const input = await parseBody(c, FaqEntryInputSchema)
    const { repositories, clock } = c.var.deps
    const before = await repositories.faq.find(id)
    const entry = before ? await repositories.faq.update(id, input, clock.now()) : null
    if (!entry) throw new FaqEntryNotFound()
    await repositories.audit.record(
      {
        staffId: c.var.staff.id,
        action: 'faq.update',
        targetType: 'faq_entry',
        targetId: String(id),
        before,
        after: entry,
      },
      clock.now(),
    )
    return c.json(entry)
  })
  .delete('/:id', requirePermission('support.manage'), async (c) => {
    const { id } = parseInput(FaqIdParamSchema, c.req.param())
    const { repositories, clock } = c.var.deps
    const before = await repositories.faq.find(id)
    if (!before || !(await repositories.faq.remove(id))) throw new FaqEntryNotFound()
    await repositories.audit.record(
      {
        staffId: c.var.staff.id,
        action: 'faq.delete',
        targetType: 'faq_entry',
        targetId: String(id),
        before,
        after: null,
      },
      clock.now(),
    )
    return c.body(null, 204)
  })

/** /api/staff/keyword-rules: keyword rules (support.manage writes, support.inbox reads). */
export const staffKeywordRulesRoute = new Hono<AppEnv>()
  .get('/', requirePermission('support.inbox'), async (c) => {
    const body: KeywordRuleList = { rules: await c.var.deps.repositories.keywordRules.list() }
    return c.json(body)
  })
  .get('/:id', requirePermission('support.inbox'), async (c) => {
    const { id } = parseInput(FaqIdParamSchema, c.req.param())
    const rule = await c.var.deps.repositories.keywordRules.find(id)
    if (!rule) throw new KeywordRuleNotFound()
    return c.json(rule)
  })
  .post('/', requirePermission('support.manage'), ruleBodyLimit, async (c) => {
    const input = await parseBody(c, KeywordRuleInputSchema)
    const { repositories, clock } = c.var.deps
    const rule = await repositories.keywordRules.create(input, clock.now())
    await repositories.audit.record(
      {
        staffId: c.var.staff.id,
        action: 'keyword_rule.create',
        targetType: 'keyword_rule',
        targetId: String(rule.id),
        before: null,
        after: rule,
      },
      clock.now(),
    )
    return c.json(rule, 201)
  })
  .put('/:id', requirePermission('support.manage'), ruleBodyLimit, async (c) => {
    const { id } = parseInput(FaqIdParamSchema, c.req.param())
    const input = await parseBody(c, KeywordRuleInputSchema)
    const { repositories, clock } = c.var.deps
    const before = await repositories.keywordRules.find(id)
    const rule = before ? await repositories.keywordRules.update(id, input, clock.now()) : null
    if (!rule) throw new KeywordRuleNotFound()
    await repositories.audit.record(
      {
        staffId: c.var.staff.id,
        action: 'keyword_rule.update',
        targetType: 'keyword_rule',
        targetId: String(id),
        before,
        after: rule,
      },
      clock.now(),
    )
    return c.json(rule)
  })
  .delete('/:id', requirePermission('support.manage'), async (c) => {
    const { id } = parseInput(FaqIdParamSchema, c.req.param())
    const { repositories, clock } = c.var.deps
    const before = await repositories.keywordRules.find(id)
    if (!before || !(await repositories.keywordRules.remove(id))) throw new KeywordRuleNotFound()
    await repositories.audit.record(
      {
        staffId: c.var.staff.id,
        action: 'keyword_rule.delete',
        targetType: 'keyword_rule',
        targetId: String(id),
        before,
        after: null,
      },
      clock.now(),
    )
    return c.body(null, 204)
  })
