import { describe, expect, it } from 'vitest'
import { addMonthsToDate, lastUsableDate, monthsBefore, pointsExpiryAt } from './dates.ts'

describe('loyalty dates (shop time)', () => {
  it('points granted on a day are usable through the same day N months later', () => {
    const granted = Date.parse('2026-03-31T10:00:00+09:00')
    const expiresAt = pointsExpiryAt(granted, 12, 'Asia/Tokyo')
    expect(expiresAt).toBe(Date.parse('2027-04-01T00:00:00+09:00'))
    expect(lastUsableDate(expiresAt, 'Asia/Tokyo')).toBe('2027-03-31')
  })

  it('clamps to the end of a shorter month and finds the rolling window start', () => {
    expect(addMonthsToDate('2026-01-31', 1)).toBe('2026-02-28')
    expect(addMonthsToDate('2026-03-15', -12)).toBe('2025-03-15')
    const now = Date.parse('2026-03-15T12:00:00+09:00')
    expect(monthsBefore(now, 12, 'Asia/Tokyo')).toBe(Date.parse('2025-03-15T12:00:00+09:00'))
  })
})
