import { describe, expect, it } from 'vitest'
import { buildTimeline, quickRepliesOf } from './timeline.ts'
import type { ReceivedMessage, SentEvent } from './types.ts'

const sent = (type: string, at: number, extra: Partial<SentEvent['event']> = {}): SentEvent => ({
  event: { type, timestamp: at, webhookEventId: `e${at}${type}`, ...extra },
})

const received = (
  at: number,
  message: Record<string, unknown>,
  id = `m${at}`,
): ReceivedMessage => ({
  via: 'reply',
  message,
  messageId: id,
  requestId: `r${at}`,
  at,
})

describe('buildTimeline', () => {
  it("merges the customer's events and the bot's messages in time order, customer first on a tie", () => {
    const timeline = buildTimeline(
      [
        received(100, { type: 'text', text: 'ようこそ' }, 'a'),
        received(100, { type: 'text', text: 'ヘルプ' }, 'b'),
        received(200, { type: 'text', text: 'answer' }),
      ],
      [
        sent('follow', 100, { follow: { isUnblocked: false } }),
        sent('message', 150, { message: { type: 'text', text: 'こんにちは' } }),
        sent('postback', 200, { postback: { data: 'action=help' } }),
        sent('unfollow', 300),
        sent('follow', 400, { follow: { isUnblocked: true } }),
        sent('beacon', 500),
      ],
    )
    expect(
      timeline.map((e) =>
        e.from === 'bot' ? `bot:${String(e.message.text)}` : `${e.from}:${e.kind}`,
      ),
    ).toEqual([
      'system:follow',
      'bot:ようこそ',
      'bot:ヘルプ',
      'customer:text',
      'customer:postback',
      'bot:answer',
      'system:unfollow',
      'system:unblock',
    ])
  })

  it('shows a postback with its display text', () => {
    const [entry] = buildTimeline(
      [],
      [{ ...sent('postback', 1, { postback: { data: 'x=1' } }), displayText: '使う' }],
    )
    expect(entry).toMatchObject({ kind: 'postback', data: 'x=1', displayText: '使う' })
  })
})

describe('quickRepliesOf', () => {
  const withQuickReply = {
    type: 'text',
    text: 'どれにしますか',
    quickReply: {
      items: [
        { type: 'action', action: { type: 'message', label: 'はい', text: 'はい' } },
        {
          type: 'action',
          imageUrl: 'https://example.com/i.png',
          action: { type: 'postback', label: 'いいえ', data: 'no' },
        },
        { type: 'action', action: { type: 'camera', label: 'カメラ' } },
      ],
    },
  }

  it("offers the last message's quick replies", () => {
    expect(quickRepliesOf(buildTimeline([received(1, withQuickReply)], []))).toEqual([
      { action: { kind: 'message', label: 'はい', text: 'はい' } },
      {
        action: { kind: 'postback', label: 'いいえ', data: 'no' },
        imageUrl: 'https://example.com/i.png',
      },
      { action: { kind: 'unsupported', label: 'カメラ', type: 'camera' } },
    ])
  })

  it('hides them once anything comes after that message', () => {
    const answered = buildTimeline(
      [received(1, withQuickReply)],
      [sent('message', 2, { message: { type: 'text', text: 'はい' } })],
    )
    expect(quickRepliesOf(answered)).toEqual([])
    const followedUp = buildTimeline(
      [received(1, withQuickReply), received(2, { type: 'text', text: 'x' })],
      [],
    )
    expect(quickRepliesOf(followedUp)).toEqual([])
  })
})
