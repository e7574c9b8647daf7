import { drizzle } from 'drizzle-orm/d1'
import { afterAll, afterEach, beforeAll, beforeEach, describe, it } from 'vitest'
import { d1Atomic } from '../../server/src/db/atomic.ts'
import type { Database } from '../../server/src/db/database.ts'
import { schema } from '../../server/src/db/schema.ts'
import type { Driver } from '../events/event-suite.ts'
import {
  everyFieldOnTheHandBuiltShop,
  rebuildReproducesTheRollups,
  rollupsEqualRecomputationAfterRandomEvents,
} from '../kpis/kpi-suite.ts'
import {
  buildWorkerBundle,
  startLocalWorker,
  type LocalWorker,
  type WorkerBundle,
} from './local-worker.ts'

/**
 * The KPI definitions and rollups on workerd's local D1: the same hand-built shop and the same
 * property as on better-sqlite3 (test/kpis/kpis.test.ts). Each scenario gets a fresh database.
 */

const TIMEOUT = 180_000
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

describe('KPIs (workerd + local D1)', () => {
  it(
    'every field on the hand-built shop: JST day and month edges, refunds, blocked members',
    () => everyFieldOnTheHandBuiltShop(d1()),
    TIMEOUT,
  )
  it(
    'the rebuild reproduces the rollups the subscriber keeps',
    () => rebuildReproducesTheRollups(d1()),
    TIMEOUT,
  )
  it(
    'rollups equal a full recomputation after random event sequences',
    () => rollupsEqualRecomputationAfterRandomEvents(d1(), [1, 2, 3]),
    TIMEOUT,
  )
})
