import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import type { AppDeps, AppEnv } from '../deps.ts'
import { InvalidSignature, PayloadTooLarge } from '../domain/errors.ts'
import { sortDelivery } from '../domain/webhook/sort.ts'
import { domainErrorReply, type ErrorReply } from './error-body.ts'

/** LINE's webhook bodies are far smaller; anything above this is refused before it is read. */
export const WEBHOOK_BODY_LIMIT = 1024 * 1024

export type WebhookDeps = Pick<AppDeps, 'verifySignature' | 'inbox' | 'clock' | 'kickProcessing'>

export type WebhookReply = { status: 200; body: Record<string, never> } | ErrorReply

const OK: WebhookReply = { status: 200, body: {} }

/**
 * Accepts one webhook delivery, runtime-neutral (the Hono route and the Node fast path share it).
 * The signature is the gate, the schema a sorter: a body over the limit is 413 and a missing or
 * wrong signature 401 (nothing stored); a correctly signed body is always 200. Each event is stored
 * in the inbox (deduplicated by webhookEventId): a known shape for the processor, anything else
 * as-is and parked with its reason (see `sortDelivery`), so one odd event never loses its
 * neighbours. No LINE call happens before the response. Failures other than the caller's (the
 * database) reject, and LINE redelivers.
 */
export async function acceptWebhook(
  deps: WebhookDeps,
  body: Uint8Array<ArrayBuffer>,
  signature: string | undefined,
): Promise<WebhookReply> {
  if (body.byteLength > WEBHOOK_BODY_LIMIT)
    return domainErrorReply(new PayloadTooLarge(WEBHOOK_BODY_LIMIT))
  if (!(await deps.verifySignature(body, signature)))
    return domainErrorReply(new InvalidSignature())
  const now = deps.clock.now()
  const rows = await sortDelivery(body, now)
  if (rows.length > 0) {
    await deps.inbox.store(rows, now)
    if (rows.some((row) => row.parkedReason === null)) deps.kickProcessing()
  }
  return OK
}

/** POST /webhook through Hono (Workers, tests, and any Node server without the fast path). */
export const webhookRoute = new Hono<AppEnv>().post(
  '/',
  bodyLimit({
    maxSize: WEBHOOK_BODY_LIMIT,
    onError: () => {
      throw new PayloadTooLarge(WEBHOOK_BODY_LIMIT)
    },
  }),
  async (c) => {
    const body = new Uint8Array(await c.req.arrayBuffer())
    const reply = await acceptWebhook(c.var.deps, body, c.req.header('x-line-signature'))
    return c.json(reply.body, reply.status)
  },
)
