import type { ConversationDetail, ReplyResult, ResendResult, ThreadMessage } from '@joren/shared'
import { describe, expect, it } from 'vitest'
import { claimOwner, inviteStaff, TestClock, useWorld } from '../auth/world.ts'
import { eventually } from '../support/joren-node.ts'
import { acksReceived, conversationOf, settled, textsReceived } from './inbox-world.ts'

/**
 * Failures show (issue 14): a staff reply LINE refused is marked failed in the thread with LINE's
 * reason in Japanese — never shown as sent, never pushed behind staff's back — and staff can
 * resend it as a push, once, with its audit row.
 */

const clock = new TestClock()
const world = useWorld(clock)
const REPLY = '/v2/bot/message/reply'
const PUSH = '/v2/bot/message/push'

async function openConversation(name: string) {
  const member = await world.member(name)
  await world.standIn.sendImage(member.userId)
  await settled(world)
  await eventually(() => expect(acksReceived(world, member.userId)).toHaveLength(1))
  const conversation = conversationOf(world, member.userId)
  if (!conversation) throw new Error('no conversation')
  return { ...member, conversationId: conversation.id }
}

async function reply(token: string, conversationId: number, text: string) {
  return world.api<ReplyResult>('POST', `/api/staff/inbox/conversations/${conversationId}/reply`, {
    token,
    body: { text, idempotencyKey: crypto.randomUUID() },
  })
}

async function resend(token: string, messageId: number) {
  return world.api<ResendResult>('POST', `/api/staff/inbox/messages/${messageId}/resend`, {
    token,
    body: {},
  })
}

async function thread(token: string, conversationId: number): Promise<ThreadMessage[]> {
  const detail = await world.api<ConversationDetail>(
    'GET',
    `/api/staff/inbox/conversations/${conversationId}`,
    { token },
  )
  expect(detail.status).toBe(200)
  return detail.body.messages
}

const pushes = () => world.standIn.requests().filter((r) => r.path === PUSH)

