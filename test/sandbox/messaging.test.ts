import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startLineStandIn } from '../../server/src/sandbox/line-stand-in/index.ts'
import { bubble, lineApi, text } from './stand-in-support.ts'
import type { LineStandIn } from '../../server/src/sandbox/line-stand-in/types.ts'

let clock = Date.UTC(2025, 5, 10, 12)
let line: LineStandIn
let api: ReturnType<typeof lineApi>

beforeAll(async () => {
  line = await startLineStandIn({ rateLimits: false, now: () => clock, monthlyQuota: 'none' })
  api = lineApi(line)
})
afterAll(() => line.close())
beforeEach(() => line.reset())

const friend = () => line.createUser({ friend: true })
const replyToken = (userId: string) => line.buildEvent.text(userId, 'hi').replyToken as string

describe('reply', () => {
  it('accepts a valid text reply, answers sentMessages and records it for the user', async () => {
    const user = friend()
    const res = await api.post('/v2/bot/message/reply', {
      replyToken: replyToken(user.userId),
      messages: [text('Hello')],
    })
    expect(res.status).toBe(200)
    expect(res.body.sentMessages).toEqual([
      { id: expect.stringMatching(/^\d+$/), quoteToken: expect.any(String) },
    ])
    const requestId = res.headers.get('x-line-request-id')
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/)
    expect(line.received(user.userId)).toEqual([
      {
        via: 'reply',
        message: text('Hello'),
        messageId: res.body.sentMessages[0].id,
        requestId,
        replyToken: expect.stringMatching(/^[0-9a-f]{32}$/),
        at: clock,
      },
    ])
  })

  it('rejects a wrong Flex shape with a LINE-style 400 and records nothing', async () => {
    const user = friend()
    const token = replyToken(user.userId)
    const bad = [
      bubble({ type: 'box', layout: 'vertical' }),
      bubble({ type: 'box', layout: 'vertical', contents: [{ type: 'hologram' }] }),
      bubble({ type: 'box', layout: 'vertical', contents: [{ type: 'button', style: 'primary' }] }),
    ]
    for (const contents of bad) {
      const res = await api.post('/v2/bot/message/reply', {
        replyToken: token,
        messages: [{ type: 'flex', altText: 'x', contents }],
      })
      expect(res.status).toBe(400)
      expect(res.body).toMatchObject({
        message: 'The request body has 1 error(s)',
        details: [
          {
            message: expect.any(String),
            property: expect.stringMatching(/^messages\[0\]\.contents\.body\.contents/),
          },
        ],
      })
    }
    expect(line.received(user.userId)).toEqual([])
    // the token was not consumed by the rejected calls
    const ok = await api.post('/v2/bot/message/reply', {
      replyToken: token,
      messages: [text('ok')],
    })
    expect(ok.status).toBe(200)
  })

  it('rejects 6 messages, 5,001 characters, 13 bubbles and 14 quick reply items', async () => {
    const user = friend()
    const token = replyToken(user.userId)
    const box = { type: 'box', layout: 'vertical', contents: [text('b')] }
    const cases = [
      { messages: Array.from({ length: 6 }, () => text('x')), property: 'messages' },
      { messages: [text('x'.repeat(5001))], property: 'messages[0].text' },
      {
        messages: [
          {
            type: 'flex',
            altText: 'c',
            contents: { type: 'carousel', contents: Array.from({ length: 13 }, () => bubble(box)) },
          },
        ],
        property: 'messages[0].contents.contents',
      },
      {
        messages: [
          {
            ...text('q'),
            quickReply: {
              items: Array.from({ length: 14 }, () => ({
                type: 'action',
                action: { type: 'message', label: 'l', text: 't' },
              })),
            },
          },
        ],
        property: 'messages[0].quickReply.items',
      },
    ]
    for (const { messages, property } of cases) {
      const res = await api.post('/v2/bot/message/reply', { replyToken: token, messages })
      expect(res.status).toBe(400)
      expect(res.body.details).toEqual([{ message: expect.any(String), property }])
    }
    expect(line.received(user.userId)).toEqual([])
  })

  it('uses a reply token once and refuses it after the TTL', async () => {
    const user = friend()
    const token = replyToken(user.userId)
    const send = (t: string) =>
      api.post('/v2/bot/message/reply', { replyToken: t, messages: [text('x')] })
    expect((await send(token)).status).toBe(200)
    const again = await send(token)
    expect(again).toMatchObject({ status: 400, body: { message: 'Invalid reply token' } })

    const stale = replyToken(user.userId)
    clock += 60_000
    expect((await send(stale)).body).toEqual({ message: 'Invalid reply token' })
    expect((await send('never-issued')).status).toBe(400)
    expect(line.received(user.userId)).toHaveLength(1)
  })
})

