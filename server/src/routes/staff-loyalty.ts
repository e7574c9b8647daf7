import {
  ApiKeyCreateSchema,
  ApiKeyIdParamSchema,
  CsvImportQuerySchema,
  EarningRuleSchema,
  MemberNumberParamSchema,
  PointsAdjustSchema,
  PurchaseIdParamSchema,
  PurchasesQuerySchema,
  RegisterPurchaseSchema,
  TiersUpdateSchema,
  type LoyaltySettings,
} from '@joren/shared'
import { Hono, type Context } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import type { AppEnv } from '../deps.ts'
import { DomainError, PayloadTooLarge } from '../domain/errors.ts'
import { createApiKey, sha256Hex } from '../domain/loyalty/api-keys.ts'
import { CSV_MAX_BYTES } from '../domain/loyalty/csv.ts'
import { CardCodeRefused, MemberNotFound, UnknownCategory } from '../domain/loyalty/errors.ts'
import { importPurchasesCsv } from '../domain/loyalty/import.ts'
import { commit } from '../domain/loyalty/ledger.ts'
import {
  REGISTER_IDEMPOTENCY_NAMESPACE,
  adjustPoints,
  loyaltyTiers,
  recordPurchase,
  refundPurchase,
} from '../domain/loyalty/loyalty.ts'
import { isUniqueFailure } from '../domain/loyalty/points.ts'
import { EARNING_RULE_KEY, readEarningRule } from '../domain/loyalty/rules.ts'
import { pointsSummary } from '../domain/loyalty/summary.ts'
import type { LoyaltyMember } from '../domain/loyalty/store.ts'
import { verifyCardToken } from '../domain/members/card-token.ts'
import { readShopSettings } from '../domain/shop/settings.ts'
import { startOfDayInZone } from '../domain/time.ts'
import { requirePermission } from '../middleware/staff-auth.ts'
import { loyaltyDeps, purchaseResult } from './loyalty-deps.ts'
import { idempotentPurchase } from './loyalty-idempotency.ts'
import { parseBody, parseInput } from './validation.ts'

async function memberByNumber(c: Context<AppEnv>, memberNumber: string): Promise<LoyaltyMember> {
  const member = await c.var.deps.repositories.loyalty.memberByNumber(memberNumber)
  if (!member) throw new MemberNotFound(memberNumber)
  return member
}

/** Category IDs must come from the shop's list (settings). */
export async function checkCategories(c: Context<AppEnv>, categories: string[]): Promise<void> {
  const shop = await readShopSettings(c.var.deps.repositories.settings, c.var.deps.config.sandbox)
  const known = new Set(shop.categories.map((x) => x.id))
  const unknown = categories.filter((x) => !known.has(x))
  if (unknown.length > 0) throw new UnknownCategory(unknown)
}

/** /api/staff/register: the register records a purchase for a scanned card or typed number. */
export const staffRegisterPurchasesRoute = new Hono<AppEnv>().post(
  '/purchases',
  requirePermission('purchases.register'),
  async (c) => {
    const input = await parseBody(c, RegisterPurchaseSchema)
    const { clock, cardKey, ids } = c.var.deps
    let memberNumber = input.memberNumber ?? ''
    if (input.cardToken) {
      const check = await verifyCardToken(input.cardToken, clock.now(), await cardKey())
      if (!check.ok) throw new CardCodeRefused(check.error)
      memberNumber = check.memberNumber
    }
    const member = await memberByNumber(c, memberNumber)
    await checkCategories(c, input.categories)
    const deps = loyaltyDeps(c)
    const key = `register:${input.requestId ?? ids.uuid()}`
    const { cardToken: _ignored, ...hashed } = input
    const requestHash = await sha256Hex(JSON.stringify({ ...hashed, memberNumber }))
    const staffId = c.var.staff.id
    return idempotentPurchase(
      c,
      deps,
      { namespace: REGISTER_IDEMPOTENCY_NAMESPACE, key, requestHash },
      async () => {
        const outcome = await recordPurchase(deps, {
          member,
          amountYen: input.amountYen,
          categories: input.categories,
          store: input.store ?? null,
          purchasedAt: clock.now(),
          externalId: null,
          source: 'register',
          staffId,
          apiKeyId: null,
          idempotency: { apiKeyId: REGISTER_IDEMPOTENCY_NAMESPACE, key, requestHash },
        })
        await deps.audit.record(
          {
            staffId,
            action: 'purchase.register',
            targetType: 'purchase',
            targetId: String(outcome.purchase.id),
            before: null,
            after: {
              memberNumber,
              amountYen: input.amountYen,
              pointsGranted: outcome.purchase.pointsGranted,
            },
          },
          clock.now(),
        )
        return purchaseResult(outcome)
      },
    )
  },
)

