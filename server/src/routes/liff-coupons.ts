import { CouponIdParamSchema, ExchangeRequestSchema } from '@joren/shared'
import { Hono } from 'hono'
import type { AppEnv } from '../middleware/env.ts'
import { memberAuth } from '../middleware/member-auth.ts'
import { jsonBody, paramsOf } from './validation.ts'

/**
 * /api/liff/coupons: the member's own coupons (the member is the verified token's `sub`), the QR
 * staff scan, "use now" in front of staff, and the points exchange.
 */
export const liffCouponsRoute = new Hono<AppEnv>()
  .use(memberAuth)
  .get('/', async (c) => c.json(await c.var.services.coupons.mine(c.var.member.memberId)))
  .get('/exchange', async (c) =>
    c.json(await c.var.services.coupons.exchangeCatalogue(c.var.member.memberId)),
  )
  .post('/exchange', jsonBody(ExchangeRequestSchema), async (c) => {
    const { templateId, requestId } = c.req.valid('json')
    return c.json(
      await c.var.services.coupons.exchange(c.var.member.memberId, templateId, requestId),
      201,
    )
  })
  .get('/:id', paramsOf(CouponIdParamSchema), async (c) =>
    c.json(await c.var.services.coupons.myCoupon(c.var.member.memberId, c.req.valid('param').id)),
  )
  .get('/:id/code', paramsOf(CouponIdParamSchema), async (c) =>
    c.json(await c.var.services.coupons.code(c.var.member.memberId, c.req.valid('param').id)),
  )
  .post('/:id/use', paramsOf(CouponIdParamSchema), async (c) =>
    c.json(await c.var.services.coupons.useNow(c.var.member, c.req.valid('param').id)),
  )
