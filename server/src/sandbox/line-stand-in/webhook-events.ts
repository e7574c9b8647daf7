import { createHmac } from 'node:crypto'
import { randomToken, ulid } from './ids.ts'
import type { StandInState } from './state.ts'
import type {
  BuildEvent,
  DeliverOptions,
  DeliveryResult,
  SentEvent,
  WebhookEvent,
} from './types.ts'

export interface WebhookConfig {
  state: StandInState
  channelSecret: string
  botUserId: string
  webhookUrl: () => string | undefined
  timeoutMs?: number
}

/** x-line-signature: base64 HMAC-SHA256 of the exact body bytes, keyed by the channel secret. */
export function signBody(channelSecret: string, body: string | Buffer): string {
  return createHmac('sha256', channelSecret).update(body).digest('base64')
}

// 1x1 transparent PNG served as the content of image messages users "send"
const tinyPng = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
)

export class WebhookSender {
  readonly build: BuildEvent

  constructor(private readonly config: WebhookConfig) {
    const { state } = config
    this.build = {
      follow: (userId) => {
        const user = state.userFor(userId)
        return this.event('follow', userId, {
          replyToken: state.issueReplyToken(userId),
          follow: { isUnblocked: user.everFollowed && !user.profile.friend },
        })
      },
      unfollow: (userId) => {
        state.userFor(userId)
        return this.event('unfollow', userId, {})
      },
      text: (userId, text) => {
        state.userFor(userId)
        return this.event('message', userId, {
          replyToken: state.issueReplyToken(userId),
          message: { id: state.nextMessageId(), type: 'text', text, quoteToken: randomToken() },
        })
      },
      postback: (userId, data, params) => {
        state.userFor(userId)
        return this.event('postback', userId, {
          replyToken: state.issueReplyToken(userId),
          postback: params ? { data, params } : { data },
        })
      },
      image: (userId) => {
        state.userFor(userId)
        return this.event('message', userId, {
          replyToken: state.issueReplyToken(userId),
          message: {
            id: state.storeContent('image/png', tinyPng),
            type: 'image',
            contentProvider: { type: 'line' },
            quoteToken: randomToken(),
          },
        })
      },
    }
  }

  private event(type: string, userId: string, extra: Record<string, unknown>): WebhookEvent {
    const timestamp = this.config.state.now()
    return {
      type,
      mode: 'active',
      timestamp,
      source: { type: 'user', userId },
      webhookEventId: ulid(timestamp),
      deliveryContext: { isRedelivery: false },
      ...extra,
    }
  }

  /**
   * Signs and POSTs the events to the product's webhook, as LINE would. `displayText` is what LINE
   * shows in the chat for a postback action that has one (it is not part of the webhook).
   */
  async deliver(
    events: WebhookEvent[],
    options: DeliverOptions & { displayText?: string } = {},
  ): Promise<DeliveryResult> {
    const url = this.config.webhookUrl()
    if (!url) throw new Error('LINE stand-in: webhookUrl is not set (use setWebhookUrl)')
    const sent = options.redelivery
      ? events.map((event) => ({ ...event, deliveryContext: { isRedelivery: true } }))
      : events
    const body =
      options.rawBody ?? JSON.stringify({ destination: this.config.botUserId, events: sent })
    const forged = options.signature !== undefined || options.rawBody !== undefined
    // A genuine delivery means the user really did (un)follow; forged ones change nothing.
    if (!forged) this.applyFriendship(sent)
    if (!forged && !options.redelivery) this.recordSent(sent, options.displayText)
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'user-agent': 'LineBotWebhook/2.0',
        'x-line-signature': options.signature ?? signBody(this.config.channelSecret, body),
      },
      body,
      signal: AbortSignal.timeout(this.config.timeoutMs ?? 10_000),
    })
    return { status: response.status, body: await response.text(), events: sent }
  }

  private recordSent(events: WebhookEvent[], displayText: string | undefined): void {
    for (const event of events) {
      const userId = event.source?.userId
      if (!userId) continue
      const entry: SentEvent = { event }
      if (displayText !== undefined && event.type === 'postback') entry.displayText = displayText
      this.config.state.recordSent(userId, entry)
    }
  }

  private applyFriendship(events: WebhookEvent[]): void {
    for (const event of events) {
      const userId = event.source?.userId
      if (!userId) continue
      if (event.type === 'follow') this.config.state.setFriend(userId, true)
      else if (event.type === 'unfollow') this.config.state.setFriend(userId, false)
    }
  }
}
