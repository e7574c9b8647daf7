import type { ConversationDetail, InboxUpdates, ReplyResult } from '@joren/shared'
import { describe, expect, it } from 'vitest'
import { claimOwner, inviteStaff, TestClock, useWorld } from '../auth/world.ts'
import { eventually } from '../support/joren-node.ts'
import { acksReceived, conversationOf, settled, textsReceived } from './inbox-world.ts'

const clock = new TestClock()
const world = useWorld(clock)

/** A member whose conversation is open (an image handed them over; the ack used its token). */
async function openConversation(name = '会員') {
  const member = await world.member(name)
  await world.standIn.sendImage(member.userId)
  await settled(world)
  await eventually(() => expect(acksReceived(world, member.userId)).toHaveLength(1))
  const conversation = conversationOf(world, member.userId)
  if (!conversation) throw new Error('no conversation')
  return { ...member, conversationId: conversation.id }
}

async function reply(
  staff: { token(): string },
  conversationId: number,
  text: string,
  idempotencyKey: string = crypto.randomUUID(),
) {
  return world.api<ReplyResult>('POST', `/api/staff/inbox/conversations/${conversationId}/reply`, {
    token: staff.token(),
    body: { text, idempotencyKey },
  })
}

function lastReceived(userId: string) {
  return world.standIn.received(userId).at(-1)
}

describe('staff replies: reply token or push', () => {
  it('uses the unused reply token of a fresh message (free), push once it is stale', async () => {
    const owner = await claimOwner(world)
    const member = await openConversation('田中 さくら')
    // The bot stays quiet while staff handle the member, so this message's token is unused.
    await world.standIn.sendText(member.userId, '予約の変更はできますか？')
    await settled(world)

    clock.advance(20_000)
    const detail = await world.api<ConversationDetail>(
      'GET',
      `/api/staff/inbox/conversations/${member.conversationId}`,
      { token: owner.token() },
    )
    expect(detail.body.replyMode).toBe('reply')
    const first = await reply(owner, member.conversationId, 'はい、変更できます。')
    expect(first.status).toBe(201)
    expect(first.body).toMatchObject({ via: 'reply', billed: false })
    await eventually(() =>
      expect(lastReceived(member.userId)).toMatchObject({
        via: 'reply',
        message: { type: 'text', text: 'はい、変更できます。' },
      }),
    )

    // The token is single use: the next reply goes by push.
    const second = await reply(owner, member.conversationId, 'ご希望の日時を教えてください。')
    expect(second.body).toMatchObject({ via: 'push', billed: true })
    await eventually(() => expect(lastReceived(member.userId)?.via).toBe('push'))

    // A new message, answered after its token went stale (REPLY_TOKEN_TTL_MS = 50 s): push.
    await world.standIn.sendText(member.userId, '来週の土曜でお願いします')
    await settled(world)
    clock.advance(51_000)
    const late = await reply(owner, member.conversationId, '承知しました。')
    expect(late.body).toMatchObject({ via: 'push', billed: true })
    await eventually(() =>
      expect(lastReceived(member.userId)).toMatchObject({
        via: 'push',
        message: { text: '承知しました。' },
      }),
    )

    // The thread shows who wrote what and how it went.
    await settled(world)
    const thread = await world.api<ConversationDetail>(
      'GET',
      `/api/staff/inbox/conversations/${member.conversationId}`,
      { token: owner.token() },
    )
    const staffMessages = thread.body.messages.filter((m) => m.origin === 'staff')
    expect(staffMessages.map((m) => [m.via, m.staff?.displayName])).toEqual([
      ['reply', '店長'],
      ['push', '店長'],
      ['push', '店長'],
    ])
    const bot = thread.body.messages.find((m) => m.origin === 'bot')
    expect(bot).toMatchObject({ via: 'reply', staff: null })
    expect(thread.body.conversation.unread).toBe(0)
  })

  it('pushes when the bot already used the token of the last message', async () => {
    const owner = await claimOwner(world)
    const member = await openConversation()
    const result = await reply(owner, member.conversationId, 'お写真ありがとうございます。')
    expect(result.body).toMatchObject({ via: 'push', billed: true })
    await eventually(() =>
      expect(lastReceived(member.userId)).toMatchObject({
        via: 'push',
        message: { text: 'お写真ありがとうございます。' },
      }),
    )
  })

  it('a double-click with the same idempotency key sends once', async () => {
    const owner = await claimOwner(world)
    const member = await openConversation()
    const key = 'click-0123456789'
    const [a, b] = await Promise.all([
      reply(owner, member.conversationId, '一度だけ届きます', key),
      reply(owner, member.conversationId, '一度だけ届きます', key),
    ])
    expect(a.body).toEqual(b.body)
    await settled(world)
    expect(
      textsReceived(world, member.userId).filter((t) => t === '一度だけ届きます'),
    ).toHaveLength(1)
    expect(world.joren.rows(`select 1 from chat_messages where origin = 'staff'`)).toHaveLength(1)
  })

  it('two staff replying at once to a fresh message: one uses the token, the other pushes', async () => {
    const owner = await claimOwner(world)
    const member = await openConversation()
    await world.standIn.sendText(member.userId, '今日は何時まで開いていますか？')
    await settled(world)
    const [a, b] = await Promise.all([
      reply(owner, member.conversationId, '19時までです。'),
      reply(owner, member.conversationId, '本日は19時閉店です。'),
    ])
    expect([a.body.via, b.body.via].sort()).toEqual(['push', 'reply'])
    await settled(world)
    await eventually(() =>
      expect(
        world.standIn
          .received(member.userId)
          .filter((r) => typeof r.message.text === 'string' && r.message.text.includes('19時'))
          .map((r) => r.via)
          .sort(),
      ).toEqual(['push', 'reply']),
    )
    expect(
      world.joren.rows(
        `select reply_token from conversations where id = ${member.conversationId} and reply_token is not null`,
      ),
    ).toHaveLength(0)
  })

  it('validates the reply and refuses a member who blocked the account', async () => {
    const owner = await claimOwner(world)
    const member = await openConversation()
    const empty = await reply(owner, member.conversationId, '   ')
    expect(empty.status).toBe(400)
    const missing = await reply(owner, 999_999, 'こんにちは')
    expect(missing.status).toBe(404)
    await world.standIn.unfollow(member.userId)
    await settled(world)
    const blocked = await reply(owner, member.conversationId, 'こんにちは')
    expect(blocked.status).toBe(409)
    expect(world.joren.rows(`select 1 from outbox where dedupe_key like 'staff-reply:%'`)).toEqual(
      [],
    )
  })
})

