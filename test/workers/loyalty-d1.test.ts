import { drizzle } from 'drizzle-orm/d1'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { d1Atomic } from '../../server/src/db/atomic.ts'
import type { Database } from '../../server/src/db/database.ts'
import { schema } from '../../server/src/db/schema.ts'
import { concurrentSpends, fifoProperty } from '../loyalty/ledger-suite.ts'
import {
  buildWorkerBundle,
  startLocalWorker,
  type LocalWorker,
  type WorkerBundle,
} from './local-worker.ts'

/**
 * The ledger suite on workerd's local D1 (the same SQLite D1 runs in production, reached through
 * Miniflare's binding): batches are D1 transactions and the CHECKs fail them there too.
 */

const TIMEOUT = 120_000
let bundle: WorkerBundle | undefined
let worker: LocalWorker | undefined

beforeAll(async () => {
  bundle = await buildWorkerBundle()
  worker = await startLocalWorker({ bundle, vars: {} })
  await worker.db
    .prepare(
      `insert into members (line_user_id, member_number, follow_state, follow_state_at, created_at, updated_at)
       values ('U00000000000000000000000000000001', '1000000001', 'following', 1, 1, 1),
              ('U00000000000000000000000000000002', '1000000002', 'following', 1, 1, 1)`,
    )
    .run()
}, TIMEOUT)

afterAll(async () => {
  await worker?.dispose()
  await bundle?.dispose()
})

function d1() {
  if (!worker) throw new Error('no worker')
  const db = drizzle(worker.db as never, { schema })
  return { db: db as unknown as Database, atomic: d1Atomic(db) }
}

describe('points ledger (workerd + local D1)', () => {
  it(
    '20 concurrent spends against a balance for 5: exactly 5 succeed, never negative',
    async () => {
      const { db, atomic } = d1()
      await concurrentSpends(db, atomic, 1)
      const rows = await worker!.query<{ n: number }>(
        "select count(*) as n from point_ledger where kind = 'redeem' and member_id = 1",
      )
      expect(rows[0]?.n).toBe(5)
    },
    TIMEOUT,
  )

  it(
    'FIFO expiry property holds over 120 random steps',
    async () => {
      const { db, atomic } = d1()
      await fifoProperty(db, atomic, 2, 7, 120)
    },
    TIMEOUT,
  )
})
