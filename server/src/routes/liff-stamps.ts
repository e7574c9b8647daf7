import { Hono } from 'hono'
import type { AppEnv } from '../middleware/env.ts'
import { memberAuth } from '../middleware/member-auth.ts'

/** /api/liff/stamps: the signed-in member's stamp card (always the verified token's member). */
export const liffStampsRoute = new Hono<AppEnv>()
  .use(memberAuth)
  .get('/', async (c) => c.json(await c.var.services.stamps.card(c.var.member.memberId)))
