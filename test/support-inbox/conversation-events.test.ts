import type { ConversationSummary } from '@joren/shared'
import { describe, expect, it } from 'vitest'
import { drainOnce } from '../../server/src/domain/webhook/processor.ts'
import { claimOwner, TestClock, useWorld, type World } from '../auth/world.ts'
import { eventually } from '../support/joren-node.ts'
import { acksReceived, conversationOf, memberIdOf, sendSticker, settled } from './inbox-world.ts'

const clock = new TestClock()
const world = useWorld(clock)

function openedEvents(w: World, memberId: number) {
  return w.joren
    .rows<{
      data: string
      dedupe_key: string
    }>(
      `select data, dedupe_key from domain_events where type = 'conversation.opened' and member_id = ? order by id`,
      memberId,
    )
    .map((e) => ({ ...(JSON.parse(e.data) as object), dedupeKey: e.dedupe_key }))
}

/**
 * Every webhook event processed again, as after a crash between its effects and being marked
 * done (a redelivery is stored once, so this is the replay that reaches the handlers).
 */
async function replayWebhookEvents(w: World): Promise<void> {
  w.joren.server.database.sqlite
    .prepare(
      "update webhook_events set status = 'pending', next_attempt_at = 0, locked_until = null",
    )
    .run()
  await drainOnce(w.joren.server.background.processorDeps)
  await settled(w)
  // Each was handled a second time.
  expect(w.joren.rows('select min(attempts) as n from webhook_events')).toEqual([{ n: 2 }])
}

describe('conversation.opened', () => {
  it('a hand-over and 「スタッフに聞く」 record it with the opening, once per cycle under a replayed webhook event', async () => {
    const owner = await claimOwner(world)
    const member = await world.member('佐藤 花子')
    const memberId = memberIdOf(world, member.userId)
    await sendSticker(world, member.userId)
    await settled(world)
    await eventually(() => expect(acksReceived(world, member.userId)).toHaveLength(1))
    const conversation = conversationOf(world, member.userId)
    expect(openedEvents(world, memberId)).toEqual([
      {
        conversationId: conversation?.id,
        reason: 'unanswered',
        dedupeKey: `conversation.opened:member:${memberId}:cycle:1`,
      },
    ])

    await replayWebhookEvents(world)
    expect(openedEvents(world, memberId)).toHaveLength(1)
    expect(world.count('staff_alerts')).toBe(1)
    expect(conversationOf(world, member.userId)).toMatchObject({ cycle: 1, acked_cycle: 1 })

    // Closed by staff; 「スタッフに聞く」 reopens it: a second cycle, a second event.
    const closed = await world.api(
      'PUT',
      `/api/staff/inbox/conversations/${conversation?.id}/status`,
      { token: owner.token(), body: { status: 'closed' } },
    )
    expect(closed.status).toBe(200)
    await world.standIn.postback(member.userId, 'action=ask_staff')
    await settled(world)
    await eventually(() => expect(acksReceived(world, member.userId)).toHaveLength(2))
    await replayWebhookEvents(world)
    expect(openedEvents(world, memberId)).toEqual([
      expect.objectContaining({ reason: 'unanswered' }),
      {
        conversationId: conversation?.id,
        reason: 'ask_staff',
        dedupeKey: `conversation.opened:member:${memberId}:cycle:2`,
      },
    ])
    expect(conversationOf(world, member.userId)).toMatchObject({ cycle: 2, status: 'open' })
    expect(acksReceived(world, member.userId)).toHaveLength(2)
  })

  it('staff starting a conversation record it with an audit row; an open conversation records nothing', async () => {
    const owner = await claimOwner(world)
    const member = await world.member('山田 太郎')
    const memberId = memberIdOf(world, member.userId)
    const [row] = world.joren.rows<{ member_number: string }>(
      'select member_number from members where id = ?',
      memberId,
    )
    const start = () =>
      world.api<ConversationSummary>('POST', '/api/staff/inbox/conversations', {
        token: owner.token(),
        body: { memberNumber: row?.member_number },
      })
    const first = await start()
    expect(first.status).toBe(201)
    expect(first.body).toMatchObject({ memberId, status: 'open', openReason: 'staff' })
    const again = await start()
    expect(again.status).toBe(200)
    expect(again.body.id).toBe(first.body.id)
    expect(openedEvents(world, memberId)).toEqual([
      {
        conversationId: first.body.id,
        reason: 'staff',
        dedupeKey: `conversation.opened:member:${memberId}:cycle:1`,
      },
    ])
    expect(
      world.joren.rows(
        "select staff_id, target_type, target_id from audit_log where action = 'conversation.open'",
      ),
    ).toEqual([
      { staff_id: owner.id, target_type: 'conversation', target_id: String(first.body.id) },
    ])
    // Staff opening sends the member nothing and raises no alert.
    expect(world.count('staff_alerts')).toBe(0)
  })
})
