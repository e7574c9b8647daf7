import { SegmentRuleSchema } from '@joren/shared'
import { describe, expect, it } from 'vitest'
import { presetRange, retentionCurve, rfmCellRules, rfmSegmentHref, toCsv } from './model.ts'

describe('the dashboard periods', () => {
  it('counts back from the shop-local today, across month and year ends', () => {
    expect(presetRange('last30', '2026-03-01')).toEqual({ from: '2026-01-31', to: '2026-03-01' })
    expect(presetRange('last90', '2026-12-07')).toEqual({ from: '2026-09-09', to: '2026-12-07' })
    expect(presetRange('thisMonth', '2026-12-07')).toEqual({ from: '2026-12-01', to: '2026-12-07' })
    expect(presetRange('lastMonth', '2026-01-15')).toEqual({ from: '2025-12-01', to: '2025-12-31' })
    expect(presetRange('lastMonth', '2024-03-31')).toEqual({ from: '2024-02-01', to: '2024-02-29' })
  })
})

describe('CSV downloads', () => {
  it('start with a BOM, quote what needs it, keep formulas as text, end lines with CRLF', () => {
    const csv = toCsv(
      ['指標', '値'],
      [
        ['売上', 12000],
        ['a,"b"', null],
        ['=1+1', '-3'],
      ],
    )
    expect(csv).toBe('\uFEFF指標,値\r\n売上,12000\r\n"a,""b""",\r\n\'=1+1,\'-3\r\n')
  })
})

describe('the retention curve', () => {
  it('weights each month by the cohorts that reached it', () => {
    const curve = retentionCurve([
      { month: '2026-10', size: 10, retained: [10, 4, 2] },
      { month: '2026-11', size: 30, retained: [30, 6] },
      { month: '2026-12', size: 5, retained: [5] },
    ])
    expect(curve).toEqual([
      { k: 0, rate: 1 },
      { k: 1, rate: 10 / 40 },
      { k: 2, rate: 2 / 10 },
    ])
    expect(retentionCurve([])).toEqual([])
  })
})

describe('RFM cells as segments', () => {
  it('band whole days and purchase counts like the grid, and validate as segment rules', () => {
    expect(rfmCellRules('31-90', '3-4')).toEqual({
      type: 'all',
      rules: [
        { type: 'lastPurchase', op: 'gte', days: 31 },
        { type: 'not', rule: { type: 'lastPurchase', op: 'gte', days: 91 } },
        { type: 'purchaseCount', op: 'gte', value: 3, window: 'all' },
        { type: 'purchaseCount', op: 'lte', value: 4, window: 'all' },
      ],
    })
    expect(rfmCellRules('366+', '10+')).toEqual({
      type: 'all',
      rules: [
        { type: 'lastPurchase', op: 'gte', days: 366 },
        { type: 'purchaseCount', op: 'gte', value: 10, window: 'all' },
      ],
    })
    expect(rfmCellRules('0-30', '1').rules.at(-1)).toEqual({
      type: 'purchaseCount',
      op: 'eq',
      value: 1,
      window: 'all',
    })
    const href = new URL(rfmSegmentHref('0-30', '2', 'RFM'), 'http://127.0.0.1')
    expect(href.pathname).toBe('/staff/segments')
    expect(SegmentRuleSchema.safeParse(JSON.parse(href.searchParams.get('rules')!)).success).toBe(
      true,
    )
  })
})
