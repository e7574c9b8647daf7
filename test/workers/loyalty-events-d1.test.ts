import { describe, it } from 'vitest'
import {
  couponCommandsCommitWithTheirAudit,
  couponEventsAreRecordedOnce,
  loyaltyCommandsCommitWithTheirAudit,
  pointsEventsFollowTheLedger,
  purchaseEventsAreRecordedOnce,
  refundEventIsRecordedOnce,
  tierChangesAreRecordedOnce,
} from '../loyalty/loyalty-events-suite.ts'
import { useFreshD1 } from './d1-driver.ts'

/**
 * Loyalty and coupon commands with their audit rows and events on workerd's local D1: batches
 * are D1 transactions, and `changes()` after a conditional write decides the audit row and the
 * event there as on better-sqlite3. Each scenario gets a fresh database.
 */

const TIMEOUT = 120_000
const d1 = useFreshD1(TIMEOUT)

describe('loyalty and coupon commands and their audit rows (workerd + local D1)', () => {
  it(
    'loyalty: with the audit insert failing, neither the change nor the audit row is stored',
    () => loyaltyCommandsCommitWithTheirAudit(d1()),
    TIMEOUT,
  )
  it(
    'coupons: with the audit insert failing, neither the change nor the audit row is stored',
    () => couponCommandsCommitWithTheirAudit(d1()),
    TIMEOUT,
  )
})

describe('loyalty and coupon domain events (workerd + local D1)', () => {
  it(
    'purchase.recorded and points.granted: with the purchase, once under a replay, not on failure',
    () => purchaseEventsAreRecordedOnce(d1()),
    TIMEOUT,
  )
  it(
    'purchase.refunded: with the refund, once when repeated, not when refused',
    () => refundEventIsRecordedOnce(d1()),
    TIMEOUT,
  )
  it(
    'points.granted / spent / expired: with the ledger change, once per lot, not on failure',
    () => pointsEventsFollowTheLedger(d1()),
    TIMEOUT,
  )
  it(
    'tier.changed: only on an actual change, once under concurrent recomputes, not on failure',
    () => tierChangesAreRecordedOnce(d1()),
    TIMEOUT,
  )
  it(
    'coupon.issued, coupon.redeemed and the exchange: once under replays and races, not on failure',
    () => couponEventsAreRecordedOnce(d1()),
    TIMEOUT,
  )
})
