import {
  LineUserIdSchema,
  SandboxCreateUserSchema,
  SandboxPostbackSchema,
  SandboxQuotaSchema,
  SandboxTextSchema,
  SandboxClockAdvanceSchema,
  type SandboxClock,
  type SandboxClockAdvance,
} from '@joren/shared'
import { Hono } from 'hono'
import { DomainError, InvalidRequest } from '../domain/errors.ts'
import type { AppEnv } from '../middleware/env.ts'
import { jsonBodies } from '../middleware/json-body.ts'
import { jsonBody } from './validation.ts'

/**
 * The sandbox chat page's API (the page itself is liff-app/sandbox, served from its build), mounted
 * only when no LINE channel is configured. The API drives the local LINE stand-in the way a phone
 * would: the stand-in signs and delivers webhooks to this product, and records what the product
 * sent back and what the customer sent. The Node server answers the sandbox only over loopback, to
 * its own port and without proxy headers (middleware/loopback-only.ts): anyone who reaches it could
 * sign in as the demo owner.
 */
export function sandboxRoutes(
  standInUrl: string,
  options: {
    demoOwnerUserId?: string
    /** The sandbox's shop clock (time travel); absent, the clock API answers 404. */
    clock?: {
      get(): SandboxClock
      advance(request: SandboxClockAdvance): Promise<SandboxClock>
    }
  } = {},
) {
  const control = (path: string, init?: RequestInit) =>
    fetch(`${standInUrl}/_stand-in${path}`, {
      ...init,
      headers: { 'content-type': 'application/json' },
    })
  /** The stand-in's answer, passed on as it came (status and JSON body). */
  const relay = async (res: Response) =>
    new Response(await res.text(), {
      status: res.status,
      headers: { 'content-type': 'application/json' },
    })

  return (
    new Hono<AppEnv>()
      .use('/api/*', jsonBodies)
      .get('/api/users', async () => relay(await control('/users')))
      .post('/api/users', jsonBody(SandboxCreateUserSchema), async (c) =>
        relay(
          await control('/users', { method: 'POST', body: JSON.stringify(c.req.valid('json')) }),
        ),
      )
      .post('/api/users/:userId/:action{follow|unfollow}', async (c) => {
        const userId = parseUserId(c.req.param('userId'))
        return relay(await control(`/users/${userId}/${c.req.param('action')}`, { method: 'POST' }))
      })
      .post('/api/users/:userId/text', jsonBody(SandboxTextSchema), async (c) => {
        const userId = parseUserId(c.req.param('userId'))
        const input = c.req.valid('json')
        return relay(
          await control(`/users/${userId}/text`, { method: 'POST', body: JSON.stringify(input) }),
        )
      })
      .post('/api/users/:userId/postback', jsonBody(SandboxPostbackSchema), async (c) => {
        const userId = parseUserId(c.req.param('userId'))
        const input = c.req.valid('json')
        return relay(
          await control(`/users/${userId}/postback`, {
            method: 'POST',
            body: JSON.stringify(input),
          }),
        )
      })
      .post('/api/users/:userId/id-token', async (c) => {
        // A real ES256 ID token signed by the stand-in: the mini-app's sign-in path stays the real one.
        const userId = parseUserId(c.req.param('userId'))
        return relay(await control(`/users/${userId}/id-token`, { method: 'POST', body: '{}' }))
      })
      .get('/api/users/:userId/messages', async (c) => {
        const userId = parseUserId(c.req.param('userId'))
        return relay(await control(`/users/${userId}/messages`))
      })
      // What the customer sent (messages, postbacks, follow / block) as the stand-in delivered it.
      .get('/api/users/:userId/sent', async (c) => {
        const userId = parseUserId(c.req.param('userId'))
        return relay(await control(`/users/${userId}/sent`))
      })
      // The sandbox's LINE plan (monthly limit, used this month), to try the quota widget.
      .get('/api/quota', async () => relay(await control('/quota')))
      .get('/api/rich-menus', async () => relay(await control('/rich-menus')))
      .put('/api/quota', jsonBody(SandboxQuotaSchema), async (c) =>
        relay(
          await control('/quota', { method: 'PUT', body: JSON.stringify(c.req.valid('json')) }),
        ),
      )
      // Time travel: only ever on a sandbox (no LINE channel); a real shop's clock is never moved.
      .use('/api/clock', async (c, next) => {
        if (!c.var.services.runtime.sandbox) throw new SandboxOnly()
        if (!options.clock)
          return c.json({ error: { code: 'not_found', message: '時計の操作はできません' } }, 404)
        await next()
      })
      .get('/api/clock', (c) => c.json(options.clock!.get()))
      .post('/api/clock', jsonBody(SandboxClockAdvanceSchema), async (c) =>
        c.json(await options.clock!.advance(c.req.valid('json'))),
      )
      // The demo café (2,000 guests and their year): refused on a database that served a channel.
      .post('/api/demo-shop', async (c) => c.json(await c.var.services.demoShop.seed(), 201))
      .get('/api/demo-owner', (c) => {
        // The sandbox shop's owner (デモ店長), so the page can open the staff console as them.
        if (!options.demoOwnerUserId)
          return c.json({ error: { code: 'not_found', message: 'デモ店長はいません' } }, 404)
        return c.json({ userId: options.demoOwnerUserId })
      })
  )
}

function parseUserId(value: string): string {
  const result = LineUserIdSchema.safeParse(value)
  if (!result.success) throw new InvalidRequest('not a LINE user ID')
  return result.data
}

class SandboxOnly extends DomainError {
  constructor() {
    super(403, 'sandbox_only', '時計を進められるのはサンドボックスだけです')
  }
}
