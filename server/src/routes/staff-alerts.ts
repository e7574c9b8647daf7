import { AlertPrefsSchema, StaffAlertIdParamSchema, StaffAlertsQuerySchema } from '@joren/shared'
import { Hono } from 'hono'
import type { AppEnv } from '../middleware/env.ts'
import { requirePermission } from '../middleware/staff-auth.ts'
import { jsonBody, paramsOf, queryOf } from './validation.ts'

/** /api/staff/alerts: new conversations and low survey scores, newest first; resolve one. */
export const staffAlertsRoute = new Hono<AppEnv>()
  .get('/', requirePermission('alerts.read'), queryOf(StaffAlertsQuerySchema), async (c) =>
    c.json(await c.var.services.support.alerts.list(c.req.valid('query'))),
  )
  .post(
    '/:id/resolve',
    requirePermission('alerts.read'),
    paramsOf(StaffAlertIdParamSchema),
    async (c) =>
      c.json(await c.var.services.support.alerts.resolve(c.var.staff, c.req.valid('param').id)),
  )

/** /api/staff/me/alert-prefs: one's own LINE alert opt-in and quiet hours. */
export const staffAlertPrefsRoute = new Hono<AppEnv>()
  .get('/', requirePermission('alerts.read'), async (c) =>
    c.json(await c.var.services.support.alerts.prefs(c.var.staff)),
  )
  .put('/', requirePermission('alerts.read'), jsonBody(AlertPrefsSchema), async (c) =>
    c.json(await c.var.services.support.alerts.savePrefs(c.var.staff, c.req.valid('json'))),
  )
