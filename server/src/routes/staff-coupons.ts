import {
  CouponIssueSchema,
  CouponRedeemSchema,
  CouponTemplateCreateSchema,
  CouponTemplateUpdateSchema,
  MemberNumberParamSchema,
  WelcomeCouponSettingSchema,
  type CouponList,
  type CouponRedeemed,
  type CouponView,
} from '@joren/shared'
import { Hono } from 'hono'
import { z } from 'zod'
import type { AppEnv } from '../deps.ts'
import { verifyCouponToken } from '../domain/coupons/coupon-token.ts'
import {
  effectiveState,
  issueCoupon,
  redeemCoupon,
  revokeCoupon,
  updateTemplate,
  type StoredCoupon,
} from '../domain/coupons/coupons.ts'
import {
  CouponCodeInvalid,
  CouponNotFound,
  CouponTemplateNotFound,
} from '../domain/coupons/errors.ts'
import { readWelcomeSetting, updateWelcomeSetting } from '../domain/coupons/welcome.ts'
import { MemberNotFound } from '../domain/members/directory.ts'
import { readShopSettings } from '../domain/shop/settings.ts'
import { requirePermission } from '../middleware/staff-auth.ts'
import { couponDepsOf } from './coupon-deps.ts'
import { parseBody, parseInput } from './validation.ts'

const TemplateIdParamSchema = z.object({ id: z.coerce.number().int().positive() })
const MemberCouponParamSchema = MemberNumberParamSchema.extend({
  id: z.coerce.number().int().positive(),
})

function view({ memberId: _member, ...coupon }: StoredCoupon): CouponView {
  return coupon
}

/** /api/staff/coupons: templates (owner / admin) and the welcome coupon (owner). */
export const staffCouponsRoute = new Hono<AppEnv>()
  .get('/templates', requirePermission('coupons.issue'), async (c) => {
    const { repositories, clock } = c.var.deps
    return c.json({ templates: await repositories.coupons.listTemplates(clock.now()) })
  })
  .post('/templates', requirePermission('coupons.manage'), async (c) => {
    const input = await parseBody(c, CouponTemplateCreateSchema)
    const { repositories, clock } = c.var.deps
    const template = await repositories.coupons.createTemplate(input, clock.now())
    await repositories.audit.record(
      {
        staffId: c.var.staff.id,
        action: 'coupon_template.create',
        targetType: 'coupon_template',
        targetId: String(template.id),
        before: null,
        after: template,
      },
      clock.now(),
    )
    return c.json(template, 201)
  })
  .patch('/templates/:id', requirePermission('coupons.manage'), async (c) => {
    const { id } = parseInput(TemplateIdParamSchema, c.req.param())
    const patch = await parseBody(c, CouponTemplateUpdateSchema)
    const deps = couponDepsOf(c)
    const before = await deps.coupons.findTemplate(id)
    const updated = await updateTemplate(deps, id, patch)
    await c.var.deps.repositories.audit.record(
      {
        staffId: c.var.staff.id,
        action: 'coupon_template.update',
        targetType: 'coupon_template',
        targetId: String(id),
        before,
        after: updated,
      },
      deps.now(),
    )
    return c.json(updated)
  })
  .post('/templates/:id/archive', requirePermission('coupons.manage'), async (c) => {
    const { id } = parseInput(TemplateIdParamSchema, c.req.param())
    const { repositories, clock } = c.var.deps
    const archived = await repositories.coupons.archiveTemplate(id, clock.now())
    if (!archived) throw new CouponTemplateNotFound()
    await repositories.audit.record(
      {
        staffId: c.var.staff.id,
        action: 'coupon_template.archive',
        targetType: 'coupon_template',
        targetId: String(id),
        before: { status: 'active' },
        after: { status: 'archived' },
      },
      clock.now(),
    )
    return c.json(archived)
  })
  .get('/welcome', requirePermission('coupons.manage'), async (c) =>
    c.json(await readWelcomeSetting(c.var.deps.repositories.settings)),
  )
  .put('/welcome', requirePermission('coupons.welcome'), async (c) => {
    const next = await parseBody(c, WelcomeCouponSettingSchema)
    const { repositories } = c.var.deps
    const deps = { ...couponDepsOf(c), settings: repositories.settings, audit: repositories.audit }
    return c.json(await updateWelcomeSetting(deps, c.var.staff.id, next))
  })

