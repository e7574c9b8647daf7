import { createMiddleware } from 'hono/factory'
import type { AppDeps, AppEnv } from '../deps.ts'
import { NotFriend } from '../domain/auth/errors.ts'
import { newMemberNumber, type Member } from '../domain/members/members.ts'
import { verifyBearer } from './line-auth.ts'

/** How long a "not a friend" answer from LINE is trusted before asking again. */
const NOT_FRIEND_TTL_MS = 60_000
const NOT_FRIEND_CACHE_MAX = 10_000
const notFriendUntil = new Map<string, number>()

/**
 * Member routes: a verified LIFF ID token whose `sub` is a member who follows the account.
 * Sets `c.var.member`; anyone else gets 403 `not_friend` with the add-friend URL.
 */
export const memberAuth = createMiddleware<AppEnv>(async (c, next) => {
  const token = await verifyBearer(c)
  const { deps } = c.var
  const member =
    (await deps.repositories.members.findByLineUserId(token.lineUserId)) ??
    (await onboardExistingFriend(deps, token.lineUserId))
  if (!member || member.followState !== 'following')
    throw new NotFriend(await deps.botInfo.addFriendUrl())
  c.set('member', {
    memberId: member.id,
    lineUserId: member.lineUserId,
    memberNumber: member.memberNumber,
  })
  await next()
})

/**
 * A friend who added the account before Joren ran has no member row and will send no follow
 * event. LINE answers the profile only for current friends, so a profile means: make the member.
 * Strangers' 404s are remembered for a minute so they cannot make us call LINE per request.
 */
async function onboardExistingFriend(deps: AppDeps, lineUserId: string): Promise<Member | null> {
  const now = deps.clock.now()
  if ((notFriendUntil.get(lineUserId) ?? 0) > now) return null
  const profile = await deps.messenger.getProfile(lineUserId)
  if (!profile) {
    if (notFriendUntil.size >= NOT_FRIEND_CACHE_MAX) notFriendUntil.clear()
    notFriendUntil.set(lineUserId, now + NOT_FRIEND_TTL_MS)
    return null
  }
  const { member } = await deps.repositories.members.recordFollowState({
    lineUserId,
    state: 'following',
    at: now,
    profile,
    memberNumber: newMemberNumber(deps.ids.randomInt),
    now,
  })
  return member
}
