import { DashboardQuerySchema } from '@joren/shared'
import { Hono } from 'hono'
import type { AppEnv } from '../middleware/env.ts'
import { requirePermission } from '../middleware/staff-auth.ts'
import { queryOf } from './validation.ts'

/**
 * /api/staff/dashboard: the retention dashboard's figures for a period and the one before;
 * /insights: its campaign, coupon, satisfaction and message-economy sections (loaded after).
 */
export const staffDashboardRoute = new Hono<AppEnv>()
  .get('/', requirePermission('dashboard.read'), queryOf(DashboardQuerySchema), async (c) =>
    c.json(await c.var.services.kpis.dashboard(c.req.valid('query'))),
  )
  .get('/insights', requirePermission('dashboard.read'), queryOf(DashboardQuerySchema), async (c) =>
    c.json(await c.var.services.kpiInsights.insights(c.req.valid('query'))),
  )
