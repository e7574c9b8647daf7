import type { JsonWebKey } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'

export interface StandInOptions {
  /** 0 (default) picks a free port */
  port?: number
  host?: string
  channelSecret?: string
  channelAccessToken?: string
  loginChannelId?: string
  issuer?: string
  /** The product's webhook endpoint; can be set later with setWebhookUrl */
  webhookUrl?: string
  rateLimits?: boolean
  replyTokenTtlMs?: number
  /** Messages per month for quota type 'limited'; null or 'none' means unlimited. Default 200. */
  monthlyQuota?: number | null | 'none'
  now?: () => number
  /** The bot's own user ID, sent as `destination` in webhooks */
  botUserId?: string
  /** requests() keeps at most this many entries (oldest dropped). Default 10,000. */
  maxRecordedRequests?: number
  /** Every LINE API call (not the control API) takes this long first; see setLatency. */
  latency?: LatencyRange
  /** The Messaging API channel's ID (short-lived tokens are issued for it). Default 2000000000. */
  channelId?: string
  /** "Use webhook" in the console. Default true. */
  webhookActive?: boolean
  /** How POST /v2/bot/channel/webhook/test reaches the endpoint. Default: the global fetch. */
  webhookFetch?: typeof fetch
}

/** A uniform delay in [minMs, maxMs] (seeded for reproducible runs), like LINE's answer times. */
export interface LatencyRange {
  minMs: number
  maxMs: number
  /** only calls whose pathname matches */
  path?: string | RegExp
  seed?: number
}

export interface StandInUser {
  userId: string
  displayName: string
  language?: string
  pictureUrl?: string
  statusMessage?: string
  /** true while the user has the account as a friend (after follow, until unfollow) */
  friend: boolean
}

export interface StandInRichMenu {
  richMenuId: string
  menu: Record<string, unknown>
  image: { contentType: string; data: Buffer } | undefined
}

export interface CreateUserInput {
  userId?: string
  displayName?: string
  language?: string
  pictureUrl?: string
  statusMessage?: string
  /** Start as a friend without delivering a follow webhook. Default false. */
  friend?: boolean
}

export type Via = 'reply' | 'push' | 'multicast'

export interface ReceivedMessage {
  via: Via
  message: Record<string, unknown>
  messageId: string
  requestId: string
  retryKey?: string
  /** The reply token a reply used (each token delivers at most once). */
  replyToken?: string
  /** The customAggregationUnits name the push or multicast carried. */
  aggregationUnit?: string
  at: number
}

export interface RecordedRequest {
  method: string
  path: string
  query: string
  headers: IncomingHttpHeaders
  /** parsed JSON (or form fields) when the body was JSON, else null */
  body: unknown
  /** 0 when the connection was dropped by a fault */
  status: number
  requestId: string
  at: number
}

export interface WebhookSource {
  type: 'user'
  userId: string
}

export interface WebhookEvent {
  type: string
  mode: 'active' | 'standby'
  timestamp: number
  source?: WebhookSource
  webhookEventId: string
  deliveryContext: { isRedelivery: boolean }
  replyToken?: string
  [key: string]: unknown
}

/** What a user did in the chat (a message, postback, follow …), as delivered to the webhook. */
export interface SentEvent {
  event: WebhookEvent
  /** A postback from an action with `displayText`: the text LINE shows as the user's message. */
  displayText?: string
}

export interface DeliverOptions {
  /** Send with deliveryContext.isRedelivery = true (same webhookEventIds) */
  redelivery?: boolean
  /** Send this x-line-signature instead of the real one */
  signature?: string
  /** Send these bytes instead of the serialized events (signed unless signature is given) */
  rawBody?: string
}

export interface DeliveryResult {
  status: number
  body: string
  events: WebhookEvent[]
}

interface FaultTarget {
  /** exact pathname, or a RegExp tested against the pathname */
  path?: string | RegExp
  method?: string
  /** only the next N matching calls */
  count?: number
  /** fraction (0..1) of matching calls */
  share?: number
  /** seed for the share RNG, for deterministic runs */
  seed?: number
}

/**
 * When a status or drop fault strikes. 'before' (default): LINE refused the call before processing
 * it (a 429, a 5xx from a front end, a reset connection): it has no effect beyond being logged in
 * requests(). 'after': LINE processed the call (delivered, took the reply token, accepted the retry
 * key) and then answered the fault's status or dropped the connection, so the caller cannot tell.
 */
export type FaultPhase = 'before' | 'after'

/**
 * At most one fault affects a call: count-limited faults first, in injection order, then the
 * earliest unlimited one. A latency fault only delays the normal handling (a caller that times out
 * meanwhile still has its call processed).
 */
export type Fault = FaultTarget &
  (
    | {
        kind: 'status'
        status: number
        body?: unknown
        headers?: Record<string, string>
        phase?: FaultPhase
      }
    // 'before' (default): the call waits, then is processed; 'after': it is processed at once
    // and its answer waits (a caller that gives up meanwhile cannot tell it went through)
    | { kind: 'latency'; ms: number; phase?: FaultPhase }
    | { kind: 'drop'; phase?: FaultPhase }
  )

export interface FaultHandle {
  id: string
  remove(): void
  /** how many calls this fault has affected so far */
  readonly hits: number
}

