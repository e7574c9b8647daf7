import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { PayloadTooLarge } from '../domain/errors.ts'
import { WEBHOOK_BODY_LIMIT } from '../domain/webhook/accept.ts'
import type { AppEnv } from '../middleware/env.ts'

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
    const outcome = await c.var.services.webhook.accept(
      body,
      c.req.header('x-line-signature'),
      c.var.defer,
    )
    if (!outcome.ok) throw outcome.error
    return c.json({}, 200)
  },
)
