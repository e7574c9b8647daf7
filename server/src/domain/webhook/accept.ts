import { InvalidSignature, PayloadTooLarge, type DomainError } from '../errors.ts'
import type { Clock } from '../ports.ts'
import type { InboxRepository } from './inbox.ts'
import { sortDelivery } from './sort.ts'

/** LINE's webhook bodies are far smaller; anything above this is refused before it is read. */
export const WEBHOOK_BODY_LIMIT = 1024 * 1024

/** Verifies `x-line-signature` over the raw bytes (constant-time; the LINE adapter). */
export type SignatureVerifier = (
  body: Uint8Array<ArrayBuffer>,
  signature: string | undefined,
) => Promise<boolean>

export interface WebhookAcceptDeps {
  verifySignature: SignatureVerifier
  inbox: InboxRepository
  clock: Clock
  /** Events were stored for the processor: process them after the response. */
  kickProcessing(): void
}

/**
 * Accepts one webhook delivery, runtime-neutral (the Hono route and the Node fast path share it).
 * The signature is the gate, the schema a sorter: a body over the limit is 413 and a missing or
 * wrong signature 401 (nothing stored); a correctly signed body is always accepted. Each event is
 * stored in the inbox (deduplicated by webhookEventId): a known shape for the processor, anything
 * else as-is and parked with its reason (see `sortDelivery`), so one odd event never loses its
 * neighbours. No LINE call happens before the response. Failures other than the caller's (the
 * database) reject, and LINE redelivers.
 */
export async function acceptWebhook(
  deps: WebhookAcceptDeps,
  body: Uint8Array<ArrayBuffer>,
  signature: string | undefined,
): Promise<{ ok: true } | { ok: false; error: DomainError }> {
  if (body.byteLength > WEBHOOK_BODY_LIMIT)
    return { ok: false, error: new PayloadTooLarge(WEBHOOK_BODY_LIMIT) }
  if (!(await deps.verifySignature(body, signature)))
    return { ok: false, error: new InvalidSignature() }
  const now = deps.clock.now()
  const rows = await sortDelivery(body, now)
  if (rows.length > 0) {
    await deps.inbox.store(rows, now)
    if (rows.some((row) => row.parkedReason === null)) deps.kickProcessing()
  }
  return { ok: true }
}
