import { ApiPurchaseSchema } from '@joren/shared'
import { Hono } from 'hono'
import { z } from 'zod'
import type { AppEnv } from '../deps.ts'
import { DomainError, InvalidRequest } from '../domain/errors.ts'
import { authenticateApiKey, sha256Hex } from '../domain/loyalty/api-keys.ts'
import { DuplicateExternalId, MemberNotFound } from '../domain/loyalty/errors.ts'
import { recordPurchase } from '../domain/loyalty/loyalty.ts'
import { rateLimit } from '../middleware/rate-limit.ts'
import { loyaltyDeps, purchaseResult } from './loyalty-deps.ts'
import { idempotentPurchase } from './loyalty-idempotency.ts'
import { checkCategories } from './staff-loyalty.ts'
import { parseInput } from './validation.ts'

const IdempotencyKeySchema = z
  .string()
  .regex(/^[\x21-\x7e]{1,255}$/, 'Idempotency-Key は255文字までの英数記号です')

/**
 * /api/v1: the integration API for POS / EC systems. `Authorization: Bearer jk_…` with the
 * scope, and an `Idempotency-Key` on every write: a retry replays the first response.
 */
export const apiV1Route = new Hono<AppEnv>().post('/purchases', rateLimit('api_key'), async (c) => {
  const deps = loyaltyDeps(c)
  const apiKey = await authenticateApiKey(
    deps.loyalty,
    c.req.header('authorization'),
    'purchases:write',
  )
  const rawKey = c.req.header('idempotency-key')
  if (rawKey === undefined)
    throw new DomainError(
      400,
      'idempotency_key_required',
      'Idempotency-Key ヘッダーが必要です（リクエストごとに一意な値）。',
    )
  const key = parseInput(IdempotencyKeySchema, rawKey)
  const raw = await c.req.text()
  let json: unknown
  try {
    json = JSON.parse(raw)
  } catch {
    throw new InvalidRequest('リクエストの本文が JSON として読めません。')
  }
  const input = parseInput(ApiPurchaseSchema, json)
  const member = await deps.loyalty.memberByNumber(input.memberNumber)
  if (!member) throw new MemberNotFound(input.memberNumber)
  await checkCategories(c, input.categories)
  const requestHash = await sha256Hex(raw)
  const now = deps.clock.now()
  await deps.loyalty.touchApiKey(apiKey.id, now)
  return idempotentPurchase(
    c,
    deps,
    { namespace: apiKey.id, key, requestHash, externalId: input.externalId },
    async () => {
      if (input.externalId) {
        const existing = await deps.loyalty.existingExternalIds([input.externalId])
        if (existing.size > 0) throw new DuplicateExternalId(input.externalId)
      }
      const outcome = await recordPurchase(deps, {
        member,
        amountYen: input.amountYen,
        categories: input.categories,
        store: input.store ?? null,
        purchasedAt: input.purchasedAt ? Date.parse(input.purchasedAt) : now,
        externalId: input.externalId ?? null,
        source: 'api',
        staffId: null,
        apiKeyId: apiKey.id,
        idempotency: { apiKeyId: apiKey.id, key, requestHash },
      })
      return purchaseResult(outcome)
    },
  )
})
