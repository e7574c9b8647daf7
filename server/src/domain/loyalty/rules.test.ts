import { DEFAULT_EARNING_RULE } from '@joren/shared'
import { describe, expect, it } from 'vitest'
import { DEFAULT_TIERS, pointsForPurchase, tierStatus } from './rules.ts'

const tiers = DEFAULT_TIERS.map((t, i) => ({ ...t, id: i + 1 }))

describe('earning rule', () => {
  it('earns eligible yen / yen per point × the tier multiplier, rounded as configured', () => {
    const rule = DEFAULT_EARNING_RULE
    expect(pointsForPurchase(1299, [], rule, 100)).toBe(12)
    expect(pointsForPurchase(1299, [], { ...rule, rounding: 'round' }, 100)).toBe(13)
    expect(pointsForPurchase(1250, [], { ...rule, rounding: 'round' }, 100)).toBe(13)
    expect(pointsForPurchase(1249, [], { ...rule, rounding: 'round' }, 100)).toBe(12)
    expect(pointsForPurchase(1201, [], { ...rule, rounding: 'ceil' }, 100)).toBe(13)
    expect(pointsForPurchase(1000, [], rule, 120)).toBe(12)
    expect(pointsForPurchase(999, [], rule, 150)).toBe(14)
    expect(pointsForPurchase(99, [], rule, 100)).toBe(0)
  })

  it('earns nothing only when every category of the purchase is excluded', () => {
    const rule = { ...DEFAULT_EARNING_RULE, excludedCategories: ['event'] }
    expect(pointsForPurchase(1000, ['event'], rule, 100)).toBe(0)
    expect(pointsForPurchase(1000, ['event', 'food'], rule, 100)).toBe(10)
  })
})

describe('tiers', () => {
  it('reaches a tier exactly at its threshold and says how far the next is', () => {
    expect(tierStatus(tiers, 29_999)).toMatchObject({
      tier: { name: 'レギュラー' },
      next: { name: 'シルバー', remainingYen: 1 },
    })
    expect(tierStatus(tiers, 30_000)).toMatchObject({ tier: { name: 'シルバー' } })
    expect(tierStatus(tiers, 300_000)).toMatchObject({ tier: { name: 'VIP' }, next: null })
  })
})