const csvLimit = bodyLimit({
  maxSize: CSV_MAX_BYTES,
  onError: () => {
    throw new PayloadTooLarge(CSV_MAX_BYTES)
  },
})

/** /api/staff/purchases: history, refunds, CSV import. */
export const staffPurchasesRoute = new Hono<AppEnv>()
  .get('/', requirePermission('purchases.read'), async (c) => {
    const query = parseInput(PurchasesQuerySchema, c.req.query())
    const tz = c.var.deps.config.SHOP_TIMEZONE
    const member = query.memberNumber ? await memberByNumber(c, query.memberNumber) : null
    const purchases = await c.var.deps.repositories.loyalty.listPurchases({
      memberId: member?.id,
      fromMs: query.from ? startOfDayInZone(query.from, tz) : undefined,
      toMs: query.to ? startOfDayInZone(query.to, tz) + 86_400_000 - 1 : undefined,
      limit: query.limit,
    })
    return c.json({ purchases: purchases.map(({ memberId, ...p }) => p) })
  })
  .post('/import', requirePermission('purchases.import'), csvLimit, async (c) => {
    const { dryRun } = parseInput(CsvImportQuerySchema, c.req.query())
    const bytes = new Uint8Array(await c.req.arrayBuffer())
    let text: string
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
    } catch {
      throw new DomainError(400, 'invalid_csv', 'CSV は UTF-8 で保存してください。')
    }
    const shop = await readShopSettings(c.var.deps.repositories.settings, c.var.deps.config.sandbox)
    try {
      const result = await importPurchasesCsv(loyaltyDeps(c), {
        staffId: c.var.staff.id,
        text,
        dryRun: dryRun === 'true',
        categoryIds: new Set(shop.categories.map((x) => x.id)),
      })
      return c.json(result, result.errors.length > 0 && !result.dryRun ? 422 : 200)
    } catch (error) {
      if (!isUniqueFailure(error)) throw error
      throw new DomainError(
        409,
        'csv_conflict',
        '同じ外部 ID の購入が同時に登録されました。もう一度プレビューしてから取り込んでください。',
      )
    }
  })
  .post('/:id/refund', requirePermission('purchases.refund'), async (c) => {
    const { id } = parseInput(PurchaseIdParamSchema, c.req.param())
    const outcome = await refundPurchase(loyaltyDeps(c), c.var.staff.id, id)
    return c.json(purchaseResult(outcome))
  })

/** /api/staff/members/:memberNumber/points: a member's ledger, balance and manual adjustments. */
export const staffMemberPointsRoute = new Hono<AppEnv>()
  .get('/:memberNumber/points', requirePermission('purchases.read'), async (c) => {
    const { memberNumber } = parseInput(MemberNumberParamSchema, c.req.param())
    const member = await memberByNumber(c, memberNumber)
    return c.json(await pointsSummary(loyaltyDeps(c), member.id, 100))
  })
  .post('/:memberNumber/points/adjustments', requirePermission('points.adjust'), async (c) => {
    const { memberNumber } = parseInput(MemberNumberParamSchema, c.req.param())
    const { points, reason } = await parseBody(c, PointsAdjustSchema)
    const member = await memberByNumber(c, memberNumber)
    return c.json(await adjustPoints(loyaltyDeps(c), c.var.staff.id, member, points, reason))
  })

