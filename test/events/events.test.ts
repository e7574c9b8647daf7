import Sqlite from 'better-sqlite3'
import { drizzle } from 'drizzle-orm/better-sqlite3'
import { migrate } from 'drizzle-orm/better-sqlite3/migrator'
import { beforeEach, describe, it } from 'vitest'
import { betterSqliteAtomic } from '../../server/src/db/atomic.ts'
import type { Database } from '../../server/src/db/database.ts'
import { MIGRATIONS_DIR } from '../../server/src/db/node-sqlite.ts'
import { schema } from '../../server/src/db/schema.ts'
import {
  aReplayedEventHasOneEffect,
  concurrentRelaysShareTheWork,
  idleSubscribersAreNotClaimed,
  parksAnEventAfterItsRetries,
  retriesAFailingSubscriber,
  subscribersKeepIndependentCursors,
  type Driver,
} from './event-suite.ts'
import { auditedChangesAreAtomic } from './audit-suite.ts'

let driver: Driver

beforeEach(() => {
  const sqlite = new Sqlite(':memory:')
  const db = drizzle(sqlite, { schema })
  migrate(db, { migrationsFolder: MIGRATIONS_DIR })
  driver = {
    db: db as unknown as Database,
    atomic: betterSqliteAtomic(sqlite),
    query: async <T>(sql: string, ...params: unknown[]) =>
      sqlite.prepare(sql).all(...params) as T[],
  }
})

describe('domain event relay (better-sqlite3)', () => {
  it('retries a subscriber that throws, after its backoff, then moves on', () =>
    retriesAFailingSubscriber(driver))
  it('parks an event for staff after the last retry and goes on with the rest', () =>
    parksAnEventAfterItsRetries(driver))
  it('a replayed command records one event; an event handed over twice has one effect', () =>
    aReplayedEventHasOneEffect(driver))
  it('two subscribers keep independent cursors: a failing one holds nothing back', () =>
    subscribersKeepIndependentCursors(driver))
  it('two relays at once hand each event over once', () => concurrentRelaysShareTheWork(driver))
  it('a pass claims only a subscriber with an event of its types ready', () =>
    idleSubscribersAreNotClaimed(driver))
})

describe('staff commands and their audit rows (better-sqlite3)', () => {
  it('with the audit insert failing, neither the change nor the audit row is stored', () =>
    auditedChangesAreAtomic(driver))
})
