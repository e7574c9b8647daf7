import { isLineUserId, LINE_GROUP_ID_PATTERN, LINE_ROOM_ID_PATTERN } from '@joren/shared'
import { backoffDelay } from '../domain/backoff.ts'
import {
  loadingSeconds,
  SendFailure,
  type LineMessage,
  type LineProfile,
  type MessageQuotaInfo,
  type Messenger,
  type SendResult,
} from '../domain/messaging/messenger.ts'
import type { UnitStatistics } from '../domain/line-stats/poll.ts'
import type { Ids, Logger } from '../domain/ports.ts'
import { LineApiError } from './line-api-error.ts'
import { unpaced, type PacedEndpoint, type PacePriority, type Pacer } from './rate-limiter.ts'

export interface LineClientOptions {
  apiBaseUrl: string
  channelAccessToken: string
  ids: Ids
  logger: Logger
  /** Per attempt. LINE sends no Retry-After; we time out and retry ourselves. */
  timeoutMs?: number
  maxAttempts?: number
  retryBaseMs?: number
  fetch?: typeof fetch
  sleep?: (ms: number) => Promise<void>
  /** Paces push and multicast under LINE's rate limits; one per process, shared by all senders. */
  pacer?: Pacer
  /**
   * Pushes and multicasts carry their customAggregationUnits name (LINE's per-unit statistics,
   * for channels whose owner applied for them). Off: the names are left out. Default off.
   */
  aggregationUnits?: boolean
}

type CallResult = { status: number; body: string; requestId: string | undefined }

const MONTHLY_LIMIT = /monthly limit/i
const INVALID_REPLY_TOKEN = /invalid reply token/i

