import { describe, expect, it } from 'vitest'
import { formatDate, formatDateTime, formatIsoDate } from './format.ts'
import { formatMemberNumber } from './member-number.ts'

describe('dates in the shop’s time zone', () => {
  // 2025-01-31 15:30 UTC is already 1 February, 00:30 in Tokyo.
  const lateUtc = Date.UTC(2025, 0, 31, 15, 30)

  it('shows the Tokyo calendar day, not the UTC one', () => {
    expect(formatDate(lateUtc, 'ja')).toBe('2025/02/01')
    expect(formatDateTime(lateUtc, 'ja')).toBe('2025/02/01 00:30')
    expect(formatDate(lateUtc, 'en')).toBe('Feb 01, 2025')
  })

  it('shows a stored birthday as the date it is', () => {
    expect(formatIsoDate('1990-05-12', 'ja')).toBe('1990年5月12日')
    expect(formatIsoDate('1990-05-12', 'en')).toBe('May 12, 1990')
  })
})

describe('formatMemberNumber', () => {
  it('groups the ten digits for reading aloud', () => {
    expect(formatMemberNumber('1234567890')).toBe('1234 5678 90')
  })
})
