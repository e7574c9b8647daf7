import type { AlertPrefs, StaffAlertPage } from '@joren/shared'
import { describe, expect, it } from 'vitest'
import { claimOwner, inviteStaff, TestClock, useWorld } from '../auth/world.ts'
import { eventually } from '../support/joren-node.ts'
import { runUpkeep, settled, textsReceived } from './inbox-world.ts'

const clock = new TestClock()
const world = useWorld(clock)

const MINUTE = 60_000

/** 'HH:MM' in Tokyo, `offsetMinutes` from the test clock's now. */
function tokyoTime(offsetMinutes: number): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Asia/Tokyo',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(clock.now() + offsetMinutes * MINUTE)
}

async function customerAsks(count: number) {
  for (let i = 0; i < count; i++) {
    const member = await world.member(`お客様${i}`)
    await world.standIn.sendImage(member.userId)
  }
  await settled(world)
}

function alertPushes(userId: string): string[] {
  return textsReceived(world, userId).filter((t) => t.includes('受信箱'))
}

async function optIn(staff: { token(): string }, prefs: Partial<AlertPrefs> = {}) {
  const res = await world.api<AlertPrefs>('PUT', '/api/staff/me/alert-prefs', {
    token: staff.token(),
    body: { lineAlerts: true, quietStart: null, quietEnd: null, ...prefs },
  })
  expect(res.status).toBe(200)
  return res.body
}

describe('staff alerts', () => {
  it('batches new conversations into one push per opted-in staff member per run', async () => {
    const owner = await claimOwner(world)
    const admin = await inviteStaff(world, owner, 'admin')
    await world.standIn.follow(owner.userId)
    await world.standIn.follow(admin.userId)
    await settled(world)
    await optIn(owner)

    await customerAsks(3)
    // Two overlapping runs (a Node timer and a slow previous run, or a cron retry) push once.
    await Promise.all([runUpkeep(world), runUpkeep(world)])
    await settled(world)
    await eventually(() => expect(alertPushes(owner.userId)).toHaveLength(1))
    const [push] = alertPushes(owner.userId)
    expect(push).toContain('新しいお問い合わせが3件あります')
    expect(push).toContain('/staff/inbox')
    expect(world.standIn.received(owner.userId).at(-1)?.via).toBe('push')
    // Not opted in: nothing.
    expect(alertPushes(admin.userId)).toEqual([])

    await runUpkeep(world)
    await settled(world)
    expect(alertPushes(owner.userId)).toHaveLength(1)

    // Opting in later does not bring a push about what happened before.
    await optIn(admin)
    await runUpkeep(world)
    await settled(world)
    expect(alertPushes(admin.userId)).toEqual([])

    await customerAsks(1)
    await runUpkeep(world)
    await settled(world)
    expect(alertPushes(owner.userId).at(-1)).toContain('新しいお問い合わせが1件あります')
    expect(alertPushes(admin.userId)).toEqual([
      expect.stringContaining('新しいお問い合わせが1件あります'),
    ])
  })

  it('holds pushes during quiet hours and sends one summary after', async () => {
    const owner = await claimOwner(world)
    await world.standIn.follow(owner.userId)
    await settled(world)
    const prefs = await optIn(owner, { quietStart: tokyoTime(-30), quietEnd: tokyoTime(60) })
    expect(prefs).toMatchObject({ lineAlerts: true, quietStart: tokyoTime(-30) })

    await customerAsks(2)
    await runUpkeep(world)
    await settled(world)
    expect(alertPushes(owner.userId)).toEqual([])

    clock.advance(30 * MINUTE)
    await customerAsks(1)
    await runUpkeep(world)
    await settled(world)
    expect(alertPushes(owner.userId)).toEqual([])

    clock.advance(31 * MINUTE)
    await runUpkeep(world)
    await settled(world)
    expect(alertPushes(owner.userId)).toEqual([
      expect.stringContaining('新しいお問い合わせが3件あります'),
    ])
  })

  it('lists alerts for the console and resolves them; prefs are validated', async () => {
    const owner = await claimOwner(world)
    const staff = await inviteStaff(world, owner, 'staff')
    await customerAsks(2)
    const page = await world.api<StaffAlertPage>('GET', '/api/staff/alerts', {
      token: staff.token(),
    })
    expect(page.status).toBe(200)
    expect(page.body.items.map((a) => a.kind)).toEqual(['new_conversation', 'new_conversation'])
    expect(page.body.items[0]?.summary).toContain('お客様1さん')
    const id = page.body.items[0]?.id
    const resolved = await world.api('POST', `/api/staff/alerts/${id}/resolve`, {
      token: staff.token(),
    })
    expect(resolved.body).toEqual({ resolved: true })
    const open = await world.api<StaffAlertPage>('GET', '/api/staff/alerts', {
      token: staff.token(),
    })
    expect(open.body.items).toHaveLength(1)
    const all = await world.api<StaffAlertPage>('GET', '/api/staff/alerts?status=all', {
      token: staff.token(),
    })
    expect(all.body.items[0]).toMatchObject({ id, resolvedBy: { id: staff.id } })
    expect(
      (await world.api('POST', '/api/staff/alerts/99999/resolve', { token: staff.token() })).status,
    ).toBe(404)

    const half = await world.api('PUT', '/api/staff/me/alert-prefs', {
      token: staff.token(),
      body: { lineAlerts: true, quietStart: '22:00', quietEnd: null },
    })
    expect(half.status).toBe(400)
    const badTime = await world.api('PUT', '/api/staff/me/alert-prefs', {
      token: staff.token(),
      body: { lineAlerts: true, quietStart: '25:00', quietEnd: '08:00' },
    })
    expect(badTime.status).toBe(400)
    const mine = await world.api('GET', '/api/staff/me/alert-prefs', { token: staff.token() })
    expect(mine.body).toEqual({ lineAlerts: false, quietStart: null, quietEnd: null })
  })
})