async function memberIdOf(c: Parameters<typeof couponDepsOf>[0], memberNumber: string) {
  const id = await c.var.deps.repositories.coupons.memberIdByNumber(memberNumber)
  if (id === null) throw new MemberNotFound()
  return id
}

/** /api/staff/members/:memberNumber/coupons: a member's coupons, issue one, revoke one. */
export const staffMemberCouponsRoute = new Hono<AppEnv>()
  .get('/:memberNumber/coupons', requirePermission('members.read'), async (c) => {
    const { memberNumber } = parseInput(MemberNumberParamSchema, c.req.param())
    const memberId = await memberIdOf(c, memberNumber)
    const now = c.var.deps.clock.now()
    const list = await c.var.deps.repositories.coupons.listForMember(memberId)
    const body: CouponList = { coupons: list.map((coupon) => effectiveState(coupon, now)) }
    return c.json(body)
  })
  .post('/:memberNumber/coupons', requirePermission('coupons.issue'), async (c) => {
    const { memberNumber } = parseInput(MemberNumberParamSchema, c.req.param())
    const { templateId } = await parseBody(c, CouponIssueSchema)
    const memberId = await memberIdOf(c, memberNumber)
    const deps = couponDepsOf(c)
    const coupon = await issueCoupon(deps, {
      templateId,
      memberId,
      source: 'manual',
      sourceRef: `staff:${c.var.staff.id}`,
    })
    await c.var.deps.repositories.audit.record(
      {
        staffId: c.var.staff.id,
        action: 'coupon.issue',
        targetType: 'member',
        targetId: memberNumber,
        before: null,
        after: { couponId: coupon.id, templateId },
      },
      deps.now(),
    )
    return c.json(view(coupon), 201)
  })
  .post('/:memberNumber/coupons/:id/revoke', requirePermission('coupons.revoke'), async (c) => {
    const { memberNumber, id } = parseInput(MemberCouponParamSchema, c.req.param())
    const memberId = await memberIdOf(c, memberNumber)
    const deps = couponDepsOf(c)
    const coupon = await deps.coupons.find(id)
    if (!coupon || coupon.memberId !== memberId) throw new CouponNotFound()
    const revoked = await revokeCoupon(
      { ...deps, audit: c.var.deps.repositories.audit },
      c.var.staff.id,
      id,
    )
    return c.json(view(revoked))
  })

/** /api/staff/register/coupons: redeem at the register (scanned code, or picked for a member). */
export const staffRegisterCouponsRoute = new Hono<AppEnv>().post(
  '/redeem',
  requirePermission('coupons.redeem'),
  async (c) => {
    const input = await parseBody(c, CouponRedeemSchema)
    const { repositories, config, cardKey } = c.var.deps
    const deps = couponDepsOf(c)
    let couponId: number
    if ('code' in input) {
      const check = await verifyCouponToken(input.code, deps.now(), await cardKey())
      if (!check.ok) throw new CouponCodeInvalid(check.error)
      couponId = check.couponId
    } else {
      const memberId = await memberIdOf(c, input.memberNumber)
      const coupon = await deps.coupons.find(input.couponId)
      if (!coupon || coupon.memberId !== memberId) throw new CouponNotFound()
      couponId = coupon.id
    }
    const redeemed = await redeemCoupon(deps, {
      couponId,
      memberId: null,
      staffId: c.var.staff.id,
      via: 'staff_scan',
      now: deps.now(),
    })
    const member = await repositories.coupons.memberNumberOf(redeemed.memberId)
    await repositories.audit.record(
      {
        staffId: c.var.staff.id,
        action: 'coupon.redeem',
        targetType: 'coupon',
        targetId: String(couponId),
        before: { state: 'issued' },
        after: { state: 'redeemed', redeemedAt: redeemed.redeemedAt },
      },
      deps.now(),
    )
    const shop = await readShopSettings(repositories.settings, config.sandbox)
    const body: CouponRedeemed = {
      coupon: view(redeemed),
      memberNumber: member ?? '',
      shopName: shop.name,
    }
    return c.json(body)
  },
)
