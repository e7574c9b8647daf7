import { WebhookProblemsQuerySchema } from '@joren/shared'
import { Hono } from 'hono'
import type { AppEnv } from '../middleware/env.ts'
import { requirePermission } from '../middleware/staff-auth.ts'
import { queryOf } from './validation.ts'

/**
 * /api/staff/webhook-events (admin+): LINE events the product stored but did not handle — parked
 * on arrival or dead after every retry — newest first, each with its reason in Japanese.
 */
export const staffWebhookEventsRoute = new Hono<AppEnv>().get(
  '/',
  requirePermission('webhook.read'),
  queryOf(WebhookProblemsQuerySchema),
  async (c) => c.json(await c.var.services.webhookProblems.page(c.req.valid('query'))),
)
