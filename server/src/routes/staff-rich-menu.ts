import { RICH_MENU_IMAGE_MAX_BYTES, RichMenuPublishQuerySchema } from '@joren/shared'
import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { DomainError, PayloadTooLarge } from '../domain/errors.ts'
import type { AppEnv } from '../middleware/env.ts'
import { requirePermission } from '../middleware/staff-auth.ts'
import { queryOf } from './validation.ts'

/** A PNG of at most 1 MB: refused before it is read when the Content-Length says more. */
const imageLimit = bodyLimit({
  maxSize: RICH_MENU_IMAGE_MAX_BYTES,
  onError: () => {
    throw new PayloadTooLarge(RICH_MENU_IMAGE_MAX_BYTES)
  },
})

/**
 * /api/staff/rich-menu: what the console draws (GET) and the PNG it drew (POST, `image/png`
 * body, ≤ 1 MB), published as the default rich menu; owner and admin only.
 */
export const staffRichMenuRoute = new Hono<AppEnv>()
  .get('/', requirePermission('settings.write'), async (c) =>
    c.json(await c.var.services.richMenu.view()),
  )
  .post(
    '/',
    requirePermission('settings.write'),
    imageLimit,
    queryOf(RichMenuPublishQuerySchema),
    async (c) => {
      const type = c.req.header('content-type')?.split(';')[0]?.trim().toLowerCase()
      if (type !== 'image/png')
        throw new DomainError(
          415,
          'unsupported_media_type',
          'リッチメニュー画像は PNG（Content-Type: image/png）で送ってください。',
        )
      const png = new Uint8Array(await c.req.arrayBuffer())
      const result = await c.var.services.richMenu.publish(
        c.var.staff,
        png,
        c.req.valid('query').colour,
      )
      return c.json(result, 201)
    },
  )
