import type { PurchaseResult } from '@joren/shared'
import { DuplicateExternalId, IdempotencyKeyReused } from './errors.ts'
import { afterPurchase, purchaseResult, type LoyaltyDeps } from './loyalty.ts'
import { isUniqueFailure } from './points.ts'
import type { IdempotencyRecord } from './store.ts'

/**
 * The answer to a purchase request: a new purchase (201 and its result), or the stored first
 * response to the same idempotency key, replayed byte for byte with its status (the HTTP layer
 * marks it `idempotent-replayed`).
 */
export type PurchaseReply =
  | { replayed: false; status: 201; body: PurchaseResult }
  | { replayed: true; status: number; text: string }

export interface IdempotentRequest {
  /** The API key's ID, or REGISTER_IDEMPOTENCY_NAMESPACE for the register. */
  namespace: number
  key: string
  requestHash: string
  externalId?: string | null
}

/**
 * Runs a purchase once per (namespace, key): the first response is stored and replayed with the
 * same status and body; the same key with another body is a 409. A purchase committed whose
 * response was not stored yet (a crash in between) is rebuilt from its ID (its tier and pushes
 * are replay-safe) and answered as new. `created` is told when a purchase was recorded or rebuilt
 * (its messages are waiting in the outbox).
 */
export async function idempotentPurchase(
  deps: LoyaltyDeps,
  request: IdempotentRequest,
  run: () => Promise<PurchaseResult>,
  created: () => void,
): Promise<PurchaseReply> {
  const save = async (body: PurchaseResult): Promise<PurchaseReply> => {
    await deps.loyalty.saveIdempotentResponse(
      request.namespace,
      request.key,
      201,
      JSON.stringify(body),
    )
    created()
    return { replayed: false, status: 201, body }
  }

  const replay = async (record: IdempotencyRecord): Promise<PurchaseReply> => {
    if (record.requestHash !== request.requestHash) throw new IdempotencyKeyReused()
    if (record.status !== null && record.response !== null)
      return { replayed: true, status: record.status, text: record.response }
    if (record.purchaseId === null) throw new Error('idempotency row without a purchase')
    return save(purchaseResult(await afterPurchase(deps, record.purchaseId)))
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
  return save(body)
}
