import { isRecord, readAction, type ChatAction } from './actions.ts'
import type { LineMessage, ReceivedMessage, SentEvent, Via } from './types.ts'

/** One line of the chat, oldest first: what the bot sent, what the customer did. */
export type TimelineEntry =
  | { from: 'bot'; key: string; at: number; via: Via; message: LineMessage }
  | { from: 'customer'; key: string; at: number; kind: 'text'; text: string }
  | { from: 'customer'; key: string; at: number; kind: 'image' }
  | {
      from: 'customer'
      key: string
      at: number
      kind: 'postback'
      data: string
      displayText?: string
    }
  | { from: 'system'; key: string; at: number; kind: 'follow' | 'unblock' | 'unfollow' }

function customerEntry({ event, displayText }: SentEvent): TimelineEntry | null {
  const base = { key: event.webhookEventId, at: event.timestamp }
  switch (event.type) {
    case 'message':
      if (event.message?.type === 'text') {
        return { ...base, from: 'customer', kind: 'text', text: event.message.text ?? '' }
      }
      return event.message?.type === 'image' ? { ...base, from: 'customer', kind: 'image' } : null
    case 'postback': {
      const data = event.postback?.data ?? ''
      return displayText
        ? { ...base, from: 'customer', kind: 'postback', data, displayText }
        : { ...base, from: 'customer', kind: 'postback', data }
    }
    case 'follow':
      return { ...base, from: 'system', kind: event.follow?.isUnblocked ? 'unblock' : 'follow' }
    case 'unfollow':
      return { ...base, from: 'system', kind: 'unfollow' }
    default:
      return null
  }
}

/**
 * Both logs in time order. The customer's event comes first on a tie: a reply cannot precede
 * what it answers. Entries of the same log keep their order (the sort is stable).
 */
export function buildTimeline(received: ReceivedMessage[], sent: SentEvent[]): TimelineEntry[] {
  const customer = sent.map(customerEntry).filter((e): e is TimelineEntry => e !== null)
  const bot: TimelineEntry[] = received.map((r, i) => ({
    from: 'bot',
    key: `${r.messageId || r.requestId}-${i}`,
    at: r.at,
    via: r.via,
    message: r.message,
  }))
  return [...customer, ...bot].sort(
    (a, b) => a.at - b.at || Number(a.from === 'bot') - Number(b.from === 'bot'),
  )
}

export interface QuickReply {
  action: ChatAction
  imageUrl?: string
}

/** LINE shows quick reply buttons only while their message is the last one in the chat. */
export function quickRepliesOf(timeline: TimelineEntry[]): QuickReply[] {
  const last = timeline.at(-1)
  if (last?.from !== 'bot') return []
  const quickReply = last.message.quickReply
  const items = isRecord(quickReply) && Array.isArray(quickReply.items) ? quickReply.items : []
  const replies: QuickReply[] = []
  for (const item of items) {
    if (!isRecord(item)) continue
    const action = readAction(item.action)
    if (!action) continue
    replies.push(
      typeof item.imageUrl === 'string' ? { action, imageUrl: item.imageUrl } : { action },
    )
  }
  return replies
}

/** Cheap change detection for polling: both logs only grow (until the stand-in is reset). */
export function timelineSignature(received: ReceivedMessage[], sent: SentEvent[]): string {
  const lastReceived = received.at(-1)
  const lastSent = sent.at(-1)
  return [
    received.length,
    lastReceived?.messageId ?? '',
    sent.length,
    lastSent?.event.webhookEventId ?? '',
  ].join(':')
}
