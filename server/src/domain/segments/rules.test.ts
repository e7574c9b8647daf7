import { builtInSegmentRules, type Segment } from '@joren/shared'
import { describe, expect, it } from 'vitest'
import {
  BuiltInSegmentNotDeletable,
  BuiltInSegmentRulesFixed,
  ThresholdsNotApplicable,
} from './errors.ts'
import { assertDeletable, updatedSegment } from './rules.ts'

const loyal = { key: 'loyal', minPurchases12m: 5 } as const
const builtIn: Segment = {
  id: 1,
  name: '常連',
  builtIn: 'loyal',
  thresholds: loyal,
  rules: builtInSegmentRules(loyal),
  createdAt: 1,
  updatedAt: 1,
}
const saved: Segment = {
  id: 2,
  name: '東京',
  builtIn: null,
  thresholds: null,
  rules: { type: 'all', rules: [{ type: 'prefecture', prefectures: ['13'] }] },
  createdAt: 1,
  updatedAt: 1,
}

describe('segment rules', () => {
  it('gives a built-in new thresholds of its own key and the rule tree they make', () => {
    const after = updatedSegment(builtIn, { thresholds: { key: 'loyal', minPurchases12m: 8 } }, 9)
    expect(after.thresholds).toEqual({ key: 'loyal', minPurchases12m: 8 })
    expect(after.rules).toEqual(builtInSegmentRules({ key: 'loyal', minPurchases12m: 8 }))
    expect(after).toMatchObject({ name: '常連', updatedAt: 9 })
  })

  it('refuses a rule tree or thresholds of another key for a built-in', () => {
    expect(() => updatedSegment(builtIn, { rules: saved.rules }, 9)).toThrow(
      BuiltInSegmentRulesFixed,
    )
    expect(() =>
      updatedSegment(builtIn, { thresholds: { key: 'new', firstPurchaseWithinDays: 30 } }, 9),
    ).toThrow(ThresholdsNotApplicable)
  })

  it('gives a saved segment a new name and rules, never thresholds', () => {
    const rules = { type: 'any' as const, rules: [] }
    expect(updatedSegment(saved, { name: '関東', rules }, 9)).toMatchObject({
      name: '関東',
      rules,
      thresholds: null,
      updatedAt: 9,
    })
    expect(() => updatedSegment(saved, { thresholds: loyal }, 9)).toThrow(ThresholdsNotApplicable)
  })

  it('deletes saved segments only', () => {
    expect(() => assertDeletable(builtIn)).toThrow(BuiltInSegmentNotDeletable)
    expect(() => assertDeletable(saved)).not.toThrow()
  })
})
