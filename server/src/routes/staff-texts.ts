import {
  BusinessHoursSchema,
  ShopTextPreviewRequestSchema,
  ShopTextResetSchema,
  ShopTextUpdateSchema,
} from '@joren/shared'
import { Hono } from 'hono'
import type { AppEnv } from '../middleware/env.ts'
import { requirePermission } from '../middleware/staff-auth.ts'
import { jsonBody } from './validation.ts'

/**
 * /api/staff/texts: the shop's editable texts (welcome, welcome back, receipt, hand-over
 * acknowledgements, coupon note) and business hours. Owner and admin only: they are what every
 * customer reads.
 */
export const staffTextsRoute = new Hono<AppEnv>()
  .get('/', requirePermission('settings.write'), async (c) =>
    c.json(await c.var.services.texts.list()),
  )
  .put('/', requirePermission('settings.write'), jsonBody(ShopTextUpdateSchema), async (c) =>
    c.json(await c.var.services.texts.update(c.var.staff, c.req.valid('json'))),
  )
  .post('/reset', requirePermission('settings.write'), jsonBody(ShopTextResetSchema), async (c) =>
    c.json(await c.var.services.texts.reset(c.var.staff, c.req.valid('json'))),
  )
  .post(
    '/preview',
    requirePermission('settings.write'),
    jsonBody(ShopTextPreviewRequestSchema),
    async (c) => c.json(await c.var.services.texts.preview(c.req.valid('json'))),
  )
  .put('/hours', requirePermission('settings.write'), jsonBody(BusinessHoursSchema), async (c) =>
    c.json(await c.var.services.texts.updateHours(c.var.staff, c.req.valid('json'))),
  )
