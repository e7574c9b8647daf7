import { beforeEach, describe, it } from 'vitest'
import type { Driver } from '../events/event-suite.ts'
import { memoryDriver } from '../support/memory-db.ts'
import {
  qualificationIsExactlyOnce,
  rewardsWithoutMessagesWhenSwitchedOff,
  theMonthlyCapHoldsUnderARace,
} from './referral-suite.ts'

let driver: Driver

beforeEach(() => {
  driver = memoryDriver()
})

describe('referral qualification (better-sqlite3)', () => {
  it('20 concurrent deliveries of the qualifying purchase: one reward and one message per side; the refund reverses once', () =>
    qualificationIsExactlyOnce(driver))
  it('two newcomers racing for the last monthly slot: one qualifies, one is refused for the cap', () =>
    theMonthlyCapHoldsUnderARace(driver))
  it('with the referral messages switched off: both rewards, no push', () =>
    rewardsWithoutMessagesWhenSwitchedOff(driver))
})
