import { drizzle } from 'drizzle-orm/d1'
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest'
import { d1Atomic } from '../../server/src/db/atomic.ts'
import type { Database } from '../../server/src/db/database.ts'
import { schema } from '../../server/src/db/schema.ts'
import type { Driver } from '../events/event-suite.ts'
import {
  buildWorkerBundle,
  startLocalWorker,
  type LocalWorker,
  type WorkerBundle,
} from './local-worker.ts'

/** A suite driver over a local worker's D1 binding. */
export function d1DriverOf(worker: LocalWorker): Driver {
  const db = drizzle(worker.db as never, { schema })
  const { query } = worker
  return {
    db: db as unknown as Database,
    atomic: d1Atomic(db),
    query: (sql, ...params) => query(sql, ...params),
  }
}

/**
 * Registers the hooks for a file whose scenarios each get a fresh workerd + local D1 (one worker
 * bundle for the file); returns the current scenario's driver.
 */
export function useFreshD1(timeoutMs: number): () => Driver {
  let bundle: WorkerBundle | undefined
  let worker: LocalWorker | undefined
  beforeAll(async () => {
    bundle = await buildWorkerBundle()
  }, timeoutMs)
  afterAll(async () => {
    await bundle?.dispose()
  })
  beforeEach(async () => {
    if (!bundle) throw new Error('no bundle')
    worker = await startLocalWorker({ bundle, vars: {} })
  }, timeoutMs)
  afterEach(async () => {
    await worker?.dispose()
    worker = undefined
  })
  return () => {
    if (!worker) throw new Error('no worker')
    return d1DriverOf(worker)
  }
}
