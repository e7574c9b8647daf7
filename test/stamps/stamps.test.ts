import { beforeEach, describe, it } from 'vitest'
import type { Driver } from '../events/event-suite.ts'
import { memoryDatabase } from '../support/memory-db.ts'
import {
  stampsFollowPurchasesExactlyOnce,
  stampsPerYenAndRewardsOverTheLimit,
} from './stamps-suite.ts'

let driver: Driver

beforeEach(() => {
  const { sqlite, db, atomic } = memoryDatabase()
  driver = {
    db,
    atomic,
    query: async <T>(sql: string, ...params: unknown[]) =>
      sqlite.prepare(sql).all(...params) as T[],
  }
})

describe('the stamp card (better-sqlite3)', () => {
  it('per visit: once per purchase under redelivery and concurrency, reward at the goal, new card, refund reversed once', () =>
    stampsFollowPurchasesExactlyOnce(driver))
  it('per ¥X, stamps only: no points, several cards at once, a reward over its limit still completes the card', () =>
    stampsPerYenAndRewardsOverTheLimit(driver))
})
