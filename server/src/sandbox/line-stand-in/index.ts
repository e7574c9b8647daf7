import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { botInfoRoutes } from './bot-info.ts'
import { ChannelTokens, channelRoutes } from './channel.ts'
import { controlRouter } from './control-api.ts'
import { BaseLatency, Faults } from './faults.ts'
import { Router } from './http-io.ts'
import { IdTokenIssuer } from './id-tokens.ts'
import { newUserId, randomHex, randomToken } from './ids.ts'
import { messagingRoutes } from './messaging.ts'
import { jwksPath, oauthRoutes } from './oauth.ts'
import { RateLimiter } from './rate-limit.ts'
import { followerRoutes } from './followers.ts'
import { unitStatsRoutes } from './unit-stats.ts'
import { richMenuRoutes } from './rich-menu.ts'
import { createRequestListener } from './server.ts'
import { StandInState, type StandInSnapshot } from './state.ts'
import type { LineStandIn, StandInOptions, StandInUser } from './types.ts'
import { messagingValidator } from './validate.ts'
import { WebhookSender } from './webhook-events.ts'

export type * from './types.ts'
export { signBody } from './webhook-events.ts'
export { messagingValidator, webhookValidator } from './validate.ts'

const copy = (user: StandInUser): StandInUser => ({ ...user })

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
  const router = new Router([
    ...messagingRoutes({ state, validator, replyTokenTtlMs: options.replyTokenTtlMs ?? 60_000 }),
    ...botInfoRoutes({ state, validator, botUserId }),
    ...richMenuRoutes({ state, validator }),
    ...followerRoutes(state),
    ...unitStatsRoutes(state),
    ...oauthRoutes(idTokens),
    ...channelRoutes(
      {
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
    ),
  ])

  // the control API drives the finished facade, which needs the listening URL first
  const control: { router?: Router } = {}
  const server = createServer(
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
  )
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, host, () => {
        server.off('error', reject)
        resolve()
      })
    })
  await listen(options.port ?? 0)
  const { port } = server.address() as AddressInfo
  let reachable = true
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`

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

    setAccountType: (type) => {
      state.accountType = type
    },
    defaultRichMenu: () => {
      const record = state.defaultRichMenuId
        ? state.richMenus.get(state.defaultRichMenuId)
        : undefined
      return record
        ? { richMenuId: record.richMenuId, menu: record.menu, image: record.image }
        : undefined
    },
    richMenus: () =>
      [...state.richMenus.values()].map((r) => ({
        richMenuId: r.richMenuId,
        menu: r.menu,
        image: r.image,
      })),
    richMenuOf: (userId) => state.users.get(userId)?.richMenuId,

    createUser: (input) => copy(state.createUser(input).profile),
    users: () => [...state.users.values()].map((user) => copy(user.profile)),
    everFollowed: (userId) => state.users.get(userId)?.everFollowed ?? false,
    snapshot: () => JSON.stringify(state.snapshot()),
    restore: (json) => state.restore(JSON.parse(json) as StandInSnapshot),
    user: (userId) => {
      const found = state.users.get(userId)
      return found ? copy(found.profile) : undefined
    },

    follow: (userId) => webhooks.deliver([webhooks.build.follow(userId)]),
    unfollow: (userId) => webhooks.deliver([webhooks.build.unfollow(userId)]),
    sendText: (userId, text) => webhooks.deliver([webhooks.build.text(userId, text)]),
    postback: (userId, data, params, extra) =>
      webhooks.deliver([webhooks.build.postback(userId, data, params)], {
        displayText: extra?.displayText,
      }),
    sendImage: (userId) => webhooks.deliver([webhooks.build.image(userId)]),
    deliver: (events, deliverOptions) => webhooks.deliver(events, deliverOptions),
    buildEvent: webhooks.build,

    received: (userId) => state.received(userId),
    interact: (userId, messageId, click) => state.interact(userId, messageId, click ?? false),
    sent: (userId) => state.sent(userId),
    loading: (userId) => state.loading(userId),
    requests: () => state.log.list(),
    setQuota: (settings) => state.quota.set(settings),
    setAggregationUnits: (settings) => state.setAggregationUnits(settings),
    quota: () => ({
      limit: state.quota.limit,
      used: state.quota.used,
      reportedUsageLag: state.quota.reportedUsageLag,
    }),
    reset: () => {
      state.reset()
      tokens.issued.length = 0
      tokens.keys.clear()
      webhookActive = options.webhookActive ?? true
      faults.clear()
      latency.set(options.latency)
      limiter?.reset()
    },

    inject: (fault) => faults.add(fault),
    removeFault: (id) => faults.remove(id),
    clearFaults: () => faults.clear(),
    setLatency: (range) => latency.set(range),
    setReachable: async (next) => {
      if (next === reachable) return
      reachable = next
      if (next) await listen(port)
      else
        await new Promise<void>((resolve) => {
          server.close(() => resolve())
          server.closeAllConnections()
        })
    },

    issueIdToken: (userId, tokenOptions) => {
      const profile = state.users.get(userId)?.profile
      return idTokens.issue(userId, tokenOptions, {
        name: profile?.displayName,
        picture: profile?.pictureUrl,
      })
    },
    rotateKeys: () => idTokens.rotateKeys(),

    close: () =>
      new Promise<void>((resolve, reject) => {
        if (!reachable) {
          resolve()
          return
        }
        server.close((error) => (error ? reject(error) : resolve()))
        server.closeAllConnections()
      }),
  }
  control.router = controlRouter(standIn)
  return standIn
}
