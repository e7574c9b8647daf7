import { Hono } from 'hono'
import type { AppEnv } from '../deps.ts'
import { pointsSummary } from '../domain/loyalty/summary.ts'
import { memberAuth } from '../middleware/member-auth.ts'
import { loyaltyDeps } from './loyalty-deps.ts'

/** /api/liff/points: the signed-in member's balance, tier and progress, expiry and history. */
export const liffPointsRoute = new Hono<AppEnv>()
  .use(memberAuth)
  .get('/', async (c) => c.json(await pointsSummary(loyaltyDeps(c), c.var.member.memberId, 50)))
