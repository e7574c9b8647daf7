import { afterAll, beforeAll, beforeEach, describe, it } from 'vitest'
import { auditedChangesAreAtomic } from '../events/audit-suite.ts'
import {
  aReplayedEventHasOneEffect,
  concurrentRelaysShareTheWork,
  idleSubscribersAreNotClaimed,
  parksAnEventAfterItsRetries,
  retriesAFailingSubscriber,
  subscribersKeepIndependentCursors,
  type Driver,
} from '../events/event-suite.ts'
import {
  buildWorkerBundle,
  startLocalWorker,
  type LocalWorker,
  type WorkerBundle,
} from './local-worker.ts'
import { d1DriverOf } from './d1-driver.ts'

/**
 * The domain event relay and atomic audit rows on workerd's local D1: batches are D1
 * transactions, `changes()` and `last_insert_rowid()` behave as on better-sqlite3.
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

// One database for the file: each scenario starts from empty event and audit tables.
beforeEach(async () => {
  for (const table of [
    'domain_events',
    'event_cursors',
    'event_failures',
    'event_handled_in_reply',
    'audit_log',
    'member_notes',
    'member_tags',
    'tags',
    'members',
    'settings',
  ])
    await worker!.db.prepare(`delete from ${table}`).run()
}, TIMEOUT)

function d1(): Driver {
  if (!worker) throw new Error('no worker')
  return d1DriverOf(worker)
}

describe('domain event relay (workerd + local D1)', () => {
  it(
    'retries a subscriber that throws, after its backoff',
    () => retriesAFailingSubscriber(d1()),
    TIMEOUT,
  )
  it('parks an event after the last retry', () => parksAnEventAfterItsRetries(d1()), TIMEOUT)
  it('a replayed event has one effect', () => aReplayedEventHasOneEffect(d1()), TIMEOUT)
  it(
    'two subscribers keep independent cursors',
    () => subscribersKeepIndependentCursors(d1()),
    TIMEOUT,
  )
  it(
    'two relays at once hand each event over once',
    () => concurrentRelaysShareTheWork(d1()),
    TIMEOUT,
  )
  it(
    'a pass claims only a subscriber with an event of its types ready',
    () => idleSubscribersAreNotClaimed(d1()),
    TIMEOUT,
  )
})

describe('staff commands and their audit rows (workerd + local D1)', () => {
  it(
    'with the audit insert failing, neither the change nor the audit row is stored',
    () => auditedChangesAreAtomic(d1()),
    TIMEOUT,
  )
})
