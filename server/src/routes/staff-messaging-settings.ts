import { MessagingSettingsSchema } from '@joren/shared'
import { Hono } from 'hono'
import type { AppEnv } from '../middleware/env.ts'
import { requirePermission } from '../middleware/staff-auth.ts'
import { jsonBody } from './validation.ts'

/**
 * /api/staff/settings/messaging: who marketing messages go to by default and the automatic
 * pushes' switches (receipt, tier-up, stamp card). Every role reads; owner and admin change them.
 */
export const staffMessagingSettingsRoute = new Hono<AppEnv>()
  .get('/', requirePermission('settings.read'), async (c) =>
    c.json(await c.var.services.messagingSettings.read()),
  )
  .put('/', requirePermission('settings.write'), jsonBody(MessagingSettingsSchema), async (c) =>
    c.json(await c.var.services.messagingSettings.update(c.var.staff, c.req.valid('json'))),
  )
