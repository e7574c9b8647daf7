import { describe, expect, it } from 'vitest'
import { epochToShopLocal, shopLocalToEpoch } from './shop-time.ts'

describe('shop-local date-times', () => {
  it('reads a datetime-local value in Tokyo time, whatever the device zone', () => {
    expect(shopLocalToEpoch('2026-12-01T10:30', 'Asia/Tokyo')).toBe(
      Date.parse('2026-12-01T01:30:00Z'),
    )
    expect(epochToShopLocal(Date.parse('2026-12-01T01:30:00Z'), 'Asia/Tokyo')).toBe(
      '2026-12-01T10:30',
    )
    // Midnight crosses the date line back into the previous UTC day.
    expect(shopLocalToEpoch('2026-01-01T00:00', 'Asia/Tokyo')).toBe(
      Date.parse('2025-12-31T15:00:00Z'),
    )
  })

  it('follows daylight saving in zones that have it', () => {
    expect(shopLocalToEpoch('2026-07-01T12:00', 'America/New_York')).toBe(
      Date.parse('2026-07-01T16:00:00Z'),
    )
    expect(shopLocalToEpoch('2026-01-15T12:00', 'America/New_York')).toBe(
      Date.parse('2026-01-15T17:00:00Z'),
    )
  })

  it('rejects anything that is not a datetime-local value', () => {
    expect(shopLocalToEpoch('', 'Asia/Tokyo')).toBeNull()
    expect(shopLocalToEpoch('2026-12-01 10:30', 'Asia/Tokyo')).toBeNull()
  })
})
