import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startLineStandIn, type LineStandIn } from '../../server/src/sandbox/line-stand-in/index.ts'
import { eventually, startJoren, type JorenUnderTest } from '../support/joren-node.ts'

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

async function friend() {
  const user = standIn.createUser({ displayName: '花子' })
  await standIn.follow(user.userId)
  await eventually(() => expect(standIn.received(user.userId)).toHaveLength(2))
  return user
}

describe('chat commands and the inbox', () => {
  it('answers 「会員証」 with a button LINE accepts that opens the member card', async () => {
    const user = await friend()
    await standIn.sendText(user.userId, ' 会員証 ')
    await eventually(() => expect(standIn.received(user.userId)).toHaveLength(3))
    expect(standIn.received(user.userId)[2]?.message).toMatchObject({
      type: 'template',
      template: {
        type: 'buttons',
        actions: [{ type: 'uri', uri: expect.stringMatching(/\/liff\/card$/) }],
      },
    })
    const replies = standIn.requests().filter((r) => r.path === '/v2/bot/message/reply')
    expect(replies.at(-1)?.status).toBe(200)
  })

  it('records but never answers events in standby mode (a module owns the chat)', async () => {
    const user = await friend()
    const { replyToken: _, ...text } = standIn.buildEvent.text(user.userId, 'ヘルプ')
    const event = { ...text, mode: 'standby' as const }
    expect((await standIn.deliver([event])).status).toBe(200)
    await eventually(() =>
      expect(
        joren.rows('select status from webhook_events where event_id = ?', event.webhookEventId),
      ).toEqual([{ status: 'done' }]),
    )
    expect(joren.rows("select direction, text from chat_messages where direction = 'in'")).toEqual([
      { direction: 'in', text: 'ヘルプ' },
    ])
    await joren.server.processor.idle()
    expect(standIn.received(user.userId)).toHaveLength(2)
    expect(joren.rows('select 1 from conversations')).toEqual([])
  })

  it('parks a stored event no schema can read as dead instead of blocking its batch', async () => {
    await joren.server.processor.stop()
    const now = Date.now()
    const insert = joren.server.database.sqlite.prepare(
      `insert into webhook_events (event_id, type, event_at, is_redelivery, payload, received_at, next_attempt_at)
       values (?, 'follow', ?, 0, ?, ?, ?)`,
    )
    insert.run('BROKEN', now, '{"type":"follow"}', now, now)
    const events = await joren.server.background.repositories.inbox.claimDue(now + 1, 10, 60_000)
    expect(events).toEqual([])
    expect(
      joren.rows("select status, last_error from webhook_events where event_id = 'BROKEN'"),
    ).toEqual([
      {
        status: 'dead',
        last_error: '保存されたイベントが、このバージョンの受け付ける形と合わなくなりました',
      },
    ])
  })
})
