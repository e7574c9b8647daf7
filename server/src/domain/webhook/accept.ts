import { WebhookBodySchema } from '@joren/shared'
import { InvalidRequest, InvalidSignature, PayloadTooLarge, type DomainError } from '../errors.ts'
import type { Clock } from '../ports.ts'
import { toInboxRow, type InboxRepository } from './inbox.ts'
import { issueDetails } from '../issues.ts'

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
  /** Events were stored: process them after the response. */
  kickProcessing(): void
}

const decoder = new TextDecoder()

/**
 * Accepts one webhook delivery, runtime-neutral (the Hono route and the Node fast path share it):
 * verify the signature over the raw bytes, validate, store each event in the inbox (deduplicated
 * by webhookEventId), then answer. Nothing is stored when it is refused, and no LINE call happens
 * before the response. Failures other than the caller's (the database) reject.
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

  let json: unknown
  try {
    json = JSON.parse(decoder.decode(body))
  } catch {
    return { ok: false, error: new InvalidRequest('request body is not valid JSON') }
  }
  const parsed = WebhookBodySchema.safeParse(json)
  if (!parsed.success) {
    return {
      ok: false,
      error: new InvalidRequest(
        'request body does not match the LINE webhook schema',
        issueDetails(parsed.error.issues).slice(0, 10),
      ),
    }
  }
  const { events } = parsed.data
  if (events.length > 0) {
    const rawEvents = (json as { events: unknown[] }).events
    await deps.inbox.store(
      events.map((event, i) => toInboxRow(event, rawEvents[i])),
      deps.clock.now(),
    )
    deps.kickProcessing()
  }
  return { ok: true }
}
