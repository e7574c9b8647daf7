import type { Clock, Logger } from '../domain/ports.ts'
import { createBotInfo, type BotInfo } from './bot-info.ts'
import { createIdTokenVerifier, type IdTokenVerifier } from './id-token-verifier.ts'

/**
 * LINE Login pieces both entries build once (per process / isolate): the ID token verifier, null
 * without LINE_LOGIN_CHANNEL_ID (member and staff APIs then answer 503), and the bot-info cache.
 */
export function createLineLogin(input: {
  /** LINE Login: the channel ID (the tokens' `aud`; none: sign-in is off), keys and issuer. */
  config: {
    LINE_LOGIN_CHANNEL_ID?: string | undefined
    LINE_JWKS_URL: string
    LINE_ID_TOKEN_ISSUER: string
  }
  line: { apiBaseUrl: string; channelAccessToken: string }
  clock: Clock
  logger: Logger
  /** LINE's API calls (logged; short-lived tokens put in). */
  fetch?: typeof fetch
}): { idTokens: IdTokenVerifier | null; botInfo: BotInfo } {
  const { config, line, clock, logger } = input
  const channelId = config.LINE_LOGIN_CHANNEL_ID
  return {
    idTokens: channelId
      ? createIdTokenVerifier({
          jwksUrl: config.LINE_JWKS_URL,
          issuer: config.LINE_ID_TOKEN_ISSUER,
          channelId,
          clock,
          logger,
        })
      : null,
    botInfo: createBotInfo({
      apiBaseUrl: line.apiBaseUrl,
      channelAccessToken: line.channelAccessToken,
      clock,
      logger,
      fetch: input.fetch,
    }),
  }
}
