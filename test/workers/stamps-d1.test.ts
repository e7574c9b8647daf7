import { describe, it } from 'vitest'
import {
  stampsFollowPurchasesExactlyOnce,
  stampsPerYenAndRewardsOverTheLimit,
} from '../stamps/stamps-suite.ts'
import { useFreshD1 } from './d1-driver.ts'

/**
 * The stamp card on workerd's local D1: the same suite as on better-sqlite3 (UNIQUE dedupe keys,
 * insert … select … on conflict, the reward coupon and its ledger row in one D1 batch).
 */

const TIMEOUT = 120_000
const d1 = useFreshD1(TIMEOUT)

describe('the stamp card (workerd + local D1)', () => {
  it(
    'per visit: once per purchase under redelivery and concurrency, reward at the goal, new card, refund reversed once',
    () => stampsFollowPurchasesExactlyOnce(d1()),
    TIMEOUT,
  )
  it(
    'per ¥X, stamps only: no points, several cards at once, a reward over its limit still completes the card',
    () => stampsPerYenAndRewardsOverTheLimit(d1()),
    TIMEOUT,
  )
})
