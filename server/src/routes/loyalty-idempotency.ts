import type { PurchaseResult } from '@joren/shared'
import type { Context } from 'hono'
import type { AppEnv } from '../deps.ts'
import { DomainError } from '../domain/errors.ts'
import { DuplicateExternalId } from '../domain/loyalty/errors.ts'
import { afterPurchase, type LoyaltyDeps } from '../domain/loyalty/loyalty.ts'
import { isUniqueFailure } from '../domain/loyalty/points.ts'
import type { IdempotencyRecord } from '../domain/loyalty/store.ts'
import { purchaseResult, type Statement } from './loyalty-deps.ts'

export class IdempotencyKeyReused extends DomainError {
  constructor() {
    super(
      409,
      'idempotency_key_reused',
      'この Idempotency-Key は別の内容のリクエストですでに使われています。新しいキーで送ってください。',
    )
  }
}

/**
 * Runs a purchase once per (namespace, key): the first response is stored and replayed with the
 * same status and body; the same key with another body is a 409. A purchase committed whose
 * response was not stored yet (a crash in between) is rebuilt from its ID.
 */
export async function idempotentPurchase(
  c: Context<AppEnv>,
  deps: LoyaltyDeps<Statement>,
  request: { namespace: number; key: string; requestHash: string; externalId?: string | null },
  run: () => Promise<PurchaseResult>,
): Promise<Response> {
  const replay = async (record: IdempotencyRecord): Promise<Response> => {
    if (record.requestHash !== request.requestHash) throw new IdempotencyKeyReused()
    if (record.status !== null && record.response !== null) {
      return new Response(record.response, {
        status: record.status,
        headers: { 'content-type': 'application/json', 'idempotent-replayed': 'true' },
      })
    }
    if (record.purchaseId === null) throw new Error('idempotency row without a purchase')
    const body = purchaseResult(await afterPurchase(deps, record.purchaseId))
    await deps.loyalty.saveIdempotentResponse(
      request.namespace,
      request.key,
      201,
      JSON.stringify(body),
    )
    return c.json(body, 201)
  }

  const existing = await deps.loyalty.idempotency(request.namespace, request.key)
  if (existing) return replay(existing)
  let body: PurchaseResult
  try {
    body = await run()
  } catch (error) {
    if (!isUniqueFailure(error)) throw error
    const again = await deps.loyalty.idempotency(request.namespace, request.key)
    if (again) return replay(again)
    throw new DuplicateExternalId(request.externalId ?? '')
  }
  await deps.loyalty.saveIdempotentResponse(
    request.namespace,
    request.key,
    201,
    JSON.stringify(body),
  )
  c.var.deps.kickProcessing()
  return c.json(body, 201)
}
