import { Hono } from 'hono'
import type { AppEnv } from '../middleware/env.ts'
import { memberAuth } from '../middleware/member-auth.ts'

/** /api/liff/points: the signed-in member's balance, tier and progress, expiry and history. */
export const liffPointsRoute = new Hono<AppEnv>()
  .use(memberAuth)
  .get('/', async (c) => c.json(await c.var.services.loyalty.myPoints(c.var.member.memberId)))
