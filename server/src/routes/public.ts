import type { PublicConfig } from '@joren/shared'
import { Hono } from 'hono'
import type { AppEnv } from '../deps.ts'
import { readShopSettings } from '../domain/shop/settings.ts'

/** /api/public: what the apps need before sign-in. No token, nothing personal. */
export const publicRoute = new Hono<AppEnv>().get('/config', async (c) => {
  const { config, repositories, botInfo } = c.var.deps
  const [shop, addFriendUrl] = await Promise.all([
    readShopSettings(repositories.settings, config.sandbox),
    botInfo.addFriendUrl(),
  ])
  const body: PublicConfig = {
    liffId: config.LIFF_ID ?? null,
    sandbox: config.sandbox,
    shopName: shop.name,
    addFriendUrl,
  }
  c.header('cache-control', 'no-cache')
  return c.json(body)
})
