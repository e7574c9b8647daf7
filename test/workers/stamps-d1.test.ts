import { drizzle } from 'drizzle-orm/d1'
import { afterAll, afterEach, beforeAll, beforeEach, describe, it } from 'vitest'
import { d1Atomic } from '../../server/src/db/atomic.ts'
import type { Database } from '../../server/src/db/database.ts'
import { schema } from '../../server/src/db/schema.ts'
import type { Driver } from '../events/event-suite.ts'
import {
  stampsFollowPurchasesExactlyOnce,
  stampsPerYenAndRewardsOverTheLimit,
} from '../stamps/stamps-suite.ts'
import {
  buildWorkerBundle,
  startLocalWorker,
  type LocalWorker,
  type WorkerBundle,
} from './local-worker.ts'

/**
 * The stamp card on workerd's local D1: the same suite as on better-sqlite3 (UNIQUE dedupe keys,
 * insert … select … on conflict, the reward coupon and its ledger row in one D1 batch).
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
