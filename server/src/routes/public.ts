import { Hono } from 'hono'
import type { AppEnv } from '../middleware/env.ts'

/** /api/public: what the apps need before sign-in. No token, nothing personal. */
export const publicRoute = new Hono<AppEnv>().get('/config', async (c) => {
  const body = await c.var.services.memberApp.publicConfig()
  c.header('cache-control', 'no-cache')
  return c.json(body)
})
