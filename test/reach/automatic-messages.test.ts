import type { MessagingSettings } from '@joren/shared'
import { describe, expect, it } from 'vitest'
import { claimOwner, TestClock, useWorld } from '../auth/world.ts'
import { acceptedMessages, memberNumberOf } from '../loyalty/world-helpers.ts'
import { eventually } from '../support/joren-node.ts'

/**
 * The automatic pushes' switches (issue 14): a purchase sends at most one message, the receipt
 * with the tier-up folded in, as the shop's settings say. What counts is what the LINE stand-in
 * accepted as pushes and what the outbox holds.
 */

const clock = new TestClock()
const world = useWorld(clock)

type Owner = { token(): string }

async function settings(owner: Owner, patch: Partial<MessagingSettings>) {
  const current = await world.api<MessagingSettings>('GET', '/api/staff/settings/messaging', {
    token: owner.token(),
  })
  const res = await world.api<MessagingSettings>('PUT', '/api/staff/settings/messaging', {
    token: owner.token(),
    body: { ...current.body, ...patch },
  })
  expect(res.status).toBe(200)
  return res.body
}

async function setup() {
  const owner = await claimOwner(world)
  const member = await world.member('常連さん')
  return { owner, member, memberNumber: memberNumberOf(world, member.userId) }
}

async function buy(owner: Owner, memberNumber: string, amountYen: number) {
  const res = await world.api('POST', '/api/staff/register/purchases', {
    token: owner.token(),
    body: { memberNumber, amountYen },
  })
  expect(res.status).toBe(201)
}

/** Messages for the member queued in the outbox (each becomes one billed push). */
const queued = () =>
  world.joren
    .rows<{
      k: string
    }>("select dedupe_key as k from outbox where dedupe_key not like 'event:%' order by id")
    .map((r) => r.k)

const pushes = (userId: string) => acceptedMessages(world, userId).filter((m) => m.via === 'push')

describe('automatic messages', () => {
  it('defaults for a free plan: no receipt, the tier-up note on', async () => {
    const { owner } = await setup()
    const res = await world.api('GET', '/api/staff/settings/messaging', { token: owner.token() })
    expect(res.body).toEqual({
      marketingDefault: 'everyone',
      receipt: 'off',
      tierUp: true,
      stampReward: true,
    })
  })

  it('receipts off: a purchase sends nothing', async () => {
    const { owner, member, memberNumber } = await setup()
    await settings(owner, { receipt: 'off', tierUp: false })
    await buy(owner, memberNumber, 1200)
    await buy(owner, memberNumber, 30_000) // a tier-up, with its note switched off too
    expect(queued()).toEqual([])
    expect(pushes(member.userId)).toEqual([])
  })

  it('receipts on: exactly one message per purchase, the tier-up inside it', async () => {
    const { owner, member, memberNumber } = await setup()
    await settings(owner, { receipt: 'on' })
    await buy(owner, memberNumber, 29_999)
    await buy(owner, memberNumber, 1) // reaches シルバー: one message, not two
    await eventually(() => expect(pushes(member.userId)).toHaveLength(2))
    expect(queued()).toHaveLength(2)
    const [first, second] = pushes(member.userId).map((p) => JSON.stringify(p.message))
    expect(first).toContain('29,999円')
    expect(first).not.toContain('会員ランクが')
    expect(second).toContain('会員ランクが「シルバー」になりました')
    expect(second).toContain('お買い上げありがとうございます')
    expect(pushes(member.userId).every((p) => p.message.type === 'flex')).toBe(true)
  })

  it('only when points or tier changed: a purchase earning nothing sends nothing', async () => {
    const { owner, member, memberNumber } = await setup()
    await settings(owner, { receipt: 'changed' })
    await buy(owner, memberNumber, 50) // 0 pt (1 pt per 100 yen), tier unchanged
    expect(queued()).toEqual([])
    await buy(owner, memberNumber, 1000) // +10 pt
    await eventually(() => expect(pushes(member.userId)).toHaveLength(1))
    expect(JSON.stringify(pushes(member.userId)[0]?.message)).toContain('+10pt')
    expect(queued()).toHaveLength(1)
  })

  it('receipts off, tier-up on: only the tier-up goes, once', async () => {
    const { owner, member, memberNumber } = await setup()
    await buy(owner, memberNumber, 1000)
    expect(queued()).toEqual([])
    await buy(owner, memberNumber, 29_000)
    await eventually(() => expect(pushes(member.userId)).toHaveLength(1))
    expect(JSON.stringify(pushes(member.userId)[0]?.message)).toContain('シルバー')
    expect(queued()).toHaveLength(1)
  })
})
