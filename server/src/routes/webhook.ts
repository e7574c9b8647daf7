import { WebhookBodySchema } from '@joren/shared'
import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import type { AppEnv } from '../deps.ts'
import { InvalidRequest, InvalidSignature, PayloadTooLarge } from '../domain/errors.ts'
import { toInboxRow } from '../domain/webhook/inbox.ts'
import { issueDetails } from './validation.ts'

/** LINE's webhook bodies are far smaller; anything above this is refused before it is read. */
export const WEBHOOK_BODY_LIMIT = 1024 * 1024

const decoder = new TextDecoder()

/**
 * POST /webhook: verify the signature over the raw bytes, validate, store each event in the inbox
 * (deduplicated by webhookEventId), answer 200. No LINE call happens before the response.
 */
export const webhookRoute = new Hono<AppEnv>().post(
  '/',
  bodyLimit({
    maxSize: WEBHOOK_BODY_LIMIT,
    onError: () => {
      throw new PayloadTooLarge(WEBHOOK_BODY_LIMIT)
    },
  }),
  async (c) => {
    const { verifySignature, inbox, clock, kickProcessing } = c.var.deps
    const body = new Uint8Array(await c.req.arrayBuffer())
    if (!(await verifySignature(body, c.req.header('x-line-signature'))))
      throw new InvalidSignature()

    let json: unknown
    try {
      json = JSON.parse(decoder.decode(body))
    } catch {
      throw new InvalidRequest('request body is not valid JSON')
    }
    const parsed = WebhookBodySchema.safeParse(json)
    if (!parsed.success) {
      throw new InvalidRequest(
        'request body does not match the LINE webhook schema',
        issueDetails(parsed.error.issues).slice(0, 10),
      )
    }
    const { events } = parsed.data
    if (events.length > 0) {
      const rawEvents = (json as { events: unknown[] }).events
      await inbox.store(
        events.map((event, i) => toInboxRow(event, rawEvents[i])),
        clock.now(),
      )
      kickProcessing()
    }
    return c.json({})
  },
)
