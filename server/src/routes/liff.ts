import { ProfileUpdateSchema, type MeResponse } from '@joren/shared'
import { Hono } from 'hono'
import type { AppEnv } from '../deps.ts'
import { NotFriend } from '../domain/auth/errors.ts'
import { issueCardToken } from '../domain/members/card-token.ts'
import { saveProfile } from '../domain/members/profile.ts'
import { readShopSettings } from '../domain/shop/settings.ts'
import { memberAuth } from '../middleware/member-auth.ts'
import { parseBody } from './validation.ts'

/**
 * /api/liff: the member mini-app. Every route acts on `c.var.member`, the member behind the
 * verified ID token; no user or member ID is ever taken from the request.
 */
export const liffRoute = new Hono<AppEnv>()
  .use(memberAuth)
  .get('/me', async (c) => {
    const { repositories, config, botInfo } = c.var.deps
    const { memberId } = c.var.member
    const [member, profile, shop] = await Promise.all([
      repositories.profiles.memberView(memberId),
      repositories.profiles.find(memberId),
      readShopSettings(repositories.settings, config.sandbox),
    ])
    if (!member) throw new NotFriend(await botInfo.addFriendUrl())
    const body: MeResponse = {
      member,
      shop: { name: shop.name },
      profile,
      categories: shop.categories,
    }
    return c.json(body)
  })
  .put('/profile', async (c) => {
    const update = await parseBody(c, ProfileUpdateSchema)
    const { repositories, config, clock } = c.var.deps
    const shop = await readShopSettings(repositories.settings, config.sandbox)
    const profile = await saveProfile(
      { profiles: repositories.profiles, now: () => clock.now() },
      c.var.member.memberId,
      update,
      shop.categories,
    )
    return c.json(profile)
  })
  .get('/card', async (c) => {
    const { cardKey, clock } = c.var.deps
    return c.json(await issueCardToken(c.var.member.memberNumber, clock.now(), await cardKey()))
  })
