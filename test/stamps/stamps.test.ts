import { beforeEach, describe, it } from 'vitest'
import type { Driver } from '../events/event-suite.ts'
import { memoryDriver } from '../support/memory-db.ts'
import {
  stampsFollowPurchasesExactlyOnce,
  stampsPerYenAndRewardsOverTheLimit,
} from './stamps-suite.ts'

let driver: Driver

beforeEach(() => {
  driver = memoryDriver()
})

describe('the stamp card (better-sqlite3)', () => {
  it('per visit: once per purchase under redelivery and concurrency, reward at the goal, new card, refund reversed once', () =>
    stampsFollowPurchasesExactlyOnce(driver))
  it('per ¥X, stamps only: no points, several cards at once, a reward over its limit still completes the card', () =>
    stampsPerYenAndRewardsOverTheLimit(driver))
})
