import { botInfoRoutes } from './bot-info.ts'
import { channelRoutes, type ChannelConfig, type ChannelTokens } from './channel.ts'
import { followerRoutes } from './followers.ts'
import { Router } from './http-io.ts'
import type { IdTokenIssuer } from './id-tokens.ts'
import { messagingRoutes } from './messaging.ts'
import { oauthRoutes } from './oauth.ts'
import { richMenuRoutes } from './rich-menu.ts'
import type { StandInState } from './state.ts'
import { unitStatsRoutes } from './unit-stats.ts'
import type { SchemaValidator } from './validate.ts'

/** Every route group of LINE's API the stand-in answers, in the order the router tries them. */
export function lineApiRouter(config: {
  state: StandInState
  validator: SchemaValidator
  replyTokenTtlMs: number
  botUserId: string
  idTokens: IdTokenIssuer
  channel: ChannelConfig
  tokens: ChannelTokens
}): Router {
  const { state, validator, botUserId } = config
  return new Router([
    ...messagingRoutes({ state, validator, replyTokenTtlMs: config.replyTokenTtlMs }),
    ...botInfoRoutes({ state, validator, botUserId }),
    ...richMenuRoutes({ state, validator }),
    ...followerRoutes(state),
    ...unitStatsRoutes(state),
    ...oauthRoutes(config.idTokens),
    ...channelRoutes(config.channel, config.tokens),
  ])
}
