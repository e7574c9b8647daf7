import type { messagingApi } from '@line/bot-sdk'

export type LineMessage = messagingApi.Message

export interface LineProfile {
  userId: string
  displayName: string
  pictureUrl?: string
  statusMessage?: string
  language?: string
}

/** Why a LINE call failed, in the terms the retry policies need. */
export type SendFailureKind =
  // LINE did not process the call (rate-limit 429, connection refused): try again; a reply token
  // is still good
  | 'refused'
  // timeout, lost connection, 5xx: LINE may have processed the call. Try again with the same
  // retry key; a reply may already have been delivered (its token then answers "invalid")
  | 'retryable'
  | 'monthly_limit' // never retried: the channel is out of messages this month
  | 'invalid_reply_token' // used or stale
  | 'already_accepted' // 409 for a reused retry key: LINE accepted the first attempt
  | 'rejected' // any other 4xx: the request itself is wrong

export class SendFailure extends Error {
  constructor(
    readonly kind: SendFailureKind,
    message: string,
    readonly status?: number,
    readonly requestId?: string,
  ) {
    super(message)
    this.name = 'SendFailure'
  }
}

export interface MessageQuotaInfo {
  type: 'none' | 'limited'
  limit: number | null
  used: number
}

export interface SendResult {
  requestId: string | undefined
}

/**
 * Who waits for a send when LINE's rate limits are reached: answers to customers ('urgent', the
 * default) go before broadcast chunks ('bulk').
 */
export type SendPriority = 'urgent' | 'bulk'

export interface SendOptions {
  priority?: SendPriority
  /**
   * LINE's customAggregationUnits name (one per broadcast or journey step; see
   * domain/line-stats/units.ts). Sent only when the channel has unit statistics switched on.
   */
  aggregationUnit?: string
}

/** The LINE Messaging API as the domain sees it. Implementations time out, retry and log. */
export interface Messenger {
  /**
   * One attempt, never retried here: LINE takes no retry key on replies, so whether to try again
   * depends on what the caller knows (see the outbox's reply policy).
   */
  reply(replyToken: string, messages: LineMessage[]): Promise<SendResult>
  push(
    to: string,
    messages: LineMessage[],
    retryKey: string,
    options?: SendOptions,
  ): Promise<SendResult>
  /** Up to 500 users in one request; the same retry / 409 handling as push. Always 'bulk'. */
  multicast(
    to: string[],
    messages: LineMessage[],
    retryKey: string,
    options?: Pick<SendOptions, 'aggregationUnit'>,
  ): Promise<SendResult>
  /** This month's message quota (GET /v2/bot/message/quota and …/quota/consumption). */
  messageQuota(): Promise<MessageQuotaInfo>
  /** The profile of a user who is a friend of the account; null when LINE does not know them. */
  getProfile(userId: string): Promise<LineProfile | null>
  /**
   * Shows LINE's loading animation in the one-on-one chat with `userId` for `seconds` (5–60, a
   * multiple of 5; POST /v2/bot/chat/loading/start). It ends early when a message arrives.
   * Best effort: one attempt, no retry (a late animation is worse than none).
   */
  showLoading(userId: string, seconds: number): Promise<void>
}

/** LINE's accepted loading durations: 5–60 seconds in steps of 5. */
export function loadingSeconds(seconds: number): number {
  return Math.min(60, Math.max(5, Math.ceil(seconds / 5) * 5))
}
