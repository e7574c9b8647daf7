import { drizzle } from 'drizzle-orm/d1'
import { afterAll, afterEach, beforeAll, beforeEach, describe, it } from 'vitest'
import { d1Atomic } from '../../server/src/db/atomic.ts'
import type { Database } from '../../server/src/db/database.ts'
import { schema } from '../../server/src/db/schema.ts'
import type { Driver } from '../events/event-suite.ts'
import {
  couponCommandsCommitWithTheirAudit,
  couponEventsAreRecordedOnce,
  loyaltyCommandsCommitWithTheirAudit,
  pointsEventsFollowTheLedger,
  purchaseEventsAreRecordedOnce,
  refundEventIsRecordedOnce,
  tierChangesAreRecordedOnce,
} from '../loyalty/loyalty-events-suite.ts'
import {
  buildWorkerBundle,
  startLocalWorker,
  type LocalWorker,
  type WorkerBundle,
} from './local-worker.ts'

/**
 * Loyalty and coupon commands with their audit rows and events on workerd's local D1: batches
 * are D1 transactions, and `changes()` after a conditional write decides the audit row and the
 * event there as on better-sqlite3. Each scenario gets a fresh database.
 */

const TIMEOUT = 120_000
let bundle: WorkerBundle | undefined
let worker: LocalWorker | undefined

beforeAll(async () => {
  bundle = await buildWorkerBundle()
}, TIMEOUT)

afterAll(async () => {
  await bundle?.dispose()
})

beforeEach(async () => {
  if (!bundle) throw new Error('no bundle')
  worker = await startLocalWorker({ bundle, vars: {} })
}, TIMEOUT)

afterEach(async () => {
  await worker?.dispose()
  worker = undefined
})

function d1(): Driver {
  if (!worker) throw new Error('no worker')
  const db = drizzle(worker.db as never, { schema })
  const { query } = worker
  return {
    db: db as unknown as Database,
    atomic: d1Atomic(db),
    query: (sql, ...params) => query(sql, ...params),
  }
}

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
