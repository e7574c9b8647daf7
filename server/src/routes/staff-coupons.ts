import {
  CouponIssueSchema,
  CouponRedeemSchema,
  CouponTemplateCreateSchema,
  CouponTemplateUpdateSchema,
  isTypedCouponCode,
  MemberNumberParamSchema,
  WelcomeCouponSettingSchema,
} from '@joren/shared'
import { Hono } from 'hono'
import { z } from 'zod'
import type { AppEnv } from '../middleware/env.ts'
import { rateLimit } from '../middleware/rate-limit.ts'
import { requirePermission } from '../middleware/staff-auth.ts'
import { jsonBody, paramsOf } from './validation.ts'

const TemplateIdParamSchema = z.object({ id: z.coerce.number().int().positive() })
const MemberCouponParamSchema = MemberNumberParamSchema.extend({
  id: z.coerce.number().int().positive(),
})

/** /api/staff/coupons: templates (owner / admin) and the welcome coupon (owner). */
export const staffCouponsRoute = new Hono<AppEnv>()
  .get('/templates', requirePermission('coupons.issue'), async (c) =>
    c.json(await c.var.services.coupons.listTemplates()),
  )
  .post(
    '/templates',
    requirePermission('coupons.manage'),
    jsonBody(CouponTemplateCreateSchema),
    async (c) =>
      c.json(await c.var.services.coupons.createTemplate(c.var.staff, c.req.valid('json')), 201),
  )
  .patch(
    '/templates/:id',
    requirePermission('coupons.manage'),
    paramsOf(TemplateIdParamSchema),
    jsonBody(CouponTemplateUpdateSchema),
    async (c) =>
      c.json(
        await c.var.services.coupons.updateTemplate(
          c.var.staff,
          c.req.valid('param').id,
          c.req.valid('json'),
        ),
      ),
  )
  .post(
    '/templates/:id/archive',
    requirePermission('coupons.manage'),
    paramsOf(TemplateIdParamSchema),
    async (c) =>
      c.json(await c.var.services.coupons.archiveTemplate(c.var.staff, c.req.valid('param').id)),
  )
  .get('/welcome', requirePermission('coupons.manage'), async (c) =>
    c.json(await c.var.services.coupons.welcome()),
  )
  .put(
    '/welcome',
    requirePermission('coupons.welcome'),
    jsonBody(WelcomeCouponSettingSchema),
    async (c) => c.json(await c.var.services.coupons.setWelcome(c.var.staff, c.req.valid('json'))),
  )

/** /api/staff/members/:memberNumber/coupons: a member's coupons, issue one, revoke one. */
export const staffMemberCouponsRoute = new Hono<AppEnv>()
  .get(
    '/:memberNumber/coupons',
    requirePermission('members.read'),
    paramsOf(MemberNumberParamSchema),
    async (c) =>
      c.json(await c.var.services.coupons.memberCoupons(c.req.valid('param').memberNumber)),
  )
  .post(
    '/:memberNumber/coupons',
    requirePermission('coupons.issue'),
    paramsOf(MemberNumberParamSchema),
    jsonBody(CouponIssueSchema),
    async (c) =>
      c.json(
        await c.var.services.coupons.issue(
          c.var.staff,
          c.req.valid('param').memberNumber,
          c.req.valid('json').templateId,
          c.req.valid('json').notify === true,
        ),
        201,
      ),
  )
  .post(
    '/:memberNumber/coupons/:id/revoke',
    requirePermission('coupons.revoke'),
    paramsOf(MemberCouponParamSchema),
    async (c) => {
      const { memberNumber, id } = c.req.valid('param')
      return c.json(await c.var.services.coupons.revoke(c.var.staff, memberNumber, id))
    },
  )

/**
 * /api/staff/register/coupons: redeem at the register (scanned QR, typed short code, or picked for
 * a member); unknown codes count against the coupon-code guessing limit.
 */
export const staffRegisterCouponsRoute = new Hono<AppEnv>().post(
  '/redeem',
  requirePermission('coupons.redeem'),
  jsonBody(CouponRedeemSchema),
  // Only typed codes are guessable (a signed QR is not; a picked coupon is the member's own).
  rateLimit('coupon_code', {
    when: async (c) => {
      const body: unknown = await c.req.json()
      return (
        typeof body === 'object' &&
        body !== null &&
        'code' in body &&
        typeof body.code === 'string' &&
        isTypedCouponCode(body.code)
      )
    },
  }),
  async (c) =>
    c.json(await c.var.services.coupons.redeemAtRegister(c.var.staff, c.req.valid('json'))),
)
