import { describe, expect, it } from 'vitest'
import { sandboxClockControl, SandboxShopClock } from './sandbox-clock.ts'

const DAY = 24 * 3600_000
const REAL = Date.UTC(2027, 2, 1, 3, 0) // 2027-03-01 12:00 JST

function control() {
  const base = { now: () => REAL }
  const clock = new SandboxShopClock(base)
  const ticks: number[] = []
  const c = sandboxClockControl({
    clock,
    timeZone: 'Asia/Tokyo',
    tick: async () => {
      ticks.push(clock.now())
    },
  })
  return { clock, ticks, c }
}

describe('the sandbox clock', () => {
  it('moves forward by days, running the periodic jobs once per day passed and at the end', async () => {
    const { clock, ticks, c } = control()
    const moved = await c.advance({ days: 3, hours: 2 })
    expect(moved.now).toBe(REAL + 3 * DAY + 2 * 3600_000)
    expect(moved.offsetMs).toBe(3 * DAY + 2 * 3600_000)
    expect(ticks).toEqual([REAL + DAY, REAL + 2 * DAY, REAL + 3 * DAY, moved.now, moved.now])
    expect(clock.now()).toBe(moved.now)
  })

  it('moves to a shop-local date and time; never back, never more than 366 days', async () => {
    const { c } = control()
    const moved = await c.advance({ to: '2027-03-02T10:00' })
    expect(moved.now).toBe(Date.UTC(2027, 2, 2, 1, 0))
    await expect(c.advance({ to: '2027-03-01T09:00' })).rejects.toThrow('先にしか進められません')
    await expect(c.advance({ to: '2028-03-05T09:00' })).rejects.toThrow('366日まで')
    expect(c.get().now).toBe(moved.now)
  })

  it('two moves at once run one after the other', async () => {
    const { c } = control()
    const [a, b] = await Promise.all([c.advance({ days: 1 }), c.advance({ days: 1 })])
    expect(b.now - a.now).toBe(DAY)
  })
})