describe('push and multicast', () => {
  it('replays a retry key with 409, the first request id, and delivers once', async () => {
    const user = friend()
    const key = randomUUID()
    const body = { to: user.userId, messages: [text('once')] }
    const first = await api.post('/v2/bot/message/push', body, { 'X-Line-Retry-Key': key })
    expect(first.status).toBe(200)
    const second = await api.post('/v2/bot/message/push', body, { 'X-Line-Retry-Key': key })
    expect(second.status).toBe(409)
    expect(second.body).toMatchObject({
      message: 'The retry key is already accepted',
      sentMessages: first.body.sentMessages,
    })
    expect(second.headers.get('x-line-accepted-request-id')).toBe(
      first.headers.get('x-line-request-id'),
    )
    expect(line.received(user.userId)).toHaveLength(1)
    expect(line.received(user.userId)[0]).toMatchObject({ via: 'push', retryKey: key })

    const bad = await api.post('/v2/bot/message/push', body, { 'X-Line-Retry-Key': 'not-a-uuid' })
    expect(bad.status).toBe(400)
  })

  it('refuses unknown recipients and records nothing for users who are not friends', async () => {
    const stranger = `U${'f'.repeat(32)}`
    const unknown = await api.post('/v2/bot/message/push', { to: stranger, messages: [text('x')] })
    expect(unknown).toMatchObject({ status: 400, body: { message: 'Failed to send messages' } })
    const blocked = line.createUser()
    expect(
      (await api.post('/v2/bot/message/push', { to: blocked.userId, messages: [text('x')] }))
        .status,
    ).toBe(200)
    expect(line.received(blocked.userId)).toEqual([])
  })

  it('multicasts to friends only and refuses 501 recipients', async () => {
    const [a, b] = [friend(), friend()]
    const notFriend = line.createUser()
    const res = await api.post('/v2/bot/message/multicast', {
      to: [a?.userId, b?.userId, notFriend.userId],
      messages: [text('hello'), { type: 'sticker', packageId: '446', stickerId: '1988' }],
    })
    expect(res).toMatchObject({ status: 200, body: {} })
    expect(line.received(a?.userId ?? '').map((m) => m.via)).toEqual(['multicast', 'multicast'])
    expect(line.received(notFriend.userId)).toEqual([])

    const tooMany = Array.from({ length: 501 }, () => a?.userId)
    const rejected = await api.post('/v2/bot/message/multicast', {
      to: tooMany,
      messages: [text('x')],
    })
    expect(rejected.status).toBe(400)
    expect(rejected.body.details).toEqual([
      { message: 'Size must be between 1 and 500', property: 'to' },
    ])
    expect(line.received(a?.userId ?? '')).toHaveLength(2)
  })
})

