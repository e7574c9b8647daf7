import { ShopSettingsSchema } from '@joren/shared'
import { Hono } from 'hono'
import type { AppEnv } from '../middleware/env.ts'
import { requirePermission } from '../middleware/staff-auth.ts'
import { jsonBody } from './validation.ts'

/** /api/staff/settings: every role reads the shop name and categories; owner and admin change them. */
export const staffSettingsRoute = new Hono<AppEnv>()
  .get('/', requirePermission('settings.read'), async (c) =>
    c.json(await c.var.services.settings.read()),
  )
  .put('/', requirePermission('settings.write'), jsonBody(ShopSettingsSchema), async (c) =>
    c.json(await c.var.services.settings.update(c.var.staff, c.req.valid('json'))),
  )
