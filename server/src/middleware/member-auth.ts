import { createMiddleware } from 'hono/factory'
import type { AppEnv } from '../deps.ts'
import { NotFriend } from '../domain/auth/errors.ts'
import { verifyBearer } from './line-auth.ts'

/**
 * Member routes: a verified LIFF ID token whose `sub` is a member who follows the account.
 * Sets `c.var.member`; anyone else gets 403 `not_friend` with the add-friend URL.
 */
export const memberAuth = createMiddleware<AppEnv>(async (c, next) => {
  const token = await verifyBearer(c)
  const { repositories, botInfo } = c.var.deps
  const member = await repositories.members.findByLineUserId(token.lineUserId)
  if (!member || member.followState !== 'following')
    throw new NotFriend(await botInfo.addFriendUrl())
  c.set('member', {
    memberId: member.id,
    lineUserId: member.lineUserId,
    memberNumber: member.memberNumber,
  })
  await next()
})