describe('inbox API', () => {
  it("a 'staff' role reads, replies, assigns and closes, but cannot edit canned replies", async () => {
    const owner = await claimOwner(world)
    const staff = await inviteStaff(world, owner, 'staff')
    const member = await openConversation('山本 太郎')

    const created = await world.api<{ id: number }>('POST', '/api/staff/inbox/canned-replies', {
      token: owner.token(),
      body: { title: 'お礼', body: 'ご連絡ありがとうございます。' },
    })
    expect(created.status).toBe(201)
    const denied = await world.api('POST', '/api/staff/inbox/canned-replies', {
      token: staff.token(),
      body: { title: 'x', body: 'y' },
    })
    expect(denied.status).toBe(403)
    const deniedEdit = await world.api(
      'PUT',
      `/api/staff/inbox/canned-replies/${created.body.id}`,
      {
        token: staff.token(),
        body: { title: 'x', body: 'y' },
      },
    )
    expect(deniedEdit.status).toBe(403)
    const listed = await world.api<{ title: string; body: string }[]>(
      'GET',
      '/api/staff/inbox/canned-replies',
      { token: staff.token() },
    )
    expect(listed.body).toEqual([expect.objectContaining({ title: 'お礼' })])
    const edited = await world.api('PUT', `/api/staff/inbox/canned-replies/${created.body.id}`, {
      token: owner.token(),
      body: { title: 'お礼', body: 'お問い合わせありがとうございました。' },
    })
    expect(edited.body).toMatchObject({ body: 'お問い合わせありがとうございました。' })
    const invalid = await world.api('POST', '/api/staff/inbox/canned-replies', {
      token: owner.token(),
      body: { title: '', body: 'y' },
    })
    expect(invalid.status).toBe(400)

    const replied = await reply(staff, member.conversationId, 'ご連絡ありがとうございます。')
    expect(replied.status).toBe(201)
    const assigned = await world.api(
      'PUT',
      `/api/staff/inbox/conversations/${member.conversationId}/assignee`,
      { token: staff.token(), body: { staffId: staff.id } },
    )
    expect(assigned.body).toMatchObject({ assignedTo: { id: staff.id } })
    const mine = await world.api<{ items: { id: number }[] }>(
      'GET',
      '/api/staff/inbox/conversations?assignedTo=me',
      { token: staff.token() },
    )
    expect(mine.body.items.map((c) => c.id)).toEqual([member.conversationId])
    const closed = await world.api(
      'PUT',
      `/api/staff/inbox/conversations/${member.conversationId}/status`,
      { token: staff.token(), body: { status: 'closed' } },
    )
    expect(closed.body).toMatchObject({ status: 'closed' })
    const deleted = await world.api(
      'DELETE',
      `/api/staff/inbox/canned-replies/${created.body.id}`,
      {
        token: owner.token(),
      },
    )
    expect(deleted.status).toBe(204)
    expect(
      world.joren
        .rows<{
          action: string
        }>(
          `select action from audit_log where target_type in ('conversation', 'canned_reply') order by id`,
        )
        .map((r) => r.action),
    ).toEqual([
      'canned_reply.create',
      'canned_reply.update',
      'conversation.assign',
      'conversation.status',
      'canned_reply.delete',
    ])
    const stranger = world.stranger()
    const notStaff = await world.api('GET', '/api/staff/inbox/conversations', {
      token: stranger.token(),
    })
    expect(notStaff.status).toBe(403)
  })

  it('lists unread first, searches, marks read, and polling returns new messages', async () => {
    const owner = await claimOwner(world)
    const a = await openConversation('青木 海')
    const b = await openConversation('石井 空')
    const read = await world.api(
      'POST',
      `/api/staff/inbox/conversations/${b.conversationId}/read`,
      {
        token: owner.token(),
      },
    )
    expect(read.body).toMatchObject({ unread: 0 })
    const list = await world.api<{ items: { id: number; unread: number }[] }>(
      'GET',
      '/api/staff/inbox/conversations',
      { token: owner.token() },
    )
    expect(list.body.items.map((c) => [c.id, c.unread])).toEqual([
      [a.conversationId, 1],
      [b.conversationId, 0],
    ])
    const paged = await world.api<{ items: { id: number }[]; nextCursor: string }>(
      'GET',
      '/api/staff/inbox/conversations?limit=1',
      { token: owner.token() },
    )
    const next = await world.api<{ items: { id: number }[]; nextCursor: string | null }>(
      'GET',
      `/api/staff/inbox/conversations?limit=1&cursor=${paged.body.nextCursor}`,
      { token: owner.token() },
    )
    expect([...paged.body.items, ...next.body.items].map((c) => c.id)).toEqual([
      a.conversationId,
      b.conversationId,
    ])

    const start = await world.api<InboxUpdates>('GET', '/api/staff/inbox/updates', {
      token: owner.token(),
    })
    expect(start.body).toMatchObject({ messages: [], unreadConversations: 1, openAlerts: 2 })
    await world.standIn.sendText(b.userId, '駐車場はありますか')
    await settled(world)
    const updates = await world.api<InboxUpdates>(
      'GET',
      `/api/staff/inbox/updates?since=${start.body.cursor}`,
      { token: owner.token() },
    )
    expect(updates.body.messages.map((m) => m.content)).toEqual([
      { type: 'text', text: '駐車場はありますか' },
    ])
    expect(updates.body.conversations.map((c) => [c.id, c.unread])).toContainEqual([
      b.conversationId,
      1,
    ])
    const quiet = await world.api<InboxUpdates>(
      'GET',
      `/api/staff/inbox/updates?since=${updates.body.cursor}`,
      { token: owner.token() },
    )
    expect(quiet.body.messages).toEqual([])

    const found = await world.api<{ items: { id: number }[] }>(
      'GET',
      `/api/staff/inbox/conversations?q=${encodeURIComponent('駐車場')}`,
      { token: owner.token() },
    )
    expect(found.body.items.map((c) => c.id)).toEqual([b.conversationId])
    const byName = await world.api<{ items: { id: number }[] }>(
      'GET',
      `/api/staff/inbox/conversations?q=${encodeURIComponent('青木')}`,
      { token: owner.token() },
    )
    expect(byName.body.items.map((c) => c.id)).toEqual([a.conversationId])
    const bad = await world.api('GET', '/api/staff/inbox/updates?since=nope', {
      token: owner.token(),
    })
    expect(bad.status).toBe(400)
  })

  it('staff start a conversation with a member and reach them by push', async () => {
    const owner = await claimOwner(world)
    const member = await world.member('小林 光')
    const [row] = world.joren.rows<{ n: string }>(
      'select member_number as n from members where line_user_id = ?',
      member.userId,
    )
    const opened = await world.api<{ id: number; openReason: string; unread: number }>(
      'POST',
      '/api/staff/inbox/conversations',
      { token: owner.token(), body: { memberNumber: row?.n } },
    )
    expect(opened.status).toBe(201)
    expect(opened.body).toMatchObject({ openReason: 'staff', unread: 0 })
    const again = await world.api<{ id: number }>('POST', '/api/staff/inbox/conversations', {
      token: owner.token(),
      body: { memberNumber: row?.n },
    })
    expect(again.status).toBe(200)
    expect(again.body.id).toBe(opened.body.id)
    const unknown = await world.api('POST', '/api/staff/inbox/conversations', {
      token: owner.token(),
      body: { memberNumber: '1234567890' },
    })
    expect(unknown.status).toBe(404)
    const sent = await reply(owner, opened.body.id, 'ご予約の確認です。')
    expect(sent.body).toMatchObject({ via: 'push', billed: true })
    await eventually(() =>
      expect(lastReceived(member.userId)).toMatchObject({
        via: 'push',
        message: { text: 'ご予約の確認です。' },
      }),
    )
    // No hand-over acknowledgement for a conversation staff started.
    expect(acksReceived(world, member.userId)).toEqual([])
  })

  it('a staff reply LINE delivered and then answered 500 shows as delivery unknown, sent once', async () => {
    const owner = await claimOwner(world)
    const member = await openConversation('山本 ゆい')
    await world.standIn.sendText(member.userId, '駐車場はありますか？')
    await settled(world)
    world.standIn.inject({
      path: '/v2/bot/message/reply',
      kind: 'status',
      status: 500,
      phase: 'after',
      count: 1,
    })
    const sent = await reply(owner, member.conversationId, 'はい、3台分あります。')
    expect(sent.body).toMatchObject({ via: 'reply', billed: false })
    await settled(world)
    const received = world.standIn
      .received(member.userId)
      .filter((m) => m.message.text === 'はい、3台分あります。')
    expect(received).toHaveLength(1)
    expect(world.standIn.requests().filter((r) => r.path === '/v2/bot/message/push')).toEqual([])
    const detail = await world.api<ConversationDetail>(
      'GET',
      `/api/staff/inbox/conversations/${member.conversationId}`,
      { token: owner.token() },
    )
    expect(detail.body.messages.at(-1)).toMatchObject({
      origin: 'staff',
      via: null,
      delivery: { state: 'unknown', reason: 'reply_in_doubt' },
      content: { type: 'text', text: 'はい、3台分あります。' },
    })
    // Messages that simply went carry no delivery problem.
    expect(detail.body.messages.filter((m) => m.delivery !== null)).toHaveLength(1)
  })
})