async function loyaltySettings(c: Context<AppEnv>): Promise<LoyaltySettings> {
  const deps = loyaltyDeps(c)
  const [rule, tiers] = await Promise.all([readEarningRule(deps.settings), loyaltyTiers(deps)])
  return { rule, tiers }
}

/** /api/staff/loyalty: the earning rule and tiers (owner edits). */
export const staffLoyaltyRoute = new Hono<AppEnv>()
  .get('/', requirePermission('loyalty.read'), async (c) => c.json(await loyaltySettings(c)))
  .put('/rule', requirePermission('loyalty.write'), async (c) => {
    const rule = await parseBody(c, EarningRuleSchema)
    const deps = loyaltyDeps(c)
    const before = await readEarningRule(deps.settings)
    await deps.settings.put(EARNING_RULE_KEY, rule, deps.clock.now())
    await deps.audit.record(
      {
        staffId: c.var.staff.id,
        action: 'loyalty.rule',
        targetType: 'settings',
        targetId: EARNING_RULE_KEY,
        before,
        after: rule,
      },
      deps.clock.now(),
    )
    return c.json(await loyaltySettings(c))
  })
  .put('/tiers', requirePermission('loyalty.write'), async (c) => {
    const { tiers } = await parseBody(c, TiersUpdateSchema)
    const deps = loyaltyDeps(c)
    const before = await loyaltyTiers(deps)
    await commit(deps.atomic, await deps.loyalty.replaceTiersStatements(tiers, deps.clock.now()))
    await deps.audit.record(
      {
        staffId: c.var.staff.id,
        action: 'loyalty.tiers',
        targetType: 'tiers',
        targetId: null,
        before,
        after: tiers,
      },
      deps.clock.now(),
    )
    return c.json(await loyaltySettings(c))
  })

/** /api/staff/api-keys: integration keys (shown once, stored hashed, revocable). */
export const staffApiKeysRoute = new Hono<AppEnv>()
  .get('/', requirePermission('apikeys.manage'), async (c) =>
    c.json({ keys: await c.var.deps.repositories.loyalty.listApiKeys() }),
  )
  .post('/', requirePermission('apikeys.manage'), async (c) => {
    const input = await parseBody(c, ApiKeyCreateSchema)
    const { repositories, clock } = c.var.deps
    const { key, record } = await createApiKey(repositories.loyalty, {
      name: input.name,
      scopes: [...new Set(input.scopes)],
      createdBy: c.var.staff.id,
      now: clock.now(),
    })
    await repositories.audit.record(
      {
        staffId: c.var.staff.id,
        action: 'apikey.create',
        targetType: 'api_key',
        targetId: String(record.id),
        before: null,
        after: { name: record.name, prefix: record.prefix, scopes: record.scopes },
      },
      clock.now(),
    )
    return c.json({ key, apiKey: record }, 201)
  })
  .delete('/:id', requirePermission('apikeys.manage'), async (c) => {
    const { id } = parseInput(ApiKeyIdParamSchema, c.req.param())
    const { repositories, clock } = c.var.deps
    const record = await repositories.loyalty.revokeApiKey(id, clock.now())
    if (!record) throw new DomainError(404, 'api_key_not_found', 'この API キーは見つかりません。')
    await repositories.audit.record(
      {
        staffId: c.var.staff.id,
        action: 'apikey.revoke',
        targetType: 'api_key',
        targetId: String(id),
        before: null,
        after: { revokedAt: record.revokedAt },
      },
      clock.now(),
    )
    return c.json({ apiKey: record })
  })
