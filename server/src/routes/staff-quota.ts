import { Hono } from 'hono'
import type { AppEnv } from '../middleware/env.ts'
import { requirePermission } from '../middleware/staff-auth.ts'

/**
 * /api/staff/quota: the month's LINE message quota (used, left, a warning from 80 %, or
 * "unknown" when LINE's quota endpoints do not answer) for the console's widget. Read by those
 * who send broadcasts.
 */
export const staffQuotaRoute = new Hono<AppEnv>().get(
  '/',
  requirePermission('broadcasts.read'),
  async (c) => c.json(await c.var.services.quota.current()),
)
