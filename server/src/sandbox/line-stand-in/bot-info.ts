// Read-side Messaging API endpoints: profile, followers, bot info, quota, message content.
import type { Call, Reply, Route } from './http-io.ts'
import { json, message } from './http-io.ts'
import { userIdPattern } from './ids.ts'
import { operationRoute } from './operations.ts'
import type { StandInState } from './state.ts'
import type { SchemaValidator } from './validate.ts'

export interface BotInfoConfig {
  state: StandInState
  validator: SchemaValidator
  botUserId: string
}

const notFound = (): Reply => message(404, 'Not found')

function profile(state: StandInState, call: Call): Reply {
  const userId = call.params[0] ?? ''
  if (!userIdPattern.test(userId))
    return message(400, "The value for the 'userId' parameter is invalid")
  const user = state.users.get(userId)
  if (!user?.profile.friend) return notFound()
  const { userId: id, displayName, pictureUrl, statusMessage, language } = user.profile
  return json(200, { userId: id, displayName, pictureUrl, statusMessage, language })
}

function followers(state: StandInState, call: Call): Reply {
  const query = new URLSearchParams(call.query)
  const limit = Number(query.get('limit') ?? 300)
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    return message(400, "The value for the 'limit' parameter is invalid")
  }
  const start = Number(query.get('start') ?? 0)
  const ids = [...state.users.values()].filter((u) => u.profile.friend).map((u) => u.profile.userId)
  const page = ids.slice(start, start + limit)
  const body: { userIds: string[]; next?: string } = { userIds: page }
  if (start + limit < ids.length) body.next = String(start + limit)
  return json(200, body)
}

function content(state: StandInState, call: Call): Reply {
  const stored = state.contents.get(call.params[0] ?? '')
  return stored ? { status: 200, bytes: stored } : notFound()
}

/**
 * POST /v2/bot/chat/loading/start: the body against the contract, then what the schema cannot say
 * (LINE's reference): loadingSeconds a multiple of 5, and a chat ID of a user who is a friend.
 */
function showLoading(config: BotInfoConfig, call: Call): Reply {
  const failure = config.validator.validate('ShowLoadingAnimationRequest', call.body)
  if (failure) return json(400, failure)
  const { chatId, loadingSeconds = 20 } = call.body as { chatId: string; loadingSeconds?: number }
  if (loadingSeconds % 5 !== 0)
    return json(400, {
      message: 'The request body has 1 error(s)',
      details: [{ message: 'must be a multiple of 5', property: 'loadingSeconds' }],
    })
  const user = userIdPattern.test(chatId) ? config.state.users.get(chatId) : undefined
  if (!user?.profile.friend) return json(400, { message: 'Invalid chatId' })
  config.state.showLoading(chatId, loadingSeconds)
  return json(202, {})
}

export function botInfoRoutes(config: BotInfoConfig): Route[] {
  const { state } = config
  return [
    operationRoute('getProfile', 'profile', (call) => profile(state, call)),
    operationRoute('getFollowers', 'followers', (call) => followers(state, call)),
    operationRoute('getBotInfo', 'info', () =>
      json(200, {
        userId: config.botUserId,
        basicId: '@000joren',
        displayName: 'Joren stand-in',
        chatMode: 'bot',
        markAsReadMode: 'auto',
      }),
    ),
    operationRoute('getMessageQuota', 'quota', () =>
      json(
        200,
        state.quota.limit === null
          ? { type: 'none' }
          : { type: 'limited', value: state.quota.limit },
      ),
    ),
    operationRoute('getMessageQuotaConsumption', 'quota-consumption', () =>
      json(200, { totalUsage: state.quota.usage() }),
    ),
    operationRoute('getMessageContent', 'content', (call) => content(state, call)),
    operationRoute('showLoadingAnimation', 'loading', (call) => showLoading(config, call)),
  ]
}
