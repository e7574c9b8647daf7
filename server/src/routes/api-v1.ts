import {
  ApiPurchaseSchema,
  KPIS_READ_SCOPE,
  KpiPeriodQuerySchema,
  type ApiPurchase,
} from '@joren/shared'
import { Hono, type MiddlewareHandler } from 'hono'
import { validator } from 'hono/validator'
import { z } from 'zod'
import { InvalidRequest } from '../domain/errors.ts'
import { IdempotencyKeyRequired } from '../domain/loyalty/errors.ts'
import { PURCHASES_WRITE_SCOPE } from '../domain/loyalty/service.ts'
import { apiKeyAuth, type ApiEnv } from '../middleware/api-key-auth.ts'
import { rateLimit } from '../middleware/rate-limit.ts'
import { replayedResponse } from './idempotent-replay.ts'
import { parseInput, queryOf } from './validation.ts'

interface RawPurchase {
  raw: string
  input: ApiPurchase
}

const IdempotencyKeySchema = z
  .string()
  .regex(/^[\x21-\x7e]{1,255}$/, 'Idempotency-Key は255文字までの英数記号です')

/** The Idempotency-Key header: required on every write, validated (`c.req.valid('header')`). */
const idempotencyKeyHeader = validator('header', (headers): { idempotencyKey: string } => {
  const raw = (headers as Record<string, string | undefined>)['idempotency-key']
  if (raw === undefined) throw new IdempotencyKeyRequired()
  return { idempotencyKey: parseInput(IdempotencyKeySchema, raw) }
})

/**
 * The purchase body, read as sent (whatever its Content-Type) and validated with the shared
 * schema (`c.req.valid('json')`): the raw text is kept, as its hash tells a retry from another
 * request under the same Idempotency-Key.
 */
const purchaseBody: MiddlewareHandler<
  ApiEnv,
  string,
  { in: { json: z.input<typeof ApiPurchaseSchema> }; out: { json: RawPurchase } }
> = async (c, next) => {
  const raw = await c.req.text()
  let json: unknown
  try {
    json = JSON.parse(raw)
  } catch {
    throw new InvalidRequest('リクエストの本文が JSON として読めません。')
  }
  const body: RawPurchase = { raw, input: parseInput(ApiPurchaseSchema, json) }
  c.req.addValidatedData('json', body)
  await next()
}

/**
 * /api/v1: the integration API for POS / EC systems and reporting tools. `Authorization: Bearer
 * jk_…` with the scope, and an `Idempotency-Key` on every write: a retry replays the first response.
 */
export const apiV1Route = new Hono<ApiEnv>()
  .get(
    '/kpis',
    rateLimit('api_key'),
    apiKeyAuth(KPIS_READ_SCOPE),
    queryOf(KpiPeriodQuerySchema),
    async (c) => c.json(await c.var.services.kpis.kpis(c.req.valid('query'))),
  )
  .post(
    '/purchases',
    rateLimit('api_key'),
    apiKeyAuth(PURCHASES_WRITE_SCOPE),
    idempotencyKeyHeader,
    purchaseBody,
    async (c) => {
      const { idempotencyKey } = c.req.valid('header')
      const { raw, input } = c.req.valid('json')
      const reply = await c.var.services.loyalty.recordApiPurchase(
        c.var.apiKey,
        { idempotencyKey, raw, input },
        c.var.defer,
      )
      return reply.replayed ? replayedResponse(reply) : c.json(reply.body, 201)
    },
  )