/** One HTTP call to LINE with its own timeout; a non-2xx answer is thrown as LineApiError. */
async function attemptOnce(
  to: { doFetch: typeof fetch; base: string; channelAccessToken: string; timeoutMs: number },
  method: string,
  path: string,
  body: unknown,
  headers: Record<string, string>,
): Promise<CallResult> {
  // A plain controller and a cleared timer: AbortSignal.timeout() costs ~25 µs on Node and keeps
  // its timer (and the request) alive for the whole timeout even after the answer came.
  const controller = new AbortController()
  const timer = setTimeout(
    () => controller.abort(new DOMException('LINE API call timed out', 'TimeoutError')),
    to.timeoutMs,
  )
  let res: Response
  let text: string
  try {
    res = await to.doFetch(`${to.base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${to.channelAccessToken}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: controller.signal,
    })
    text = await res.text()
  } finally {
    clearTimeout(timer)
  }
  const requestId = res.headers.get('x-line-request-id') ?? undefined
  if (res.ok) return { status: res.status, body: text, requestId }
  throw new LineApiError(
    res.status,
    text,
    requestId,
    res.headers.get('x-line-accepted-request-id') ?? undefined,
  )
}

/**
 * The Messaging API over fetch (the SDK has no timeout and no retry). Every call times out;
 * timeouts, connection errors, 5xx and rate-limit 429s are retried with backoff and jitter; the
 * monthly-limit 429 never is. Push carries the caller's X-Line-Retry-Key on every attempt. A reply
 * is tried once: the outbox decides what a failure means (LINE takes no retry key on replies).
 */
export function createLineMessagingClient(options: LineClientOptions): Messenger & {
  /** GET /v2/bot/insight/message/event/aggregation: one unit's unique opens and clicks. */
  unitStatistics(unit: string, from: string, to: string): Promise<UnitStatistics>
  /** GET /v2/bot/message/aggregation/info: unit names the channel used this month. */
  aggregationUnitsUsed(): Promise<number>
  call(
    method: string,
    path: string,
    init?: { body?: unknown; headers?: Record<string, string> },
  ): Promise<CallResult>
} {
  const {
    apiBaseUrl,
    channelAccessToken,
    ids,
    logger,
    timeoutMs = 10_000,
    maxAttempts = 4,
    retryBaseMs = 200,
  } = options
  const doFetch = options.fetch ?? fetch
  const pacer = options.pacer ?? unpaced
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)))
  const base = apiBaseUrl.replace(/\/+$/, '')
  const units = (unit: string | undefined) =>
    options.aggregationUnits && unit !== undefined ? { customAggregationUnits: [unit] } : {}

  const target = { doFetch, base, channelAccessToken, timeoutMs }
  const attempt = (method: string, path: string, body: unknown, headers: Record<string, string>) =>
    attemptOnce(target, method, path, body, headers)

  async function call(
    method: string,
    path: string,
    init: {
      body?: unknown
      headers?: Record<string, string>
      /** 1: a single attempt (replies) */
      attempts?: number
      paced?: PacedEndpoint
      priority?: PacePriority
    } = {},
  ): Promise<CallResult> {
    const attempts = init.attempts ?? maxAttempts
    for (let n = 1; ; n++) {
      try {
        if (init.paced) await pacer.take(init.paced, init.priority)
        return await attempt(method, path, init.body, init.headers ?? {})
      } catch (error) {
        if (init.paced && error instanceof LineApiError && error.status === 429)
          if (!MONTHLY_LIMIT.test(error.lineMessage)) pacer.slowDown(init.paced)
        const retryable = isRetryable(error) && n < attempts
        logger.warn('LINE API call failed', {
          method,
          path: path.replace(/U[0-9a-f]{32}/g, 'U…'),
          attempt: n,
          status: error instanceof LineApiError ? error.status : undefined,
          lineRequestId: error instanceof LineApiError ? error.requestId : undefined,
          error: error instanceof LineApiError ? error.lineMessage : String(error),
          willRetry: retryable,
        })
        if (!retryable) throw error
        await sleep(backoffDelay(n, ids, retryBaseMs, 5_000))
      }
    }
  }

  return {
    call,

    async reply(replyToken, messages): Promise<SendResult> {
      try {
        const res = await call('POST', '/v2/bot/message/reply', {
          body: { replyToken, messages },
          attempts: 1,
          paced: 'reply',
        })
        return { requestId: res.requestId }
      } catch (error) {
        throw toSendFailure(error)
      }
    },

    async push(to, messages: LineMessage[], retryKey, options): Promise<SendResult> {
      assertRecipient(to)
      try {
        const res = await call('POST', '/v2/bot/message/push', {
          body: { to, messages, ...units(options?.aggregationUnit) },
          headers: { 'x-line-retry-key': retryKey },
          paced: 'push',
          priority: options?.priority ?? 'urgent',
        })
        return { requestId: res.requestId }
      } catch (error) {
        throw toSendFailure(error)
      }
    },

    async multicast(to, messages: LineMessage[], retryKey, sendOptions): Promise<SendResult> {
      if (to.length === 0 || to.length > 500)
        throw new SendFailure('rejected', 'multicast takes 1 to 500 recipients')
      for (const userId of to)
        if (!isLineUserId(userId))
          throw new SendFailure('rejected', 'recipient is not a LINE user ID')
      try {
        const res = await call('POST', '/v2/bot/message/multicast', {
          body: { to, messages, ...units(sendOptions?.aggregationUnit) },
          headers: { 'x-line-retry-key': retryKey },
          paced: 'multicast',
          priority: 'bulk',
        })
        return { requestId: res.requestId }
      } catch (error) {
        throw toSendFailure(error)
      }
    },

    async unitStatistics(unit, from, to): Promise<UnitStatistics> {
      const query = new URLSearchParams({
        customAggregationUnit: unit,
        from: from.replaceAll('-', ''),
        to: to.replaceAll('-', ''),
      })
      const res = await call('GET', `/v2/bot/insight/message/event/aggregation?${query.toString()}`)
      const body = JSON.parse(res.body) as {
        overview?: { uniqueImpression?: number | null; uniqueClick?: number | null }
      }
      const figure = (n: number | null | undefined) => (typeof n === 'number' ? n : null)
      return {
        opened: figure(body.overview?.uniqueImpression),
        clicked: figure(body.overview?.uniqueClick),
      }
    },

    async aggregationUnitsUsed(): Promise<number> {
      const res = await call('GET', '/v2/bot/message/aggregation/info', { attempts: 1 })
      const body = JSON.parse(res.body) as { numOfCustomAggregationUnits?: unknown }
      const used = body.numOfCustomAggregationUnits
      if (typeof used !== 'number' || !Number.isInteger(used) || used < 0)
        throw new Error('LINE answered aggregation/info without numOfCustomAggregationUnits')
      return used
    },

    async messageQuota(): Promise<MessageQuotaInfo> {
      // One attempt each: the caller keeps the answer briefly and, when LINE's quota endpoints
      // fail, goes on with the quota unknown (LINE still enforces the limit on sends).
      const [quota, consumption] = await Promise.all([
        call('GET', '/v2/bot/message/quota', { attempts: 1 }),
        call('GET', '/v2/bot/message/quota/consumption', { attempts: 1 }),
      ])
      const q = JSON.parse(quota.body) as { type?: string; value?: number }
      const c = JSON.parse(consumption.body) as { totalUsage?: number }
      const limited = q.type === 'limited' && typeof q.value === 'number'
      return {
        type: limited ? 'limited' : 'none',
        limit: limited ? (q.value ?? null) : null,
        used: c.totalUsage ?? 0,
      }
    },

    async showLoading(userId, seconds): Promise<void> {
      if (!isLineUserId(userId)) throw new Error('not a LINE user ID')
      await call('POST', '/v2/bot/chat/loading/start', {
        body: { chatId: userId, loadingSeconds: loadingSeconds(seconds) },
        attempts: 1,
      })
    },

    async getProfile(userId): Promise<LineProfile | null> {
      if (!isLineUserId(userId)) throw new Error('not a LINE user ID')
      try {
        const res = await call('GET', `/v2/bot/profile/${userId}`)
        return JSON.parse(res.body) as LineProfile
      } catch (error) {
        if (error instanceof LineApiError && error.status === 404) return null
        throw error
      }
    },
  }
}

function assertRecipient(to: string): void {
  if (!isLineUserId(to) && !LINE_GROUP_ID_PATTERN.test(to) && !LINE_ROOM_ID_PATTERN.test(to))
    throw new SendFailure('rejected', 'recipient is not a LINE user, group or room ID')
}

function isRetryable(error: unknown): boolean {
  if (error instanceof LineApiError) {
    if (error.status === 429) return !MONTHLY_LIMIT.test(error.lineMessage)
    return error.status >= 500
  }
  // Timeouts and connection errors.
  return true
}

/** Network errors that mean the request never reached LINE (nothing can have been processed). */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH'])

function neverSent(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 3; depth++) {
    const code = (e as { code?: unknown }).code
    if (typeof code === 'string' && NOT_SENT.has(code)) return true
    e = (e as { cause?: unknown }).cause
  }
  return false
}

function toSendFailure(error: unknown): SendFailure {
  if (error instanceof SendFailure) return error
  if (error instanceof LineApiError) {
    const { status, requestId } = error
    if (status === 409 && error.acceptedRequestId)
      return new SendFailure(
        'already_accepted',
        'retry key already accepted',
        status,
        error.acceptedRequestId,
      )
    if (status === 429 && MONTHLY_LIMIT.test(error.lineMessage))
      return new SendFailure('monthly_limit', error.lineMessage, status, requestId)
    if (status === 400 && INVALID_REPLY_TOKEN.test(error.lineMessage))
      return new SendFailure('invalid_reply_token', error.lineMessage, status, requestId)
    // A rate-limit 429 comes before LINE processes anything; a 5xx may come after it did.
    if (status === 429) return new SendFailure('refused', error.lineMessage, status, requestId)
    if (status >= 500) return new SendFailure('retryable', error.lineMessage, status, requestId)
    return new SendFailure('rejected', error.lineMessage, status, requestId)
  }
  const message = error instanceof Error ? error.message : String(error)
  // Connection refused: nothing reached LINE. A timeout or a connection lost after the request
  // was written: it may have been processed.
  return new SendFailure(neverSent(error) ? 'refused' : 'retryable', message)
}
