import { createHmac } from 'node:crypto'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startLineStandIn } from '../../server/src/sandbox/line-stand-in/index.ts'
import { startReceiver } from './stand-in-support.ts'
import type { LineStandIn } from '../../server/src/sandbox/line-stand-in/types.ts'
import { webhookValidator } from '../../server/src/sandbox/line-stand-in/validate.ts'

let line: LineStandIn
let receiver: Awaited<ReturnType<typeof startReceiver>>

beforeAll(async () => {
  receiver = await startReceiver()
  line = await startLineStandIn({ webhookUrl: receiver.url })
})
afterAll(async () => {
  await line.close()
  await receiver.close()
})
beforeEach(() => {
  receiver.captured.length = 0
})

const hmac = (body: Buffer | string) =>
  createHmac('sha256', line.channelSecret).update(body).digest('base64')

describe('webhook events', () => {
  it('builds event sets valid against the webhook contract', () => {
    const user = line.createUser()
    const events = [
      line.buildEvent.follow(user.userId),
      line.buildEvent.text(user.userId, 'こんにちは'),
      line.buildEvent.postback(user.userId, 'action=buy&id=1', { date: '2025-01-01' }),
      line.buildEvent.image(user.userId),
      line.buildEvent.unfollow(user.userId),
    ]
    expect(
      webhookValidator().validate('CallbackRequest', { destination: line.botUserId, events }),
    ).toBeNull()
    for (const event of events) {
      expect(webhookValidator().validate('Event', event)).toBeNull()
      expect(event).toMatchObject({
        mode: 'active',
        source: { type: 'user', userId: user.userId },
        deliveryContext: { isRedelivery: false },
        webhookEventId: expect.stringMatching(/^[0-9A-HJKMNP-TV-Z]{26}$/),
      })
    }
    expect(events[0]).toMatchObject({
      type: 'follow',
      replyToken: expect.any(String),
      follow: { isUnblocked: false },
    })
    expect(events[1]?.message).toMatchObject({
      type: 'text',
      text: 'こんにちは',
      quoteToken: expect.any(String),
    })
    expect(events[2]?.postback).toEqual({ data: 'action=buy&id=1', params: { date: '2025-01-01' } })
    expect(events[4]?.replyToken).toBeUndefined()
    // the validator does reject a broken event
    expect(webhookValidator().validate('Event', { ...events[0], follow: undefined })).not.toBeNull()
  })

  it('signs the exact body bytes with HMAC-SHA256 of the channel secret', async () => {
    const user = line.createUser({ displayName: 'Mio' })
    const result = await line.follow(user.userId)
    expect(result).toMatchObject({ status: 200, body: '{"ok":true}' })
    const [delivery] = receiver.captured
    expect(delivery?.headers['x-line-signature']).toBe(hmac(delivery?.raw ?? ''))
    expect(delivery?.headers['content-type']).toMatch(/^application\/json/)
    const body = JSON.parse(delivery?.raw.toString('utf8') ?? '{}')
    expect(body).toEqual({ destination: line.botUserId, events: result.events })
    expect(webhookValidator().validate('CallbackRequest', body)).toBeNull()
    expect(line.user(user.userId)?.friend).toBe(true)
  })

  it('tracks friendship through follow, unfollow and refollow', async () => {
    const user = line.createUser()
    await line.follow(user.userId)
    await line.unfollow(user.userId)
    expect(line.user(user.userId)?.friend).toBe(false)
    const again = await line.follow(user.userId)
    expect(again.events[0]?.follow).toEqual({ isUnblocked: true })
    const text = await line.sendText(user.userId, 'hi')
    const postback = await line.postback(user.userId, 'a=1')
    expect([text.events[0]?.type, postback.events[0]?.type]).toEqual(['message', 'postback'])
  })

  it('redelivers the same events and sends forged signatures and raw bodies untouched', async () => {
    const user = line.createUser()
    const event = line.buildEvent.text(user.userId, 'again')
    const redelivered = await line.deliver([event], { redelivery: true })
    expect(redelivered.events[0]).toMatchObject({
      webhookEventId: event.webhookEventId,
      deliveryContext: { isRedelivery: true },
    })
    expect(event.deliveryContext.isRedelivery).toBe(false)

    await line.deliver([line.buildEvent.follow(user.userId)], { signature: 'forged' })
    expect(receiver.captured[1]?.headers['x-line-signature']).toBe('forged')
    expect(line.user(user.userId)?.friend).toBe(false)

    await line.deliver([], { rawBody: '{"destination":' })
    expect(receiver.captured[2]?.raw.toString()).toBe('{"destination":')
    expect(receiver.captured[2]?.headers['x-line-signature']).toBe(hmac('{"destination":'))
  })

  it('fails loudly when no webhook URL is set', async () => {
    line.setWebhookUrl(undefined)
    try {
      await expect(line.follow(line.createUser().userId)).rejects.toThrow(/webhookUrl/)
    } finally {
      line.setWebhookUrl(receiver.url)
    }
  })
})
