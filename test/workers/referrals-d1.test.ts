import { drizzle } from 'drizzle-orm/d1'
import { afterAll, afterEach, beforeAll, beforeEach, describe, it } from 'vitest'
import { d1Atomic } from '../../server/src/db/atomic.ts'
import type { Database } from '../../server/src/db/database.ts'
import { schema } from '../../server/src/db/schema.ts'
import type { Driver } from '../events/event-suite.ts'
import {
  qualificationIsExactlyOnce,
  rewardsWithoutMessagesWhenSwitchedOff,
  theMonthlyCapHoldsUnderARace,
} from '../referrals/referral-suite.ts'
import {
  buildWorkerBundle,
  startLocalWorker,
  type LocalWorker,
  type WorkerBundle,
} from './local-worker.ts'

/**
 * The referral program's qualification on workerd's local D1: the conditional UPDATE, its guard
 * (changes() of the previous statement in the batch) and the rewards' UNIQUE keys make
 * concurrent qualification attempts issue once, as on better-sqlite3.
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
