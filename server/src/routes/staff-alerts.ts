import { AlertPrefsSchema, StaffAlertIdParamSchema, StaffAlertsQuerySchema } from '@joren/shared'
import { Hono, type Context } from 'hono'
import type { AppEnv } from '../deps.ts'
import { InvalidRequest } from '../domain/errors.ts'
import { StaffAlertNotFound } from '../domain/support/errors.ts'
import { requirePermission } from '../middleware/staff-auth.ts'
import { staffAlertStoreOf } from '../support-services.ts'
import { parseBody, parseInput } from './validation.ts'

const alertStore = (c: Context<AppEnv>) => staffAlertStoreOf(c.var.deps.db)

/** /api/staff/alerts: new conversations and low survey scores, newest first; resolve one. */
export const staffAlertsRoute = new Hono<AppEnv>()
  .get('/', requirePermission('alerts.read'), async (c) => {
    const query = parseInput(StaffAlertsQuerySchema, c.req.query())
    let beforeId: number | null = null
    if (query.cursor) {
      if (!/^\d{1,12}$/.test(query.cursor))
        throw new InvalidRequest('cursor: 正しくないカーソルです')
      beforeId = Number(query.cursor)
    }
    const rows = await alertStore(c).list({
      open: query.status === 'open',
      beforeId,
      limit: query.limit + 1,
    })
    const items = rows.slice(0, query.limit)
    const last = items.at(-1)
    return c.json({
      items,
      nextCursor: rows.length > query.limit && last ? String(last.id) : null,
    })
  })
  .post('/:id/resolve', requirePermission('alerts.read'), async (c) => {
    const { id } = parseInput(StaffAlertIdParamSchema, c.req.param())
    const store = alertStore(c)
    const resolved = await store.resolve(id, c.var.staff.id, c.var.deps.clock.now())
    if (!resolved && !(await store.exists(id))) throw new StaffAlertNotFound()
    return c.json({ resolved })
  })

/** /api/staff/me/alert-prefs: one's own LINE alert opt-in and quiet hours. */
export const staffAlertPrefsRoute = new Hono<AppEnv>()
  .get('/', requirePermission('alerts.read'), async (c) => {
    return c.json(await alertStore(c).prefs(c.var.staff.id))
  })
  .put('/', requirePermission('alerts.read'), async (c) => {
    const prefs = await parseBody(c, AlertPrefsSchema)
    const store = alertStore(c)
    await store.savePrefs(c.var.staff.id, prefs, c.var.deps.clock.now())
    return c.json(await store.prefs(c.var.staff.id))
  })
