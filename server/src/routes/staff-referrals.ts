import { ReferralListQuerySchema, ReferralSettingsSchema } from '@joren/shared'
import { Hono } from 'hono'
import type { AppEnv } from '../middleware/env.ts'
import { requirePermission } from '../middleware/staff-auth.ts'
import { jsonBody, queryOf } from './validation.ts'

/** /api/staff/referrals: the program's settings (owner / admin), the list with reasons, figures. */
export const staffReferralsRoute = new Hono<AppEnv>()
  .get('/settings', requirePermission('referrals.read'), async (c) =>
    c.json(await c.var.services.referrals.settings()),
  )
  .put(
    '/settings',
    requirePermission('referrals.manage'),
    jsonBody(ReferralSettingsSchema),
    async (c) =>
      c.json(await c.var.services.referrals.updateSettings(c.var.staff, c.req.valid('json'))),
  )
  .get('/', requirePermission('referrals.read'), queryOf(ReferralListQuerySchema), async (c) =>
    c.json(await c.var.services.referrals.list(c.req.valid('query'))),
  )
  .get('/stats', requirePermission('referrals.read'), async (c) =>
    c.json(await c.var.services.referrals.stats()),
  )
