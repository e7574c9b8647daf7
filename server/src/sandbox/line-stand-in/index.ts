import { ChannelTokens } from './channel.ts'
import { controlRouter } from './control-api.ts'
import { limitsFacade, richMenuFacade, userFacade } from './facade.ts'
import { BaseLatency, Faults } from './faults.ts'
import type { Router } from './http-io.ts'
import { IdTokenIssuer } from './id-tokens.ts'
import { newUserId, randomHex, randomToken } from './ids.ts'
import { listenStandIn } from './listener.ts'
import { jwksPath } from './oauth.ts'
import { RateLimiter } from './rate-limit.ts'
import { lineApiRouter } from './routes.ts'
import { createRequestListener } from './server.ts'
import { StandInState } from './state.ts'
import type { LineStandIn, StandInOptions } from './types.ts'
import { messagingValidator } from './validate.ts'
import { WebhookSender } from './webhook-events.ts'

export type * from './types.ts'
export { signBody } from './webhook-events.ts'
export { messagingValidator, webhookValidator } from './validate.ts'

/** The push quota the stand-in enforces: 200 a month by default, or none (a paid plan). */
function monthlyQuota(option: StandInOptions['monthlyQuota']): number | null {
  if (option === undefined) return 200
  return option === 'none' ? null : option
}

export async function startLineStandIn(options: StandInOptions = {}): Promise<LineStandIn> {
  const now = options.now ?? Date.now
  const host = options.host ?? '127.0.0.1'
  const channelSecret = options.channelSecret ?? randomHex(16)
  const channelAccessToken = options.channelAccessToken ?? randomToken(129)
  const loginChannelId = options.loginChannelId ?? '1660000000'
  const issuer = options.issuer ?? 'https://access.line.me'
  const botUserId = options.botUserId ?? newUserId()
  const quota = monthlyQuota(options.monthlyQuota)
  let webhookUrl = options.webhookUrl
  let webhookActive = options.webhookActive ?? true
  const channelId = options.channelId ?? '2000000000'
  const tokens = new ChannelTokens(now)

  const state = new StandInState(now, quota, options.maxRecordedRequests ?? 10_000)
  const validator = messagingValidator()
  const idTokens = await IdTokenIssuer.create({ issuer, loginChannelId, channelSecret, now })
  const faults = new Faults()
  const latency = new BaseLatency()
  latency.set(options.latency)
  const limiter = options.rateLimits === false ? undefined : new RateLimiter(now)
  const webhooks = new WebhookSender({
    state,
    channelSecret,
    botUserId,
    webhookUrl: () => webhookUrl,
  })
  const router = lineApiRouter({
    state,
    validator,
    replyTokenTtlMs: options.replyTokenTtlMs ?? 60_000,
    botUserId,
    idTokens,
    channel: {
      channelId,
      channelSecret,
      botUserId,
      now,
      webhookUrl: () => webhookUrl,
      setWebhookUrl: (next) => {
        webhookUrl = next
      },
      webhookActive: () => webhookActive,
      webhookFetch: options.webhookFetch ?? ((url, init) => fetch(url, init)),
    },
    tokens,
  })

  // the control API drives the finished facade, which needs the listening URL first
  const control: { router?: Router } = {}
  const server = await listenStandIn(
    createRequestListener({
      router,
      control: () => control.router,
      faults,
      latency,
      limiter,
      state,
      channelAccessToken,
      acceptsToken: (token) => tokens.accepts(token),
    }),
    host,
    options.port ?? 0,
  )
  const url = server.url

  const standIn: LineStandIn = {
    url,
    jwksUrl: `${url}${jwksPath}`,
    issuer,
    channelSecret,
    channelAccessToken,
    loginChannelId,
    botUserId,
    get webhookUrl() {
      return webhookUrl
    },
    setWebhookUrl: (next) => {
      webhookUrl = next
    },
    channelId,
    setWebhookActive: (active) => {
      webhookActive = active
    },
    registerAssertionKey: (publicJwk) => {
      const kid = randomToken(16)
      tokens.keys.set(kid, publicJwk)
      return kid
    },
    issuedTokens: () => tokens.issued.map((t) => ({ ...t })),
    ...richMenuFacade(state),
    ...userFacade(state, webhooks),
    ...limitsFacade(state, faults, latency),
    reset: () => {
      state.reset()
      tokens.issued.length = 0
      tokens.keys.clear()
      webhookActive = options.webhookActive ?? true
      faults.clear()
      latency.set(options.latency)
      limiter?.reset()
    },
    setReachable: server.setReachable,
    issueIdToken: (userId, tokenOptions) => {
      const profile = state.users.get(userId)?.profile
      return idTokens.issue(userId, tokenOptions, {
        name: profile?.displayName,
        picture: profile?.pictureUrl,
      })
    },
    rotateKeys: () => idTokens.rotateKeys(),
    close: server.close,
  }
  control.router = controlRouter(standIn)
  return standIn
}
