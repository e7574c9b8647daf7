import { describe, it } from 'vitest'
import {
  qualificationIsExactlyOnce,
  rewardsWithoutMessagesWhenSwitchedOff,
  theMonthlyCapHoldsUnderARace,
} from '../referrals/referral-suite.ts'
import { useFreshD1 } from './d1-driver.ts'

/**
 * The referral program's qualification on workerd's local D1: the conditional UPDATE, its guard
 * (changes() of the previous statement in the batch) and the rewards' UNIQUE keys make
 * concurrent qualification attempts issue once, as on better-sqlite3.
 */

const TIMEOUT = 120_000
const d1 = useFreshD1(TIMEOUT)

describe('referral qualification (workerd + local D1)', () => {
  it(
    '20 concurrent deliveries of the qualifying purchase: one reward and one message per side; the refund reverses once',
    () => qualificationIsExactlyOnce(d1()),
    TIMEOUT,
  )
  it(
    'two newcomers racing for the last monthly slot: one qualifies, one is refused for the cap',
    () => theMonthlyCapHoldsUnderARace(d1()),
    TIMEOUT,
  )
  it(
    'with the referral messages switched off: both rewards, no push',
    () => rewardsWithoutMessagesWhenSwitchedOff(d1()),
    TIMEOUT,
  )
})
