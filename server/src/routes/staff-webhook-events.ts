import { WebhookProblemsQuerySchema, type WebhookProblemPage } from '@joren/shared'
import { Hono } from 'hono'
import type { AppEnv } from '../deps.ts'
import { InvalidRequest } from '../domain/errors.ts'
import { describeProblem } from '../domain/webhook/problems.ts'
import { requirePermission } from '../middleware/staff-auth.ts'
import { parseInput } from './validation.ts'

/**
 * /api/staff/webhook-events (admin+): LINE events the product stored but did not handle — parked
 * on arrival or dead after every retry — newest first, each with its reason in Japanese.
 */
export const staffWebhookEventsRoute = new Hono<AppEnv>().get(
  '/',
  requirePermission('webhook.read'),
  async (c) => {
    const query = parseInput(WebhookProblemsQuerySchema, c.req.query())
    let before: number | null = null
    if (query.cursor) {
      if (!/^\d{1,15}$/.test(query.cursor))
        throw new InvalidRequest('cursor: 正しくないカーソルです')
      before = Number(query.cursor)
    }
    const rows = await c.var.deps.repositories.webhookProblems.list({
      statuses: query.status === 'all' ? ['parked', 'dead'] : [query.status],
      before,
      limit: query.limit + 1,
    })
    const page = rows.slice(0, query.limit)
    const last = page.at(-1)
    const body: WebhookProblemPage = {
      items: page.map(describeProblem),
      nextCursor: rows.length > query.limit && last ? String(last.rowId) : null,
    }
    return c.json(body)
  },
)
