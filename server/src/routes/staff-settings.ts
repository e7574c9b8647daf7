import { ShopSettingsSchema } from '@joren/shared'
import { Hono } from 'hono'
import type { AppEnv } from '../deps.ts'
import { readShopSettings, updateShopSettings } from '../domain/shop/settings.ts'
import { requirePermission } from '../middleware/staff-auth.ts'
import { parseBody } from './validation.ts'

/** /api/staff/settings: every role reads the shop name and categories; owner and admin change them. */
export const staffSettingsRoute = new Hono<AppEnv>()
  .get('/', requirePermission('settings.read'), async (c) => {
    const { repositories, config } = c.var.deps
    return c.json(await readShopSettings(repositories.settings, config.sandbox))
  })
  .put('/', requirePermission('settings.write'), async (c) => {
    const next = await parseBody(c, ShopSettingsSchema)
    const { repositories, config, clock } = c.var.deps
    const saved = await updateShopSettings(
      {
        settings: repositories.settings,
        audit: repositories.audit,
        sandbox: config.sandbox,
        now: () => clock.now(),
      },
      c.var.staff.id,
      next,
    )
    return c.json(saved)
  })
