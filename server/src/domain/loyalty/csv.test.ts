import { describe, expect, it } from 'vitest'
import { checkCsv, parseCsv, parsePurchasedAt } from './csv.ts'

describe('purchases CSV', () => {
  it('parses quoted fields, doubled quotes, CRLF and line breaks inside quotes', () => {
    expect(parseCsv('a,"b ""x""",c\r\n"multi\nline",2,\n')).toEqual([
      { line: 1, fields: ['a', 'b "x"', 'c'] },
      { line: 2, fields: ['multi\nline', '2', ''] },
    ])
  })

  it('reads "YYYY-MM-DD HH:mm" in the shop time zone and ISO with an offset', () => {
    expect(parsePurchasedAt('2026-01-10 09:00', 'Asia/Tokyo')).toBe(
      Date.parse('2026-01-10T00:00:00Z'),
    )
    expect(parsePurchasedAt('2026-01-10T09:00:00+09:00', 'Asia/Tokyo')).toBe(
      Date.parse('2026-01-10T00:00:00Z'),
    )
    expect(parsePurchasedAt('2026-02-30 09:00', 'Asia/Tokyo')).toBeNull()
    expect(parsePurchasedAt('yesterday', 'Asia/Tokyo')).toBeNull()
  })

  it('reports every bad row with its line number (a BOM is fine)', () => {
    const text = '\uFEFFmember_number,amount\n1000000001,100\n1000000001,0\n123,100\n'
    const result = checkCsv(text, {
      timeZone: 'Asia/Tokyo',
      now: Date.parse('2026-06-01T00:00:00Z'),
      categoryIds: new Set(),
      knownMember: () => true,
    })
    expect(result.rows.map((r) => r.line)).toEqual([2])
    expect(result.errors.map((e) => e.line)).toEqual([3, 4])
  })
})
