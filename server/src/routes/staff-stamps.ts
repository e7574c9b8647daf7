import { MemberNumberParamSchema, StampCardSettingsSchema } from '@joren/shared'
import { Hono } from 'hono'
import type { AppEnv } from '../middleware/env.ts'
import { requirePermission } from '../middleware/staff-auth.ts'
import { jsonBody, paramsOf } from './validation.ts'

/** /api/staff/stamp-card: points, stamps or both, the stamp rule and reward; a member's card. */
export const staffStampsRoute = new Hono<AppEnv>()
  .get('/', requirePermission('loyalty.read'), async (c) =>
    c.json(await c.var.services.stamps.settings()),
  )
  .put('/', requirePermission('loyalty.write'), jsonBody(StampCardSettingsSchema), async (c) =>
    c.json(await c.var.services.stamps.updateSettings(c.var.staff, c.req.valid('json'))),
  )
  .get(
    '/members/:memberNumber',
    requirePermission('purchases.read'),
    paramsOf(MemberNumberParamSchema),
    async (c) => c.json(await c.var.services.stamps.memberCard(c.req.valid('param').memberNumber)),
  )
