import type { KpiCohort, RfmCell, SegmentRule } from '@joren/shared'

/** A shop-local day, YYYY-MM-DD, moved by `days` (calendar arithmetic, no time zone involved). */
export function addDays(day: string, days: number): string {
  const t = Date.parse(`${day}T00:00:00Z`) + days * 86_400_000
  return new Date(t).toISOString().slice(0, 10)
}

export type PresetKey = 'last30' | 'last90' | 'thisMonth' | 'lastMonth'
export const PRESETS: readonly PresetKey[] = ['last30', 'last90', 'thisMonth', 'lastMonth']

/** A standard period ending on (or before) `today`, the shop-local date. */
export function presetRange(key: PresetKey, today: string): { from: string; to: string } {
  switch (key) {
    case 'last30':
      return { from: addDays(today, -29), to: today }
    case 'last90':
      return { from: addDays(today, -89), to: today }
    case 'thisMonth':
      return { from: `${today.slice(0, 7)}-01`, to: today }
    case 'lastMonth': {
      const lastDay = addDays(`${today.slice(0, 7)}-01`, -1)
      return { from: `${lastDay.slice(0, 7)}-01`, to: lastDay }
    }
  }
}

/** Excel (Japanese Windows included) reads UTF-8 only with a byte-order mark. */
const UTF8_BOM = '\uFEFF'

/** RFC 4180 fields; a leading = + - @ stays text, never an Excel formula. */
function csvField(value: string | number | null): string {
  if (value === null) return ''
  if (typeof value === 'number') return String(value)
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe
}

/** A CSV file's text: BOM, a header line and the rows, CRLF line ends. */
export function toCsv(header: readonly string[], rows: readonly (string | number | null)[][]) {
  return UTF8_BOM + [header, ...rows].map((r) => `${r.map(csvField).join(',')}\r\n`).join('')
}

/**
 * Average retention by months since the first purchase: for each k, retained[k] summed over the
 * cohorts that have reached month k, divided by their summed sizes.
 */
export function retentionCurve(cohorts: readonly KpiCohort[]): { k: number; rate: number }[] {
  const longest = Math.max(0, ...cohorts.map((c) => c.retained.length))
  const curve: { k: number; rate: number }[] = []
  for (let k = 0; k < longest; k++) {
    let retained = 0
    let size = 0
    for (const cohort of cohorts) {
      const n = cohort.retained[k]
      if (n === undefined) continue
      retained += n
      size += cohort.size
    }
    if (size > 0) curve.push({ k, rate: retained / size })
  }
  return curve
}

const RECENCY_DAYS: Record<RfmCell['recency'], [number, number | null]> = {
  '0-30': [0, 30],
  '31-90': [31, 90],
  '91-180': [91, 180],
  '181-365': [181, 365],
  '366+': [366, null],
}
const FREQUENCY: Record<RfmCell['frequency'], [number, number | null]> = {
  '1': [1, 1],
  '2': [2, 2],
  '3-4': [3, 4],
  '5-9': [5, 9],
  '10+': [10, null],
}

/**
 * The segment rules of one RFM cell. The grid bands whole days since the last purchase
 * (0–30 means less than 31 days ago), so a band [a, b] is "at least a days ago and not at least
 * b + 1 days ago"; purchases are counted over all time, like the grid.
 */
export function rfmCellRules(recency: RfmCell['recency'], frequency: RfmCell['frequency']) {
  const [minDays, maxDays] = RECENCY_DAYS[recency]
  const [minCount, maxCount] = FREQUENCY[frequency]
  const rules: SegmentRule[] = [{ type: 'lastPurchase', op: 'gte', days: minDays }]
  if (maxDays !== null) {
    rules.push({ type: 'not', rule: { type: 'lastPurchase', op: 'gte', days: maxDays + 1 } })
  }
  if (minCount === maxCount) {
    rules.push({ type: 'purchaseCount', op: 'eq', value: minCount, window: 'all' })
  } else {
    rules.push({ type: 'purchaseCount', op: 'gte', value: minCount, window: 'all' })
    if (maxCount !== null) {
      rules.push({ type: 'purchaseCount', op: 'lte', value: maxCount, window: 'all' })
    }
  }
  return { type: 'all', rules } satisfies SegmentRule
}

/** The segment builder's address with a cell's rules to start from. */
export function rfmSegmentHref(
  recency: RfmCell['recency'],
  frequency: RfmCell['frequency'],
  name: string,
): string {
  const query = new URLSearchParams({
    name,
    rules: JSON.stringify(rfmCellRules(recency, frequency)),
  })
  return `/staff/segments?${query.toString()}`
}
