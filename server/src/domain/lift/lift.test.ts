import { describe, expect, it } from 'vitest'
import { computeLift } from './lift.ts'

const group = (members: number, purchasers: number, revenueYen = 0) => ({
  members,
  purchasers,
  purchases: purchasers,
  revenueYen,
  conversion: members === 0 ? null : purchasers / members,
})

describe('computeLift', () => {
  it("matches Newcombe's worked example (56/70 against 48/80: 0.0524 to 0.3339)", () => {
    const lift = computeLift(group(70, 56), group(80, 48))
    expect(lift.difference).toBeCloseTo(0.2, 10)
    expect(lift.interval95?.[0]).toBeCloseTo(0.0524, 4)
    expect(lift.interval95?.[1]).toBeCloseTo(0.3339, 4)
    expect(lift.relative).toBeCloseTo(56 / 70 / (48 / 80) - 1, 10)
  })

  it('stays inside [-1, 1] at the extremes and gives revenue per member in whole yen', () => {
    const lift = computeLift(group(10, 10, 10_005), group(10, 0, 0))
    expect(lift.difference).toBe(1)
    expect(lift.interval95?.[1]).toBeLessThanOrEqual(1)
    expect(lift.interval95?.[0]).toBeGreaterThan(0.5)
    expect(lift.relative).toBeNull()
    expect(lift.revenuePerMemberYen).toBe(1001)
    expect(computeLift(group(4, 0, 0), group(4, 1, 1002)).revenuePerMemberYen).toBe(-251)
  })

  it('has nothing to say when a group is empty', () => {
    expect(computeLift(group(0, 0), group(10, 1))).toEqual({
      difference: null,
      interval95: null,
      relative: null,
      revenuePerMemberYen: null,
    })
  })
})
