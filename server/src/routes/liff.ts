import { MarketingChoiceUpdateSchema, ProfileUpdateSchema } from '@joren/shared'
import { Hono } from 'hono'
import type { AppEnv } from '../middleware/env.ts'
import { memberAuth } from '../middleware/member-auth.ts'
import { jsonBody } from './validation.ts'

/**
 * /api/liff: the member mini-app. Every route acts on `c.var.member`, the member behind the
 * verified ID token; no user or member ID is ever taken from the request.
 */
export const liffRoute = new Hono<AppEnv>()
  .use(memberAuth)
  .get('/me', async (c) => c.json(await c.var.services.memberApp.me(c.var.member.memberId)))
  .put('/profile', jsonBody(ProfileUpdateSchema), async (c) =>
    c.json(await c.var.services.memberApp.saveProfile(c.var.member.memberId, c.req.valid('json'))),
  )
  .get('/marketing', async (c) =>
    c.json(await c.var.services.memberApp.marketing(c.var.member.memberId)),
  )
  // 「お知らせを受け取らない」: the member's own choice; replies and receipts still come.
  .put('/marketing', jsonBody(MarketingChoiceUpdateSchema), async (c) =>
    c.json(
      await c.var.services.memberApp.setMarketing(
        c.var.member.memberId,
        c.req.valid('json').receive,
      ),
    ),
  )
  .get('/card', async (c) => c.json(await c.var.services.memberApp.card(c.var.member.memberNumber)))
