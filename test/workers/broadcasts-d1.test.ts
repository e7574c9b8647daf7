import { afterAll, beforeAll, beforeEach, describe, it } from 'vitest'
import {
  broadcastsHonourTheWeeklyCap,
  chunkAcceptedIsRecordedWithTheChunk,
  guardsRefuseARivalsChangeInTheCommit,
  segmentAndBroadcastCommandsAreAtomic,
} from '../broadcasts/commands-suite.ts'
import type { Driver } from '../events/event-suite.ts'
import {
  buildWorkerBundle,
  startLocalWorker,
  type LocalWorker,
  type WorkerBundle,
} from './local-worker.ts'
import { d1DriverOf } from './d1-driver.ts'

/**
 * Segment and broadcast commands with their audit rows, and the broadcast engine's
 * `broadcast.chunk_accepted` event, on workerd's local D1 (batches are D1 transactions).
 */

const TIMEOUT = 120_000
let bundle: WorkerBundle | undefined
let worker: LocalWorker | undefined

beforeAll(async () => {
  bundle = await buildWorkerBundle()
  worker = await startLocalWorker({ bundle, vars: {} })
}, TIMEOUT)

afterAll(async () => {
  await worker?.dispose()
  await bundle?.dispose()
})

// One database for the file: each scenario starts from empty tables (children first).
beforeEach(async () => {
  for (const trigger of ['audit_down', 'recipients_down'])
    await worker!.db.prepare(`drop trigger if exists ${trigger}`).run()
  for (const table of [
    'domain_events',
    'audit_log',
    'marketing_contacts',
    'broadcast_skips',
    'broadcast_chunks',
    'broadcast_recipients',
    'broadcasts',
    'segments',
    'member_rfm',
    'member_profiles',
    'members',
    'staff',
  ])
    await worker!.db.prepare(`delete from ${table}`).run()
}, TIMEOUT)

function d1(): Driver {
  if (!worker) throw new Error('no worker')
  return d1DriverOf(worker)
}

describe('segment and broadcast commands and their audit rows (workerd + local D1)', () => {
  it(
    'with the audit insert failing, no command stores its change or its audit row',
    () => segmentAndBroadcastCommandsAreAtomic(d1()),
    TIMEOUT,
  )
})

describe('guards in the commit (workerd + local D1)', () => {
  it(
    "refuses a command a rival's change overtook, storing nothing of it",
    () => guardsRefuseARivalsChangeInTheCommit(d1()),
    TIMEOUT,
  )
})

describe('broadcast.chunk_accepted (workerd + local D1)', () => {
  it(
    'is recorded once per accepted chunk, with the chunk, never without it',
    () => chunkAcceptedIsRecordedWithTheChunk(d1()),
    TIMEOUT,
  )
})

describe('the contact policy on broadcasts (workerd + local D1)', () => {
  it(
    'leaves out members at the weekly cap, records them, and counts the send toward the cap',
    () => broadcastsHonourTheWeeklyCap(d1()),
    TIMEOUT,
  )
})
