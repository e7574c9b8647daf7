import {
  SEGMENT_WINDOW_DAYS,
  SegmentRuleSchema,
  segmentRuleSize,
  type SegmentLeaf,
} from '@joren/shared'
import { SQLiteSyncDialect } from 'drizzle-orm/sqlite-core'
import { describe, expect, it } from 'vitest'
import { compileSegment, sendableAudience } from './compile.ts'

const dialect = new SQLiteSyncDialect()
const ctx = { now: Date.parse('2026-06-15T03:00:00Z'), timeZone: 'Asia/Tokyo' }
const HOSTILE = "x'); DROP TABLE members; --"

/** One leaf of every type, at its widest (lists full, windows in days). */
const LEAVES: SegmentLeaf[] = [
  { type: 'lastPurchase', op: 'gte', days: 90 },
  { type: 'firstPurchase', op: 'lte', days: 30 },
  { type: 'purchaseCount', op: 'lte', value: 3, window: { days: 30 } },
  { type: 'purchaseCount', op: 'gte', value: 5, window: '12m' },
  { type: 'spend', op: 'eq', valueYen: 0, window: { days: 90 } },
  { type: 'spend', op: 'gte', valueYen: 20_000, window: { days: 365 } },
  { type: 'spendTopPercent', percent: 20 },
  { type: 'category', categories: ['a', 'b', 'c'], withinDays: 30 },
  { type: 'tier', op: 'atLeast', tierId: 2 },
  { type: 'tags', match: 'all', tagIds: [1, 2, 3] },
  { type: 'tags', match: 'none', tagIds: [4] },
  { type: 'gender', genders: ['female', 'other'] },
  { type: 'prefecture', prefectures: ['13', '14'] },
  { type: 'age', min: 20, max: 29 },
  { type: 'birthdayMonth', month: 'current' },
  { type: 'interests', interests: ['coffee', 'wine'] },
  { type: 'attribute', key: HOSTILE, value: HOSTILE },
  { type: 'followedWithin', days: 7 },
  { type: 'followedBefore', date: '2026-01-01' },
  { type: 'surveyAnswered', surveyId: 1 },
  { type: 'surveyOption', surveyId: 1, questionId: 'q1', optionId: 'o2' },
  { type: 'npsBand', surveyId: 1, band: 'detractor' },
  { type: 'points', op: 'gte', value: 100 },
  { type: 'unusedCoupon', templateId: 3 },
  { type: 'lastInteraction', op: 'gte', days: 30 },
]

describe('compileSegment', () => {
  it.each(LEAVES)('binds every value of a $type leaf, within its declared cost', (leaf) => {
    const rules = SegmentRuleSchema.parse(leaf)
    const query = dialect.sqlToQuery(compileSegment(rules, ctx))
    expect(query.params.length).toBeLessThanOrEqual(segmentRuleSize(rules).params)
    expect(query.params.length).toBeGreaterThan(0)
    // No user value is ever part of the SQL text.
    expect(query.sql).not.toContain('DROP')
    expect(query.sql).not.toContain('coffee')
    expect(query.sql).not.toContain("'13'")
  })

  it('keeps a hostile attribute as two bound parameters', () => {
    const query = dialect.sqlToQuery(
      compileSegment({ type: 'attribute', key: HOSTILE, value: HOSTILE }, ctx),
    )
    expect(query.params).toEqual([HOSTILE, HOSTILE])
  })

  it('combines nested nodes without adding parameters', () => {
    const rules = SegmentRuleSchema.parse({
      type: 'all',
      rules: [
        { type: 'any', rules: LEAVES.slice(0, 8) },
        { type: 'not', rule: LEAVES[8] },
      ],
    })
    const query = dialect.sqlToQuery(compileSegment(rules, ctx))
    expect(query.params.length).toBeLessThanOrEqual(segmentRuleSize(rules).params)
    expect(query.sql).toMatch(/^\(\(.* OR .*\) AND \(NOT .*\)\)$/s)
  })

  it('reads a window of days from the summary, never from purchases', () => {
    for (const days of SEGMENT_WINDOW_DAYS) {
      const query = dialect.sqlToQuery(
        compileSegment({ type: 'spend', op: 'gte', valueYen: 1, window: { days } }, ctx),
      )
      expect(query.sql).toContain(`spend_${days}d_yen`)
      expect(query.sql).not.toContain('purchases')
      expect(query.params).toEqual([1])
    }
  })

  it('accepts only the summary windows', () => {
    const leaf = { type: 'purchaseCount', op: 'gte', value: 1, window: { days: 7 } }
    expect(SegmentRuleSchema.safeParse(leaf).success).toBe(false)
    expect(SegmentRuleSchema.safeParse({ ...leaf, window: { days: 180 } }).success).toBe(true)
  })

  it('the sendable audience binds nothing', () => {
    expect(dialect.sqlToQuery(sendableAudience()).params).toEqual([])
  })
})
