import { describe, expect, it } from 'vitest'
import { claimOwner, TestClock, useWorld } from '../auth/world.ts'
import { eventually } from '../support/joren-node.ts'
import {
  acksReceived,
  conversationOf,
  listConversations,
  sendSticker,
  settled,
} from './inbox-world.ts'

const clock = new TestClock()
const world = useWorld(clock)

describe('hand-over to staff', () => {
  it('acknowledges once per conversation, not on every message', async () => {
    const member = await world.member('佐藤 花子')
    await world.standIn.sendImage(member.userId)
    await settled(world)
    await eventually(() => expect(acksReceived(world, member.userId)).toHaveLength(1))
    expect(acksReceived(world, member.userId)[0]?.via).toBe('reply')

    // More messages while the conversation is open: counted as unread, no second acknowledgement.
    await sendSticker(world, member.userId)
    await world.standIn.sendText(member.userId, 'すみません、まだですか？')
    await world.standIn.sendImage(member.userId)
    await settled(world)
    expect(acksReceived(world, member.userId)).toHaveLength(1)
    const conversation = conversationOf(world, member.userId)
    expect(conversation).toMatchObject({ status: 'open', cycle: 1, acked_cycle: 1, unread: 4 })
    expect(world.count('conversations')).toBe(1)
    expect(
      world.joren.rows(`select kind from staff_alerts where kind = 'new_conversation'`),
    ).toHaveLength(1)
  })

  it('reopens a closed conversation on a new message, with a new acknowledgement', async () => {
    const owner = await claimOwner(world)
    const member = await world.member('鈴木 一郎')
    await sendSticker(world, member.userId)
    await settled(world)
    await eventually(() => expect(acksReceived(world, member.userId)).toHaveLength(1))
    const first = conversationOf(world, member.userId)
    if (!first) throw new Error('no conversation')

    const closed = await world.api('PUT', `/api/staff/inbox/conversations/${first.id}/status`, {
      token: owner.token(),
      body: { status: 'closed' },
    })
    expect(closed.status).toBe(200)
    expect(closed.body).toMatchObject({ status: 'closed' })

    await world.standIn.sendImage(member.userId)
    await settled(world)
    await eventually(() => expect(acksReceived(world, member.userId)).toHaveLength(2))
    expect(conversationOf(world, member.userId)).toMatchObject({
      id: first.id,
      status: 'open',
      cycle: 2,
      acked_cycle: 2,
      unread: 1,
    })
    // One alert per cycle.
    expect(
      world.joren.rows(`select dedupe_key from staff_alerts order by id`).map((r) => r.dedupe_key),
    ).toEqual([`conversation:${first.id}:cycle:1`, `conversation:${first.id}:cycle:2`])
    const [listed] = await listConversations(world, owner)
    expect(listed).toMatchObject({ id: first.id, status: 'open', unread: 1 })
    // The list shows what the customer sent last (the image), not the bot's acknowledgement.
    expect(listed?.lastMessagePreview).toBe('[画像]')
    // The staff alert quotes it.
    expect(
      world.joren
        .rows<{ summary: string }>(`select summary from staff_alerts order by id desc limit 1`)
        .map((r) => r.summary),
    ).toEqual([
      expect.stringMatching(
        /から新しいお問い合わせ: ボットが答えられなかったメッセージ「\[画像\]」$/,
      ),
    ])
    const thread = await world.api<{ messages: { kind: string; direction: string }[] }>(
      'GET',
      `/api/staff/inbox/conversations/${first.id}`,
      { token: owner.token() },
    )
    expect(thread.body.messages.slice(-2).map((m) => [m.direction, m.kind])).toEqual([
      ['in', 'image'],
      ['out', 'text'],
    ])
  })

  it('an event replayed after a crash changes nothing twice', async () => {
    const member = await world.member()
    const event = world.standIn.buildEvent.image(member.userId)
    await world.standIn.deliver([event])
    await settled(world)
    const before = conversationOf(world, member.userId)
    // The same event again (LINE redelivers, or the processor re-runs it).
    world.joren.server.database.sqlite
      .prepare(`update webhook_events set status = 'pending', next_attempt_at = 0`)
      .run()
    world.joren.server.processor.kick()
    await settled(world)
    expect(conversationOf(world, member.userId)).toEqual(before)
    expect(acksReceived(world, member.userId)).toHaveLength(1)
    expect(world.count('message_contents')).toBe(1)
  })

  it('words the acknowledgement by the shop hours staff set, for text the bot cannot answer', async () => {
    const owner = await claimOwner(world)
    const tokyo = (offsetMinutes: number) =>
      new Intl.DateTimeFormat('en-GB', {
        timeZone: 'Asia/Tokyo',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      }).format(clock.now() + offsetMinutes * 60_000)
    // Open now: from a minute ago (clamped to the day) until midnight, every day.
    const open = tokyo(-1) < tokyo(0) ? tokyo(-1) : '00:00'
    const businessHours = { days: Array.from({ length: 7 }, () => ({ open, close: '24:00' })) }
    const saved = await world.api('PUT', '/api/staff/settings', {
      token: owner.token(),
      body: { name: 'テスト店', categories: [], businessHours },
    })
    expect(saved.status).toBe(200)
    // A screen that saves only the name keeps the hours.
    await world.api('PUT', '/api/staff/settings', {
      token: owner.token(),
      body: { name: 'テスト店2', categories: [] },
    })
    const settings = await world.api('GET', '/api/staff/settings', { token: owner.token() })
    expect(settings.body).toMatchObject({ name: 'テスト店2', businessHours })
    const invalid = await world.api('PUT', '/api/staff/settings', {
      token: owner.token(),
      body: {
        name: 'x',
        categories: [],
        businessHours: { days: [{ open: '19:00', close: '10:00' }] },
      },
    })
    expect(invalid.status).toBe(400)

    const member = await world.member()
    await world.standIn.sendText(member.userId, '駐車場はありますか？')
    await settled(world)
    await eventually(() => expect(acksReceived(world, member.userId)).toHaveLength(1))
    expect(acksReceived(world, member.userId)[0]?.message.text).toBe(
      `お問い合わせありがとうございます。担当者に引き継ぎましたので、返信まで少々お待ちください。営業時間: ${open}–24:00`,
    )
    expect(conversationOf(world, member.userId)).toMatchObject({ status: 'open', unread: 1 })
  })
})
