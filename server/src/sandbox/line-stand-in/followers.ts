import type { Call, Reply, Route } from './http-io.ts'
import { json, message } from './http-io.ts'
import { operationRoute } from './operations.ts'
import type { StandInState } from './state.ts'

/**
 * GET /v2/bot/followers/ids: the friends' user IDs, `limit` (≤ 1000, default 1000) a page, `next`
 * a continuation token while more remain. LINE opens it to verified and premium accounts only;
 * an unverified account (state.accountType) gets LINE's 403.
 */
export function followerRoutes(state: StandInState): Route[] {
  const list = (call: Call): Reply => {
    if (state.accountType === 'unverified')
      return message(403, 'Access to this API is not available for your account')
    const query = new URLSearchParams(call.query)
    const limit = Number(query.get('limit') ?? '1000')
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
      return message(400, "The value for the 'limit' parameter is invalid")
    const start = query.get('start')
    let offset = 0
    if (start !== null) {
      const decoded = /^c([0-9]+)$/.exec(Buffer.from(start, 'base64url').toString())
      if (!decoded) return message(400, "The value for the 'start' parameter is invalid")
      offset = Number(decoded[1])
    }
    const friends = [...state.users.values()].filter((u) => u.profile.friend)
    const userIds = friends.slice(offset, offset + limit).map((u) => u.profile.userId)
    const end = offset + userIds.length
    return json(200, {
      userIds,
      ...(end < friends.length ? { next: Buffer.from(`c${end}`).toString('base64url') } : {}),
    })
  }
  return [operationRoute('getFollowers', 'followers', list)]
}
