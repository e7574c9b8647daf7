import {
  ApiKeyCreateSchema,
  ApiKeyIdParamSchema,
  CsvImportQuerySchema,
  EarningRuleSchema,
  MemberNumberParamSchema,
  PointsAdjustSchema,
  PurchaseIdParamSchema,
  PurchasesQuerySchema,
  RegisterMemberLookupSchema,
  RegisterPurchaseSchema,
  TiersUpdateSchema,
} from '@joren/shared'
import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { PayloadTooLarge } from '../domain/errors.ts'
import { CSV_MAX_BYTES } from '../domain/loyalty/csv.ts'
import type { AppEnv } from '../middleware/env.ts'
import { requirePermission } from '../middleware/staff-auth.ts'
import { replayedResponse } from './idempotent-replay.ts'
import { jsonBody, paramsOf, queryOf } from './validation.ts'

/** /api/staff/register: the register records a purchase for a scanned card or typed number. */
export const staffRegisterPurchasesRoute = new Hono<AppEnv>()
  .post(
    '/purchases',
    requirePermission('purchases.register'),
    jsonBody(RegisterPurchaseSchema),
    async (c) => {
      const reply = await c.var.services.loyalty.registerPurchase(
        c.var.staff,
        c.req.valid('json'),
        c.var.defer,
      )
      return reply.replayed ? replayedResponse(reply) : c.json(reply.body, 201)
    },
  )
  // POST (not GET): a scanned card's code does not belong in a URL or an access log.
  .post(
    '/member',
    requirePermission('purchases.register'),
    jsonBody(RegisterMemberLookupSchema),
    async (c) => c.json(await c.var.services.loyalty.registerMember(c.req.valid('json'))),
  )

const csvLimit = bodyLimit({
  maxSize: CSV_MAX_BYTES,
  onError: () => {
    throw new PayloadTooLarge(CSV_MAX_BYTES)
  },
})

/** /api/staff/purchases: history, refunds, CSV import. */
export const staffPurchasesRoute = new Hono<AppEnv>()
  .get('/', requirePermission('purchases.read'), queryOf(PurchasesQuerySchema), async (c) =>
    c.json(await c.var.services.loyalty.listPurchases(c.req.valid('query'))),
  )
  .post(
    '/import',
    requirePermission('purchases.import'),
    csvLimit,
    queryOf(CsvImportQuerySchema),
    async (c) => {
      const { dryRun, points } = c.req.valid('query')
      const bytes = new Uint8Array(await c.req.arrayBuffer())
      const result = await c.var.services.loyalty.importCsv(
        c.var.staff,
        bytes,
        dryRun === 'true',
        points === 'grant',
      )
      return c.json(result, result.errors.length > 0 && !result.dryRun ? 422 : 200)
    },
  )
  .post(
    '/:id/refund',
    requirePermission('purchases.refund'),
    paramsOf(PurchaseIdParamSchema),
    async (c) => c.json(await c.var.services.loyalty.refund(c.var.staff, c.req.valid('param').id)),
  )

/** /api/staff/members/:memberNumber/points: a member's ledger, balance and manual adjustments. */
export const staffMemberPointsRoute = new Hono<AppEnv>()
  .get(
    '/:memberNumber/points',
    requirePermission('purchases.read'),
    paramsOf(MemberNumberParamSchema),
    async (c) =>
      c.json(await c.var.services.loyalty.memberPoints(c.req.valid('param').memberNumber)),
  )
  .post(
    '/:memberNumber/points/adjustments',
    requirePermission('points.adjust'),
    paramsOf(MemberNumberParamSchema),
    jsonBody(PointsAdjustSchema),
    async (c) => {
      const { points, reason } = c.req.valid('json')
      return c.json(
        await c.var.services.loyalty.adjustPoints(
          c.var.staff,
          c.req.valid('param').memberNumber,
          points,
          reason,
        ),
      )
    },
  )

/** /api/staff/loyalty: the earning rule and tiers (owner edits). */
export const staffLoyaltyRoute = new Hono<AppEnv>()
  .get('/', requirePermission('loyalty.read'), async (c) =>
    c.json(await c.var.services.loyalty.settings()),
  )
  .put('/rule', requirePermission('loyalty.write'), jsonBody(EarningRuleSchema), async (c) =>
    c.json(await c.var.services.loyalty.updateRule(c.var.staff, c.req.valid('json'))),
  )
  .put('/tiers', requirePermission('loyalty.write'), jsonBody(TiersUpdateSchema), async (c) =>
    c.json(await c.var.services.loyalty.updateTiers(c.var.staff, c.req.valid('json').tiers)),
  )

/** /api/staff/api-keys: integration keys (shown once, stored hashed, revocable). */
export const staffApiKeysRoute = new Hono<AppEnv>()
  .get('/', requirePermission('apikeys.manage'), async (c) =>
    c.json(await c.var.services.loyalty.listApiKeys()),
  )
  .post('/', requirePermission('apikeys.manage'), jsonBody(ApiKeyCreateSchema), async (c) =>
    c.json(await c.var.services.loyalty.createApiKey(c.var.staff, c.req.valid('json')), 201),
  )
  .delete('/:id', requirePermission('apikeys.manage'), paramsOf(ApiKeyIdParamSchema), async (c) =>
    c.json(await c.var.services.loyalty.revokeApiKey(c.var.staff, c.req.valid('param').id)),
  )
