import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startLineStandIn, type LineStandIn } from '../../server/src/sandbox/line-stand-in/index.ts'
import { eventually, startJoren, type JorenUnderTest } from '../support/joren-node.ts'
import { postWebhook } from '../support/webhook-client.ts'

let standIn: LineStandIn
let joren: JorenUnderTest

beforeAll(async () => {
  standIn = await startLineStandIn({ rateLimits: false })
})
afterAll(async () => {
  await standIn.close()
})
beforeEach(async () => {
  standIn.reset()
  joren = await startJoren(standIn)
})
afterEach(async () => {
  await joren.close()
})

const webhookUrl = () => `${joren.server.url}/webhook`
const count = (table: string) =>
  joren.rows<{ n: number }>(`select count(*) as n from ${table}`)[0]?.n

describe('POST /webhook', () => {
  it('turns a signed follow into one member and a welcome reply LINE accepted', async () => {
    const user = standIn.createUser({ displayName: '山田 花子', language: 'ja' })
    const res = await standIn.follow(user.userId)
    expect(res.status).toBe(200)

    await eventually(() => expect(standIn.received(user.userId)).toHaveLength(2))
    const members = joren.rows(
      'select line_user_id, display_name, follow_state, member_number from members',
    )
    expect(members).toEqual([
      {
        line_user_id: user.userId,
        display_name: '山田 花子',
        follow_state: 'following',
        member_number: expect.stringMatching(/^\d{10}$/),
      },
    ])
    const [welcome, help] = standIn.received(user.userId)
    expect(welcome?.via).toBe('reply')
    expect(welcome?.message).toMatchObject({
      type: 'text',
      text: expect.stringContaining('山田 花子さん、友だち追加ありがとうございます'),
    })
    expect(help?.message).toMatchObject({
      type: 'text',
      text: expect.stringContaining('ご利用いただける機能'),
    })
    // The reply went through the stand-in's schema validation and was answered 200.
    const replies = standIn.requests().filter((r) => r.path === '/v2/bot/message/reply')
    expect(replies.map((r) => r.status)).toEqual([200])
    await eventually(() =>
      expect(joren.rows('select status, via from outbox')).toEqual([
        { status: 'sent', via: 'reply' },
      ]),
    )
    expect(count('chat_messages')).toBe(2)
  })

  it('answers the console Verify call (no events) with 200 and stores nothing', async () => {
    const body = JSON.stringify({ destination: 'U' + '0'.repeat(32), events: [] })
    const res = await postWebhook(webhookUrl(), body, { secret: standIn.channelSecret })
    expect(res.status).toBe(200)
    expect(count('webhook_events')).toBe(0)
  })

  it('refuses a bad or missing signature with 401 and stores nothing', async () => {
    const user = standIn.createUser({})
    const body = JSON.stringify({
      destination: 'U' + '0'.repeat(32),
      events: [standIn.buildEvent.follow(user.userId)],
    })
    for (const auth of [
      'none',
      { secret: 'not-the-channel-secret' },
      { signature: 'AAAA' },
    ] as const) {
      const res = await postWebhook(webhookUrl(), body, auth)
      expect(res.status).toBe(401)
      expect(await res.json()).toMatchObject({ error: { code: 'invalid_signature' } })
    }
    const forged = await standIn.deliver([standIn.buildEvent.follow(user.userId)], {
      signature: 'x'.repeat(43) + '=',
    })
    expect(forged.status).toBe(401)
    expect(count('webhook_events')).toBe(0)
    expect(count('members')).toBe(0)
  })

  it('parks a signed body that is not JSON, or an event without its ID, instead of refusing it', async () => {
    const secret = { secret: standIn.channelSecret }
    const badJson = await postWebhook(webhookUrl(), '{"destination":', secret)
    expect(badJson.status).toBe(200)
    const noEvents = await postWebhook(webhookUrl(), '{"destination":"U1"}', secret)
    expect(noEvents.status).toBe(200)

    const user = standIn.createUser({ displayName: '佐藤' })
    const missingId = {
      type: 'follow',
      mode: 'active',
      timestamp: Date.now(),
      replyToken: 'r',
      source: { type: 'user', userId: user.userId },
      deliveryContext: { isRedelivery: false },
    }
    const follow = standIn.buildEvent.follow(user.userId)
    const body = JSON.stringify({ destination: 'U' + '0'.repeat(32), events: [missingId, follow] })
    const mixed = await postWebhook(webhookUrl(), body, secret)
    expect(mixed.status).toBe(200)
    // Its neighbour is handled as usual.
    await eventually(() => expect(standIn.received(user.userId)).toHaveLength(2))
    const rows = joren.rows<{ event_id: string; type: string; status: string; last_error: string }>(
      'select event_id, type, status, last_error from webhook_events order by rowid',
    )
    expect(rows).toEqual([
      {
        event_id: expect.stringMatching(/^x:[0-9a-f]{40}$/),
        type: '',
        status: 'parked',
        last_error: '署名は正しいものの、本文が JSON として読めません',
      },
      {
        event_id: expect.stringMatching(/^x:[0-9a-f]{40}$/),
        type: '',
        status: 'parked',
        last_error: '署名は正しいものの、本文に events の配列がありません',
      },
      {
        event_id: expect.stringMatching(/^x:[0-9a-f]{40}$/),
        type: 'follow',
        status: 'parked',
        last_error: expect.stringContaining('「follow」イベントの形が LINE の仕様と合いません'),
      },
      { event_id: follow.webhookEventId, type: 'follow', status: 'done', last_error: null },
    ])
    expect(rows[2]?.last_error).toContain('webhookEventId')
    // The same bytes again are the same parked row (a redelivery is stored once).
    expect((await postWebhook(webhookUrl(), '{"destination":', secret)).status).toBe(200)
    expect(count('webhook_events')).toBe(4)
  })

  it('refuses a body over the limit with 413 before reading it', async () => {
    const big = JSON.stringify({ destination: 'U0', events: [], pad: 'x'.repeat(1024 * 1024 + 1) })
    const res = await postWebhook(webhookUrl(), big, { secret: standIn.channelSecret })
    expect(res.status).toBe(413)
    expect(count('webhook_events')).toBe(0)
  })

  it('stores a redelivered or replayed event once and acts on it once, also concurrently', async () => {
    const user = standIn.createUser({ displayName: 'Ken', language: 'en' })
    const event = standIn.buildEvent.follow(user.userId)
    const results = await Promise.all([
      standIn.deliver([event]),
      standIn.deliver([event]),
      standIn.deliver([event], { redelivery: true }),
      standIn.deliver([event]),
    ])
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200])
    await standIn.deliver([event])
    await eventually(() => expect(standIn.received(user.userId)).toHaveLength(2))
    await joren.server.processor.idle()
    await new Promise((r) => setTimeout(r, 100))
    expect(count('members')).toBe(1)
    expect(count('webhook_events')).toBe(1)
    expect(count('outbox')).toBe(1)
    expect(standIn.received(user.userId)).toHaveLength(2)
    expect(standIn.received(user.userId)[0]?.message).toMatchObject({
      text: expect.stringContaining('Hi Ken, thanks for adding us'),
    })
  })

  it('marks an unfollowed member blocked and never messages them again', async () => {
    const user = standIn.createUser({})
    await standIn.follow(user.userId)
    await eventually(() => expect(standIn.received(user.userId)).toHaveLength(2))
    const text = standIn.buildEvent.text(user.userId, 'こんにちは')
    await standIn.unfollow(user.userId)
    await eventually(() =>
      expect(joren.rows('select follow_state from members')).toEqual([{ follow_state: 'blocked' }]),
    )
    // A message that arrives after the block (e.g. delivered late) is recorded but not answered.
    await standIn.deliver([text], { redelivery: true })
    await eventually(() => expect(count('chat_messages')).toBe(3))
    await joren.server.processor.idle()
    expect(standIn.received(user.userId)).toHaveLength(2)
  })

  it('restores a member who follows again, with a welcome back', async () => {
    const user = standIn.createUser({ displayName: '佐藤' })
    await standIn.follow(user.userId)
    // Answers go out as soon as they are ready: a welcome still queued when the member blocks is
    // never sent (blocked members are never messaged), so block after it arrived.
    await eventually(() => expect(standIn.received(user.userId)).toHaveLength(2))
    await standIn.unfollow(user.userId)
    await standIn.follow(user.userId)
    await eventually(() => expect(standIn.received(user.userId)).toHaveLength(4))
    const [row] = joren.rows<{ follow_state: string }>('select follow_state from members')
    expect(row?.follow_state).toBe('following')
    expect(standIn.received(user.userId)[2]?.message).toMatchObject({
      text: expect.stringContaining('おかえりなさい'),
    })
  })

  it('answers chat text with the help message and records both sides', async () => {
    const user = standIn.createUser({})
    await standIn.follow(user.userId)
    await eventually(() => expect(standIn.received(user.userId)).toHaveLength(2))
    await standIn.sendText(user.userId, 'ヘルプ')
    await eventually(() => expect(standIn.received(user.userId)).toHaveLength(3))
    expect(standIn.received(user.userId)[2]?.message).toMatchObject({
      text: expect.stringContaining('会員証'),
    })
    // The product logs what it sent once LINE has answered, so wait for the last row.
    const log = await eventually(() => {
      const rows = joren.rows<{ direction: string; text: string }>(
        'select direction, text from chat_messages order by id',
      )
      expect(rows.map((m) => m.direction)).toEqual(['out', 'out', 'in', 'out'])
      return rows
    })
    expect(log[2]?.text).toBe('ヘルプ')
  })

  it('routes postbacks by action', async () => {
    const user = standIn.createUser({})
    await standIn.follow(user.userId)
    await standIn.postback(user.userId, 'action=help')
    await eventually(() => expect(standIn.received(user.userId)).toHaveLength(3))
    expect(standIn.received(user.userId)[2]?.message).toMatchObject({
      text: expect.stringContaining('ご利用いただける機能'),
    })
  })

  it('records other event types and ignores them', async () => {
    const user = standIn.createUser({})
    const other = {
      ...standIn.buildEvent.follow(user.userId),
      type: 'beacon',
      beacon: { hwid: '1', type: 'enter' },
    }
    delete (other as { replyToken?: string }).replyToken
    const res = await standIn.deliver([other as never])
    expect(res.status).toBe(200)
    await eventually(() =>
      expect(joren.rows('select type, status from webhook_events')).toEqual([
        { type: 'beacon', status: 'ignored' },
      ]),
    )
    expect(count('members')).toBe(0)
  })
})
