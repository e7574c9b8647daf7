import {
  CouponIdParamSchema,
  ExchangeRequestSchema,
  type CouponList,
  type CouponRedeemed,
  type CouponView,
} from '@joren/shared'
import { Hono, type Context } from 'hono'
import type { AppEnv } from '../deps.ts'
import { issueCouponToken } from '../domain/coupons/coupon-token.ts'
import {
  couponRefusal,
  effectiveState,
  exchangeCatalogue,
  exchangeForCoupon,
  redeemCoupon,
  type PointsSpender,
  type StoredCoupon,
} from '../domain/coupons/coupons.ts'
import { CouponNotFound } from '../domain/coupons/errors.ts'
import { readShopSettings } from '../domain/shop/settings.ts'
import { memberAuth } from '../middleware/member-auth.ts'
import { couponDepsOf } from './coupon-deps.ts'
import { parseBody, parseInput } from './validation.ts'

function view({ memberId: _member, ...coupon }: StoredCoupon, now: number): CouponView {
  return effectiveState(coupon, now)
}

function pointsOf(c: Context<AppEnv>): PointsSpender {
  const { points } = c.var.deps.repositories
  return {
    balance: (memberId, now) => points.balance(memberId, now),
    spendStatements: (input) => points.spendStatements(input),
  }
}

async function ownCoupon(c: Context<AppEnv>, id: number): Promise<StoredCoupon> {
  const coupon = await c.var.deps.repositories.coupons.find(id)
  if (!coupon || coupon.memberId !== c.var.member.memberId) throw new CouponNotFound()
  return coupon
}

/**
 * /api/liff/coupons: the member's own coupons (the member is the verified token's `sub`), the QR
 * staff scan, "use now" in front of staff, and the points exchange.
 */
export const liffCouponsRoute = new Hono<AppEnv>()
  .use(memberAuth)
  .get('/', async (c) => {
    const now = c.var.deps.clock.now()
    const list = await c.var.deps.repositories.coupons.listForMember(c.var.member.memberId)
    const body: CouponList = { coupons: list.map((coupon) => effectiveState(coupon, now)) }
    return c.json(body)
  })
  .get('/exchange', async (c) =>
    c.json(
      await exchangeCatalogue({ ...couponDepsOf(c), points: pointsOf(c) }, c.var.member.memberId),
    ),
  )
  .post('/exchange', async (c) => {
    const { templateId, requestId } = await parseBody(c, ExchangeRequestSchema)
    const deps = { ...couponDepsOf(c), points: pointsOf(c) }
    const coupon = await exchangeForCoupon(deps, {
      memberId: c.var.member.memberId,
      templateId,
      requestId,
    })
    return c.json(view(coupon, deps.now()), 201)
  })
  .get('/:id', async (c) => {
    const { id } = parseInput(CouponIdParamSchema, c.req.param())
    return c.json(view(await ownCoupon(c, id), c.var.deps.clock.now()))
  })
  .get('/:id/code', async (c) => {
    const { id } = parseInput(CouponIdParamSchema, c.req.param())
    const deps = couponDepsOf(c)
    const coupon = view(await ownCoupon(c, id), deps.now())
    // Only a usable coupon gets a code; a used or revoked one says why, like a redemption would.
    if (coupon.state !== 'issued') throw couponRefusal(coupon, deps.now(), deps.timeZone)
    return c.json(await issueCouponToken(id, deps.now(), await c.var.deps.cardKey()))
  })
  .post('/:id/use', async (c) => {
    const { id } = parseInput(CouponIdParamSchema, c.req.param())
    const deps = couponDepsOf(c)
    const redeemed = await redeemCoupon(deps, {
      couponId: id,
      memberId: c.var.member.memberId,
      staffId: null,
      via: 'member_confirm',
      now: deps.now(),
    })
    const { repositories, config } = c.var.deps
    const shop = await readShopSettings(repositories.settings, config.sandbox)
    const body: CouponRedeemed = {
      coupon: view(redeemed, deps.now()),
      memberNumber: c.var.member.memberNumber,
      shopName: shop.name,
    }
    return c.json(body)
  })
