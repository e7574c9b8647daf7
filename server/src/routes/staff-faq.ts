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
import type { AppEnv } from '../deps.ts'
import { FaqEntryNotFound, KeywordRuleNotFound } from '../domain/faq/errors.ts'
import { buildFaqIndex, DEFAULT_FAQ_MATCH, matchFaq } from '../domain/faq/matcher.ts'
import { requirePermission } from '../middleware/staff-auth.ts'
import { parseBody, parseInput } from './validation.ts'

/** /api/staff/faq: FAQ entries (support.manage writes, support.inbox reads) and the try-out. */
export const staffFaqRoute = new Hono<AppEnv>()
  .get('/', requirePermission('support.inbox'), async (c) => {
    const body: FaqEntryList = { entries: await c.var.deps.repositories.faq.list() }
    return c.json(body)
  })
  .post('/try', requirePermission('support.inbox'), async (c) => {
    const { text } = await parseBody(c, FaqTrySchema)
    const entries = await c.var.deps.repositories.faq.listEnabled()
    const match = matchFaq(buildFaqIndex(entries), text, DEFAULT_FAQ_MATCH, 5)
    const answering = match.outcome === 'answer' ? match.best : null
    const answer = answering ? entries.find((e) => e.id === answering.entryId) : undefined
    const body: FaqTryResult = {
      outcome: match.outcome,
      answer: answering && answer ? { ...answering, answer: answer.answer } : null,
      candidates: match.candidates,
      threshold: DEFAULT_FAQ_MATCH.threshold,
      normalised: match.normalised,
    }
    return c.json(body)
  })
  .get('/:id', requirePermission('support.inbox'), async (c) => {
    const { id } = parseInput(FaqIdParamSchema, c.req.param())
    const entry = await c.var.deps.repositories.faq.find(id)
    if (!entry) throw new FaqEntryNotFound()
    return c.json(entry)
  })
  .post('/', requirePermission('support.manage'), async (c) => {
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
  .put('/:id', requirePermission('support.manage'), async (c) => {
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
  .post('/', requirePermission('support.manage'), async (c) => {
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
  .put('/:id', requirePermission('support.manage'), async (c) => {
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
