import { WebhookBodySchema } from '@joren/shared'
import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import type { AppDeps, AppEnv } from '../deps.ts'
import { InvalidRequest, InvalidSignature, PayloadTooLarge } from '../domain/errors.ts'
import { toInboxRow } from '../domain/webhook/inbox.ts'
import { domainErrorReply, type ErrorReply } from './error-body.ts'
import { issueDetails } from './validation.ts'

/** LINE's webhook bodies are far smaller; anything above this is refused before it is read. */
export const WEBHOOK_BODY_LIMIT = 1024 * 1024

const decoder = new TextDecoder()

export type WebhookDeps = Pick<AppDeps, 'verifySignature' | 'inbox' | 'clock' | 'kickProcessing'>

export type WebhookReply = { status: 200; body: Record<string, never> } | ErrorReply

const OK: WebhookReply = { status: 200, body: {} }

/**
 * Accepts one webhook delivery, runtime-neutral (the Hono route and the Node fast path share it):
 * verify the signature over the raw bytes, validate, store each event in the inbox (deduplicated
 * by webhookEventId), then answer 200. Nothing is stored on a 401/413/400, and no LINE call happens
 * before the response. Failures other than the caller's (the database) reject.
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

  let json: unknown
  try {
    json = JSON.parse(decoder.decode(body))
  } catch {
    return domainErrorReply(new InvalidRequest('request body is not valid JSON'))
  }
  const parsed = WebhookBodySchema.safeParse(json)
  if (!parsed.success) {
    return domainErrorReply(
      new InvalidRequest(
        'request body does not match the LINE webhook schema',
        issueDetails(parsed.error.issues).slice(0, 10),
      ),
    )
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