export interface IdTokenOptions {
  aud?: string
  iss?: string
  expiresInSec?: number
  name?: string
  picture?: string
  nonce?: string
  /**
   * The scopes the user granted (default `openid profile`). Without `profile` the token carries
   * no `name` / `picture`, as after LINE's simplified consent where only `openid` is granted.
   */
  scopes?: ('openid' | 'profile')[]
  /** header alg to claim, independent of how the token is signed */
  alg?: string
  /** header kid to claim */
  kid?: string
  /**
   * Forgeries for negative tests: 'other-key' signs ES256 with a key absent from the JWKS,
   * 'hs256' signs HS256 with the channel secret, 'none' leaves the signature empty.
   */
  signWith?: 'other-key' | 'hs256' | 'none'
  /** extra claims merged into the payload */
  claims?: Record<string, unknown>
}

export interface BuildEvent {
  follow(userId: string): WebhookEvent
  unfollow(userId: string): WebhookEvent
  text(userId: string, text: string): WebhookEvent
  postback(userId: string, data: string, params?: Record<string, string>): WebhookEvent
  image(userId: string): WebhookEvent
}

export interface LineStandIn {
  readonly url: string
  readonly jwksUrl: string
  readonly issuer: string
  readonly channelSecret: string
  readonly channelAccessToken: string
  readonly loginChannelId: string
  readonly botUserId: string
  readonly webhookUrl: string | undefined
  setWebhookUrl(url: string | undefined): void
  readonly channelId: string
  setWebhookActive(active: boolean): void
  /** Registers an assertion signing key's public JWK, as the console does; answers its kid. */
  registerAssertionKey(publicJwk: JsonWebKey): string
  /** Short-lived tokens issued so far (POST /oauth2/v2.1/token, /oauth2/v3/token). */
  issuedTokens(): IssuedToken[]

  /** Unverified accounts get 403 from GET /v2/bot/followers/ids. Default 'verified'. */
  setAccountType(type: 'verified' | 'premium' | 'unverified'): void
  /** Rich menus as LINE holds them (with their uploaded image), the default one, a user's link. */
  richMenus(): StandInRichMenu[]
  defaultRichMenu(): StandInRichMenu | undefined
  richMenuOf(userId: string): string | undefined

  createUser(input?: CreateUserInput): StandInUser
  users(): StandInUser[]
  /** Whether the user has ever added the account (a non-friend who has is one who blocked it). */
  everFollowed(userId: string): boolean
  /** Users, their chats and the rich menus as JSON: what the sandbox keeps across restarts. */
  snapshot(): string
  /** Puts back what snapshot() gave (users already present keep theirs, with the old chat first). */
  restore(json: string): void
  user(userId: string): StandInUser | undefined

  follow(userId: string): Promise<DeliveryResult>
  unfollow(userId: string): Promise<DeliveryResult>
  sendText(userId: string, text: string): Promise<DeliveryResult>
  postback(
    userId: string,
    data: string,
    params?: Record<string, string>,
    options?: { displayText?: string },
  ): Promise<DeliveryResult>
  sendImage(userId: string): Promise<DeliveryResult>
  deliver(events: WebhookEvent[], options?: DeliverOptions): Promise<DeliveryResult>
  buildEvent: BuildEvent

  received(userId: string): ReceivedMessage[]
  /**
   * The user opens a message they received (`click`: and taps a link in it); LINE's per-unit
   * statistics (GET /v2/bot/insight/message/event/aggregation) count it. Returns the message's unit.
   */
  interact(userId: string, messageId: string, click?: boolean): { unit: string | undefined }
  /** What the user sent the product through genuine deliveries (no forgeries, no redeliveries). */
  sent(userId: string): SentEvent[]
  /** Loading animations the product showed in the user's chat (POST /v2/bot/chat/loading/start). */
  loading(userId: string): { seconds: number; at: number }[]
  requests(): RecordedRequest[]
  reset(): void

  /**
   * The monthly quota: its limit (null: none), the messages used this month, and how far the
   * consumption endpoint's figure lags behind (reportedUsageLag). Fields left out stay. Make the
   * quota endpoints fail with inject({ path: /quota/, kind: 'status', status: 500 }).
   */
  setQuota(settings: { limit?: number | null; used?: number; reportedUsageLag?: number }): void
  quota(): { limit: number | null; used: number; reportedUsageLag: number }
  /**
   * LINE's customAggregationUnits names a month (default 1,000; a send with a new name past them
   * is refused with 400): change the limit, or mark names of a UTC+9 month (YYYY-MM) as used, as
   * other tools on the channel would.
   */
  setAggregationUnits(settings: { limit?: number; month?: string; used?: string[] }): void

  inject(fault: Fault): FaultHandle
  removeFault(id: string): boolean
  clearFaults(): void
  /** Delays every LINE API call by a random time in the range (undefined: no base latency). */
  setLatency(range: LatencyRange | undefined): void
  /**
   * false: LINE is unreachable — the listener closes and open connections are cut, so callers get
   * "connection refused" (nothing was processed); true: listening again on the same port.
   */
  setReachable(reachable: boolean): Promise<void>

  issueIdToken(userId: string, options?: IdTokenOptions): string
  rotateKeys(): Promise<void>

  close(): Promise<void>
}

/** A channel access token the stand-in issued (v2.1 with a JWT assertion, or stateless). */
export interface IssuedToken {
  token: string
  kind: 'v2.1' | 'stateless'
  expiresAt: number
  keyId?: string
}
