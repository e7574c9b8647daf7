import { describe, expect, it } from 'vitest'
import { offsetMs, startOfDayInZone } from './time.ts'

describe('shop time zone', () => {
  it('finds midnight in Tokyo (UTC+9, no DST)', () => {
    expect(new Date(startOfDayInZone('2026-11-22', 'Asia/Tokyo')).toISOString()).toBe(
      '2026-11-21T15:00:00.000Z',
    )
    expect(offsetMs(Date.UTC(2026, 0, 1), 'Asia/Tokyo')).toBe(9 * 3600_000)
  })

  it('handles zones with DST', () => {
    expect(new Date(startOfDayInZone('2026-07-01', 'America/New_York')).toISOString()).toBe(
      '2026-07-01T04:00:00.000Z',
    )
    expect(new Date(startOfDayInZone('2026-01-15', 'America/New_York')).toISOString()).toBe(
      '2026-01-15T05:00:00.000Z',
    )
  })
})
