import { beforeEach, describe, it } from 'vitest'
import type { Driver } from '../events/event-suite.ts'
import { memoryDriver } from '../support/memory-db.ts'
import {
  couponCommandsCommitWithTheirAudit,
  couponEventsAreRecordedOnce,
  loyaltyCommandsCommitWithTheirAudit,
  pointsEventsFollowTheLedger,
  purchaseEventsAreRecordedOnce,
  refundEventIsRecordedOnce,
  tierChangesAreRecordedOnce,
} from './loyalty-events-suite.ts'

let driver: Driver

beforeEach(() => {
  driver = memoryDriver()
})

describe('loyalty and coupon commands and their audit rows (better-sqlite3)', () => {
  it('loyalty: with the audit insert failing, neither the change nor the audit row is stored', () =>
    loyaltyCommandsCommitWithTheirAudit(driver))
  it('coupons: with the audit insert failing, neither the change nor the audit row is stored', () =>
    couponCommandsCommitWithTheirAudit(driver))
})

describe('loyalty and coupon domain events (better-sqlite3)', () => {
  it('purchase.recorded and points.granted: with the purchase, once under a replay, not on failure', () =>
    purchaseEventsAreRecordedOnce(driver))
  it('purchase.refunded: with the refund, once when repeated, not when refused', () =>
    refundEventIsRecordedOnce(driver))
  it('points.granted / spent / expired: with the ledger change, once per lot, not on failure', () =>
    pointsEventsFollowTheLedger(driver))
  it('tier.changed: only on an actual change, once under concurrent recomputes, not on failure', () =>
    tierChangesAreRecordedOnce(driver))
  it('coupon.issued, coupon.redeemed and the exchange: once under replays and races, not on failure', () =>
    couponEventsAreRecordedOnce(driver))
})
