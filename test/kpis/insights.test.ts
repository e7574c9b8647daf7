import { describe, expect, it } from 'vitest'
import { messageEconomy, npsScore } from '../../server/src/domain/kpis/insights.ts'
import { memoryDriver } from '../support/memory-db.ts'
import { everyInsightOnTheHandBuiltShop } from './insight-suite.ts'

describe('dashboard insights (better-sqlite3)', () => {
  it('NPS / CSAT / response rate, coupon rates by source, campaigns with lift, message economy', () =>
    everyInsightOnTheHandBuiltShop(memoryDriver()))
})

describe('NPS and message economy, by hand', () => {
  it('NPS rounds half up, symmetrically', () => {
    expect(npsScore(1, 2, 3)).toBe(-33)
    expect(npsScore(1, 0, 8)).toBe(13) // 12.5
    expect(npsScore(0, 1, 8)).toBe(-13)
    expect(npsScore(0, 0, 0)).toBeNull()
  })
  it('only the Standard plan bills overage; an unknown quota costs nothing it does not know', () => {
    const quota = (
      type: 'limited' | 'none' | 'unknown',
      limit: number | null,
      used: number | null,
    ) => ({
      type,
      limit,
      used,
      remaining: null,
      level: 'ok' as const,
      checkedAt: 0,
    })
    const light = messageEconomy({
      month: '2026-04',
      pushes: 0,
      replies: 0,
      quota: quota('limited', 5000, 5200),
      returningBuyers: 3,
    })
    expect(light).toMatchObject({
      plan: 'light',
      overageMessages: null,
      overageYen: null,
      costYen: 5000,
      costPerReturningYen: 1667,
    })
    const under = messageEconomy({
      month: '2026-04',
      pushes: 0,
      replies: 0,
      quota: quota('limited', 30000, 100),
      returningBuyers: 0,
    })
    expect(under).toMatchObject({
      plan: 'standard',
      overageMessages: 0,
      overageYen: 0,
      costYen: 15000,
      costPerReturningYen: null,
    })
    const unknown = messageEconomy({
      month: '2026-04',
      pushes: 0,
      replies: 0,
      quota: quota('unknown', null, null),
      returningBuyers: 3,
    })
    expect(unknown).toMatchObject({ plan: 'unknown', costYen: null, costPerReturningYen: null })
    const free = messageEconomy({
      month: '2026-04',
      pushes: 0,
      replies: 0,
      quota: quota('limited', 200, 10),
      returningBuyers: 4,
    })
    expect(free).toMatchObject({ plan: 'communication', costYen: 0, costPerReturningYen: 0 })
  })
})
