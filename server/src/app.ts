import { Hono, type Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { AppDeps, AppEnv } from './deps.ts'
import { DomainError } from './domain/errors.ts'
import { webhookRoute } from './routes/webhook.ts'

export type DepsProvider = (c: Context) => AppDeps

/** The whole HTTP app, the same on Node and Workers; each entry says how to get the deps. */
export function createApp(provideDeps: DepsProvider) {
  const app = new Hono<AppEnv>()
  app.use(async (c, next) => {
    c.set('deps', provideDeps(c))
    await next()
  })

  app.get('/healthz', (c) => c.json({ ok: true, sandbox: c.var.deps.config.sandbox }))
  app.route('/webhook', webhookRoute)

  app.notFound((c) => c.json({ error: { code: 'not_found', message: 'no such endpoint' } }, 404))
  app.onError((error, c) => {
    if (error instanceof DomainError) {
      return c.json(
        { error: { code: error.code, message: error.message, details: error.details } },
        error.status,
      )
    }
    if (error instanceof HTTPException) {
      return c.json({ error: { code: 'http_error', message: error.message } }, error.status)
    }
    c.var.deps?.logger.error('unhandled error', { path: c.req.path, error: String(error) })
    return c.json({ error: { code: 'internal', message: 'something went wrong on our side' } }, 500)
  })
  return app
}

export type App = ReturnType<typeof createApp>
