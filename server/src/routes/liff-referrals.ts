import { ReferralClaimSchema } from '@joren/shared'
import { Hono } from 'hono'
import type { AppEnv } from '../middleware/env.ts'
import { requireLineUser } from '../middleware/line-auth.ts'
import { memberAuth } from '../middleware/member-auth.ts'
import { jsonBody } from './validation.ts'

/**
 * /api/liff/referrals: the member's 友だち紹介 screen (code, link, card, referrals), and the
 * newcomer's claim — by a verified ID token only, since a newcomer is not a friend yet.
 */
export const liffReferralsRoute = new Hono<AppEnv>()
  .get('/', memberAuth, async (c) =>
    c.json(await c.var.services.referrals.mine(c.var.member.memberId)),
  )
  .post('/claim', requireLineUser, jsonBody(ReferralClaimSchema), async (c) =>
    c.json(await c.var.services.referrals.claim(c.var.lineUserId, c.req.valid('json').code)),
  )