describe('auth, profile and errors', () => {
  it('answers a bad bearer token with 401', async () => {
    const res = await lineApi(line, 'wrong').post('/v2/bot/message/push', {
      to: friend().userId,
      messages: [text('x')],
    })
    expect(res.status).toBe(401)
    expect(res.body).toEqual({
      message:
        'Authentication failed. Confirm that the access token in the authorization header is valid.',
    })
    expect(res.headers.get('x-line-request-id')).toBeTruthy()
  })

  it('shows the loading animation for friends, validating loadingSeconds (5–60, multiples of 5)', async () => {
    const user = friend()
    const start = (body: unknown) => api.post('/v2/bot/chat/loading/start', body)
    expect((await start({ chatId: user.userId, loadingSeconds: 10 })).status).toBe(202)
    expect(line.loading(user.userId)).toEqual([{ seconds: 10, at: clock }])
    // The contract's schema: chatId required, loadingSeconds 5–60.
    expect((await start({ loadingSeconds: 10 })).status).toBe(400)
    expect((await start({ chatId: user.userId, loadingSeconds: 65 })).status).toBe(400)
    expect((await start({ chatId: user.userId, loadingSeconds: 0 })).status).toBe(400)
    // LINE's reference: a multiple of 5, and a user who is a friend.
    const odd = await start({ chatId: user.userId, loadingSeconds: 7 })
    expect(odd.status).toBe(400)
    expect(JSON.stringify(odd.body)).toContain('multiple of 5')
    const stranger = line.createUser({ friend: false })
    expect((await start({ chatId: stranger.userId, loadingSeconds: 5 })).status).toBe(400)
    expect((await start({ chatId: 'U-not-an-id', loadingSeconds: 5 })).status).toBe(400)
    expect(line.loading(user.userId)).toHaveLength(1)
    expect(line.loading(stranger.userId)).toEqual([])
  })

  it('serves profiles of friends only', async () => {
    const user = line.createUser({
      displayName: '佐藤',
      language: 'ja',
      pictureUrl: 'https://example.com/p.png',
    })
    expect((await api.get(`/v2/bot/profile/${user.userId}`)).status).toBe(404)
    const befriended = line.createUser({ displayName: 'Aoi', friend: true })
    expect((await api.get(`/v2/bot/profile/${befriended.userId}`)).body).toEqual({
      userId: befriended.userId,
      displayName: 'Aoi',
    })
    expect((await api.get('/v2/bot/profile/not-a-user')).status).toBe(400)
  })

  it('answers unknown paths with 404, bad JSON with 400 and bodies over 2 MB with 413', async () => {
    expect(await api.get('/v2/bot/nothing')).toMatchObject({
      status: 404,
      body: { message: 'Not found' },
    })
    expect((await api.post('/v2/bot/message/push', '{"to":')).status).toBe(400)
    const huge = JSON.stringify({
      to: friend().userId,
      messages: [text('x'.repeat(2 * 1024 * 1024))],
    })
    expect((await api.post('/v2/bot/message/push', huge)).status).toBe(413)
  })

  it('creates a rich menu, takes its image and sets it as default and per user', async () => {
    const menu = {
      size: { width: 2500, height: 843 },
      selected: false,
      name: 'main',
      chatBarText: 'Menu',
      areas: [
        {
          bounds: { x: 0, y: 0, width: 2500, height: 843 },
          action: { type: 'postback', data: 'a=1' },
        },
      ],
    }
    expect((await api.post('/v2/bot/richmenu', { ...menu, areas: undefined })).status).toBe(400)
    const created = await api.post('/v2/bot/richmenu', menu)
    const { richMenuId } = created.body as { richMenuId: string }
    expect(richMenuId).toMatch(/^richmenu-[0-9a-f]{32}$/)
    expect((await api.post(`/v2/bot/user/all/richmenu/${richMenuId}`)).status).toBe(400)

    const png = Buffer.alloc(64)
    Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex').copy(png)
    png.writeUInt32BE(2500, 16)
    png.writeUInt32BE(843, 20)
    const upload = (type: string) =>
      fetch(`${line.url}/v2/bot/richmenu/${richMenuId}/content`, {
        method: 'POST',
        headers: { authorization: `Bearer ${line.channelAccessToken}`, 'content-type': type },
        body: png,
      })
    expect((await upload('text/plain')).status).toBe(415)
    expect((await upload('image/png')).status).toBe(200)
    expect((await api.post(`/v2/bot/user/all/richmenu/${richMenuId}`)).status).toBe(200)
    expect((await api.get('/v2/bot/user/all/richmenu')).body).toEqual({ richMenuId })
    const user = friend()
    expect((await api.post(`/v2/bot/user/${user.userId}/richmenu/${richMenuId}`)).status).toBe(200)
    expect((await api.get(`/v2/bot/user/${user.userId}/richmenu`)).body).toEqual({ richMenuId })
  })

  it('serves the content of image messages users sent', async () => {
    const user = friend()
    const event = line.buildEvent.image(user.userId)
    const { id } = event.message as { id: string }
    const res = await fetch(`${line.url}/v2/bot/message/${id}/content`, {
      headers: { authorization: `Bearer ${line.channelAccessToken}` },
    })
    expect(res.headers.get('content-type')).toBe('image/png')
    expect(
      Buffer.from(await res.arrayBuffer())
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG')
  })
})
