import { describe, expect, it } from 'vitest'
import { addDays, offsetMs, startOfDayInZone } from './time.ts'

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

describe('calendar days', () => {
  it('crosses month, year and leap-day boundaries both ways', () => {
    expect(addDays('2026-01-31', 1)).toBe('2026-02-01')
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29')
    expect(addDays('2027-02-28', 1)).toBe('2027-03-01')
    expect(addDays('2027-01-01', -1)).toBe('2026-12-31')
    expect(addDays('2026-11-22', -30)).toBe('2026-10-23')
    expect(addDays('2026-11-22', 0)).toBe('2026-11-22')
  })
})
