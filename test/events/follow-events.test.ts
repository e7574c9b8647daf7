import { describe, expect, it } from 'vitest'
import { claimOwner, TestClock, useWorld } from '../auth/world.ts'
import { createTemplate } from '../coupons/coupon-world.ts'
import { eventually } from '../support/joren-node.ts'

/**
 * member.followed / member.unfollowed are recorded with the follow state they describe, once per
 * webhook event; the welcome coupon, their subscriber, rides in the free reply when it can and is
 * pushed once when it cannot — never both.
 */

const clock = new TestClock()
const world = useWorld(clock)

const events = (userId: string) =>
  world.joren.rows<{ type: string; data: string }>(
    `select type, data from domain_events
      where member_id = (select id from members where line_user_id = ?) order by id`,
    userId,
  )

const settled = () =>
  eventually(() => {
    const [row] = world.joren.rows<{ n: number }>(
      "select count(*) as n from webhook_events where status not in ('done', 'ignored')",
    )
    if (row?.n !== 0) throw new Error('events still pending')
  })

describe('follow events', () => {
  it('records each follow and block once, with the state change, and none for a replay or an older event', async () => {
    const user = world.stranger('新規さん')
    const follow = world.standIn.buildEvent.follow(user.userId)
    await world.standIn.deliver([follow])
    await settled()
    await world.standIn.deliver([follow], { redelivery: true })
    await settled()
    expect(events(user.userId)).toEqual([
      {
        type: 'member.followed',
        data: JSON.stringify({ firstFollow: true, refollow: false, standby: false }),
      },
    ])
    // A block, then a stale follow from before it (LINE does not promise order): one event each
    // for what changed, none for what did not.
    const block = world.standIn.buildEvent.unfollow(user.userId)
    await world.standIn.deliver([block])
    await settled()
    const late = {
      ...world.standIn.buildEvent.follow(user.userId),
      timestamp: follow.timestamp - 1,
    }
    await world.standIn.deliver([late])
    await settled()
    await world.standIn.follow(user.userId)
    await settled()
    expect(events(user.userId).map((e) => [e.type, JSON.parse(e.data)])).toEqual([
      ['member.followed', { firstFollow: true, refollow: false, standby: false }],
      ['member.unfollowed', {}],
      ['member.followed', { firstFollow: false, refollow: true, standby: false }],
    ])
  })
})

describe('the welcome coupon, a subscriber of member.followed', () => {
  it('rides in the free reply to the follow and is never pushed again', async () => {
    const owner = await claimOwner(world)
    const template = await createTemplate(world, owner, { title: 'ようこそクーポン' })
    await world.api('PUT', '/api/staff/coupons/welcome', {
      token: owner.token(),
      body: { templateId: template.id },
    })
    const user = world.stranger('新人')
    await world.standIn.follow(user.userId)
    await eventually(() => expect(world.standIn.received(user.userId)).toHaveLength(3))
    const received = world.standIn.received(user.userId)
    expect(received.map((m) => m.via)).toEqual(['reply', 'reply', 'reply'])
    expect(received[2]?.message).toMatchObject({
      type: 'flex',
      altText: 'クーポン: ようこそクーポン',
    })
    // Long after the reply window, the relay reaches the event and leaves it alone.
    clock.advance(5 * 60_000)
    await eventually(() => {
      const [cursor] = world.joren.rows<{ position: number }>(
        "select position from event_cursors where subscriber = 'welcome-coupon'",
      )
      const [head] = world.joren.rows<{ id: number }>('select max(id) as id from domain_events')
      expect(cursor?.position).toBe(head?.id)
    })
    expect(world.standIn.received(user.userId)).toHaveLength(3)
    expect(world.count('coupons')).toBe(1)
  })

  it('is pushed once by the relay when the follow could not be answered for free', async () => {
    const owner = await claimOwner(world)
    const template = await createTemplate(world, owner, { title: 'ようこそクーポン' })
    await world.api('PUT', '/api/staff/coupons/welcome', {
      token: owner.token(),
      body: { templateId: template.id },
    })
    const user = world.stranger('遅れて届いた人')
    // A redelivery: its reply token is stale, so the welcome goes by push and carries no card.
    await world.standIn.deliver([world.standIn.buildEvent.follow(user.userId)], {
      redelivery: true,
    })
    await eventually(() => expect(world.standIn.received(user.userId)).toHaveLength(2))
    expect(world.count('coupons')).toBe(0)
    clock.advance(2 * 60_000)
    await eventually(() => expect(world.standIn.received(user.userId)).toHaveLength(3))
    const card = world.standIn.received(user.userId)[2]
    expect(card?.via).toBe('push')
    expect(card?.message).toMatchObject({ type: 'flex', altText: 'クーポン: ようこそクーポン' })
    clock.advance(5 * 60_000)
    await new Promise((resolve) => setTimeout(resolve, 1_500))
    expect(world.standIn.received(user.userId)).toHaveLength(3)
    expect(world.count('coupons')).toBe(1)
  })
})
