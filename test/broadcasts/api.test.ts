import {
  BroadcastListSchema,
  type BroadcastEstimate,
  type BroadcastList,
  type BroadcastResponse,
} from '@joren/shared'
import { describe, expect, it } from 'vitest'
import { claimOwner, inviteStaff, TestClock, useWorld } from '../auth/world.ts'
import { createBroadcast, progress, seedAudience, send, untilStatus } from './broadcast-world.ts'

const clock = new TestClock()
const world = useWorld(clock)

type ErrorBody = { error: { code: string; message: string; details?: { path: string }[] } }

describe('composer validation', () => {
  it('refuses drafts LINE would refuse, with a field and a Japanese message, and stores nothing', async () => {
    const owner = await claimOwner(world)
    const bad = [
      { messages: Array(6).fill({ type: 'text', text: 'x' }) },
      { messages: [{ type: 'text', text: '{nickname}様' }] },
      { messages: [{ type: 'text', text: '{coupon} をどうぞ' }] },
      {
        messages: [
          {
            type: 'image',
            originalContentUrl: 'http://x/a.png',
            previewImageUrl: 'http://x/a.png',
          },
        ],
      },
      { messages: [{ type: 'coupon', templateId: 999 }] },
      { messages: [{ type: 'text', text: '{name}'.repeat(790) }] },
      { holdoutPercent: 60 },
      { audience: { kind: 'members', memberNumbers: ['12'] } },
    ]
    for (const patch of bad) {
      const res = await world.api<ErrorBody>('POST', '/api/staff/broadcasts', {
        token: owner.token(),
        body: {
          title: 'x',
          messages: [{ type: 'text', text: 'ok' }],
          audience: { kind: 'all' },
          ...patch,
        },
      })
      expect(res.status, JSON.stringify(patch)).toBe(400)
      expect(res.body.error.message).toMatch(/[ぁ-んァ-ヶ一-龠]/)
    }
    expect(world.count('broadcasts')).toBe(0)
  })

  it('lets only owners and admins send, and staff not even read', async () => {
    const owner = await claimOwner(world)
    const staff = await inviteStaff(world, owner, 'staff')
    const id = await createBroadcast(world, owner)
    expect((await send(world, staff, id)).status).toBe(403)
    const list = await world.api('GET', '/api/staff/broadcasts', { token: staff.token() })
    expect(list.status).toBe(403)
  })
})

describe('the broadcast list', () => {
  it('shows a member-number audience only as its size; the detail keeps every number', async () => {
    const owner = await claimOwner(world)
    seedAudience(world, { consenting: 3 })
    const memberNumbers = world.joren
      .rows<{ n: string }>('select member_number as n from members order by id')
      .map((r) => r.n)
    const id = await createBroadcast(world, owner, { audience: { kind: 'members', memberNumbers } })
    const list = await world.api<BroadcastList>('GET', '/api/staff/broadcasts', {
      token: owner.token(),
    })
    expect(list.status).toBe(200)
    expect(BroadcastListSchema.parse(list.body).broadcasts).toEqual([
      expect.objectContaining({ id, audience: { kind: 'members', memberCount: 3 } }),
    ])
    expect(JSON.stringify(list.body)).not.toContain(memberNumbers[0])
    const detail = await world.api<BroadcastResponse>('GET', `/api/staff/broadcasts/${id}`, {
      token: owner.token(),
    })
    expect(detail.body.broadcast.audience).toEqual({ kind: 'members', memberNumbers })
  })
})

describe('estimate, pause, resume and cancel', () => {
  it('warns about quiet hours in shop time and reports the quota', async () => {
    const owner = await claimOwner(world)
    seedAudience(world, { consenting: 4 })
    // 23:30 in Tokyo.
    const night = Date.parse('2030-01-10T14:30:00Z')
    const res = await world.api<BroadcastEstimate>('POST', '/api/staff/broadcasts/estimate', {
      token: owner.token(),
      body: {
        title: 'x',
        messages: [{ type: 'text', text: 'ok' }],
        audience: { kind: 'all' },
        scheduledAt: night,
      },
    })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ audience: 4, recipients: 4, billedMessages: 4 })
    expect(res.body.quietHoursWarning?.localTime).toBe('23:30')
    expect(res.body.quota.type).toBe('limited')
  })

  it('cancels a scheduled broadcast before it fires, and refuses to resume a finished one', async () => {
    const owner = await claimOwner(world)
    const audience = seedAudience(world, { consenting: 3 })
    const id = await createBroadcast(world, owner, { scheduledAt: clock.now() + 60_000 })
    await send(world, owner, id)
    const cancelled = await world.api<BroadcastResponse>(
      'POST',
      `/api/staff/broadcasts/${id}/cancel`,
      {
        token: owner.token(),
      },
    )
    expect(cancelled.body.broadcast.status).toBe('cancelled')
    clock.advance(120_000)
    await new Promise((r) => setTimeout(r, 1_500))
    for (const m of audience) expect(world.standIn.received(m.userId)).toEqual([])
    const resume = await world.api<ErrorBody>('POST', `/api/staff/broadcasts/${id}/resume`, {
      token: owner.token(),
    })
    expect(resume.status).toBe(409)
    expect(resume.body.error.message).toBe('この配信は「中止」のため再開できません。')
    expect((await progress(world, owner, id)).status).toBe('cancelled')
  })

  it('pauses a broadcast (nothing more goes out) and resumes it to the end', async () => {
    const owner = await claimOwner(world)
    const audience = seedAudience(world, { consenting: 150 }, (i) => `客${i}`)
    // Personalised: 150 pushes (64 in flight at a time), slowed so the pause lands mid-way.
    world.standIn.inject({ kind: 'latency', ms: 150, path: '/v2/bot/message/push' })
    const id = await createBroadcast(world, owner, {
      messages: [{ type: 'text', text: '{name}様' }],
    })
    // The send answers once the plan is claimed; planning and sending follow in the background.
    const sent = await send(world, owner, id)
    expect(sent.status).toBe(200)
    expect(sent.body.broadcast.status).toBe('planning')
    expect(sent.body.broadcast.startedAt).toBeNull()
    // Only a sending broadcast can be paused.
    await untilStatus(world, owner, id, 'sending')
    const paused = await world.api<BroadcastResponse>('POST', `/api/staff/broadcasts/${id}/pause`, {
      token: owner.token(),
    })
    expect(paused.body.broadcast?.status, JSON.stringify(paused.body)).toBe('paused')
    await new Promise((r) => setTimeout(r, 600))
    const during = audience.filter((m) => world.standIn.received(m.userId).length > 0).length
    await new Promise((r) => setTimeout(r, 1_200))
    expect(audience.filter((m) => world.standIn.received(m.userId).length > 0).length).toBe(during)
    expect(during).toBeLessThan(150)
    await world.api('POST', `/api/staff/broadcasts/${id}/resume`, { token: owner.token() })
    const done = await untilStatus(world, owner, id, 'done')
    expect(done.recipients.sent).toBe(150)
    for (const m of audience) expect(world.standIn.received(m.userId)).toHaveLength(1)
    world.standIn.clearFaults()
  })
})