describe('a staff reply LINE refused', () => {
  it('400 "Invalid reply token": failed in the thread with the reason in Japanese, resent once as a push', async () => {
    const owner = await claimOwner(world)
    const member = await openConversation('佐藤 みのり')
    await world.standIn.sendText(member.userId, '明日は営業していますか？')
    await settled(world)
    // LINE refuses the reply as after a restart of its side: the token is unknown.
    world.standIn.inject({
      path: REPLY,
      kind: 'status',
      status: 400,
      body: { message: 'Invalid reply token' },
      count: 1,
    })
    const sent = await reply(owner.token(), member.conversationId, '明日は10時から営業しています。')
    expect(sent.status).toBe(201)
    expect(sent.body).toMatchObject({ via: 'reply', billed: false })
    await settled(world)

    // Not delivered, not pushed behind staff's back.
    expect(textsReceived(world, member.userId)).not.toContain('明日は10時から営業しています。')
    const pushesBefore = pushes().length
    const failed = (await thread(owner.token(), member.conversationId)).at(-1)
    expect(failed).toMatchObject({
      id: sent.body.messageId,
      origin: 'staff',
      via: null,
      state: 'failed',
      delivery: {
        state: 'failed',
        reason: 'reply_token',
        lineReason: '返信用トークンが使えません（使用済みか、有効期限切れです）。',
      },
      resendable: true,
      resentAs: null,
    })
    expect(world.joren.rows(`select status from outbox where status = 'failed'`)).toHaveLength(1)
    // A refused staff reply is marked where staff act on it; no separate alert for it.
    expect(world.joren.rows(`select 1 from staff_alerts where kind = 'job_failed'`)).toHaveLength(0)

    // Staff decide: a double-click and a retried request resend once.
    const [a, b] = await Promise.all([
      resend(owner.token(), sent.body.messageId),
      resend(owner.token(), sent.body.messageId),
    ])
    expect(a.status).toBe(201)
    expect(b.status).toBe(201)
    expect(a.body).toEqual(b.body)
    expect(a.body).toMatchObject({ via: 'push', billed: true })
    await settled(world)
    const again = await resend(owner.token(), sent.body.messageId)
    expect(again.body).toEqual(a.body)
    await settled(world)

    const received = world.standIn
      .received(member.userId)
      .filter((m) => m.message.text === '明日は10時から営業しています。')
    expect(received).toHaveLength(1)
    expect(received[0]?.via).toBe('push')
    expect(pushes().length - pushesBefore).toBe(1)
    expect(
      world.joren.rows(`select staff_id, target_id from audit_log where action = 'inbox.resend'`),
    ).toEqual([{ staff_id: owner.id, target_id: String(sent.body.messageId) }])

    const after = await thread(owner.token(), member.conversationId)
    const original = after.find((m) => m.id === sent.body.messageId)
    const resent = after.find((m) => m.id === a.body.messageId)
    expect(original).toMatchObject({
      state: 'failed',
      resendable: false,
      resentAs: a.body.messageId,
    })
    expect(resent).toMatchObject({
      origin: 'staff',
      via: 'push',
      state: 'sent',
      delivery: null,
      resendOf: sent.body.messageId,
      resendable: false,
      staff: { id: owner.id },
    })
  })

  it('a push LINE refused (4xx) shows LINE’s reason in Japanese; a stale token fails instead of pushing', async () => {
    const owner = await claimOwner(world)
    const member = await openConversation('高橋 れん')
    world.standIn.inject({
      path: PUSH,
      kind: 'status',
      status: 400,
      body: { message: 'The request body has 1 error(s)' },
      count: 1,
    })
    const sent = await reply(owner.token(), member.conversationId, 'ご来店ありがとうございました。')
    expect(sent.body).toMatchObject({ via: 'push', billed: true })
    await settled(world)
    expect(textsReceived(world, member.userId)).not.toContain('ご来店ありがとうございました。')
    expect((await thread(owner.token(), member.conversationId)).at(-1)).toMatchObject({
      state: 'failed',
      delivery: {
        state: 'failed',
        reason: 'rejected',
        lineReason: expect.stringContaining(
          'メッセージの内容が LINE の形式や上限に合いません',
        ) as string,
      },
      resendable: true,
    })

    // A reply whose token went stale before it could go (the server was down): failed, not pushed.
    await world.standIn.sendText(member.userId, '駐車場はありますか？')
    await settled(world)
    await world.standIn.setReachable(false)
    const late = await reply(owner.token(), member.conversationId, 'はい、あります。')
    expect(late.body.via).toBe('reply')
    clock.advance(60_000)
    await world.standIn.setReachable(true)
    await settled(world)
    expect(textsReceived(world, member.userId)).not.toContain('はい、あります。')
    expect((await thread(owner.token(), member.conversationId)).at(-1)).toMatchObject({
      id: late.body.messageId,
      state: 'failed',
      delivery: { reason: 'reply_token' },
      resendable: true,
    })
  })

  it('while LINE fails the message is "retrying", then sent', async () => {
    const owner = await claimOwner(world)
    const member = await openConversation('伊藤 そら')
    const outage = world.standIn.inject({ path: PUSH, kind: 'status', status: 503 })
    const sent = await reply(owner.token(), member.conversationId, '少々お待ちください。')
    expect(sent.body.via).toBe('push')
    await eventually(async () =>
      expect((await thread(owner.token(), member.conversationId)).at(-1)).toMatchObject({
        id: sent.body.messageId,
        state: 'retrying',
        delivery: null,
        resendable: false,
      }),
    )
    world.standIn.removeFault(outage.id)
    clock.advance(10 * 60_000)
    await eventually(async () =>
      expect((await thread(owner.token(), member.conversationId)).at(-1)).toMatchObject({
        state: 'sent',
        via: 'push',
      }),
    )
    expect(textsReceived(world, member.userId)).toContain('少々お待ちください。')
  })

  it('only a failed staff message can be resent; bad input changes nothing', async () => {
    const owner = await claimOwner(world)
    const staff = await inviteStaff(world, owner, 'staff', 'スタッフ')
    const member = await openConversation('渡辺 ひなた')
    const sent = await reply(owner.token(), member.conversationId, '承知しました。')
    await settled(world)
    const ok = await resend(staff.token(), sent.body.messageId)
    expect(ok.status).toBe(409)
    expect(ok.body).toMatchObject({ error: { code: 'message_not_resendable' } })
    expect((await resend(owner.token(), 999_999)).status).toBe(404)
    const bad = await world.api('POST', '/api/staff/inbox/messages/abc/resend', {
      token: owner.token(),
      body: {},
    })
    expect(bad.status).toBe(400)
    const extra = await world.api(
      'POST',
      `/api/staff/inbox/messages/${sent.body.messageId}/resend`,
      {
        token: owner.token(),
        body: { to: 'Uxxxxxxxx' },
      },
    )
    expect(extra.status).toBe(400)
    expect(world.joren.rows(`select 1 from audit_log where action = 'inbox.resend'`)).toEqual([])
    expect(world.joren.rows(`select 1 from outbox where dedupe_key like 'staff-resend:%'`)).toEqual(
      [],
    )
  })
})
