import Sqlite from 'better-sqlite3'
import { drizzle } from 'drizzle-orm/better-sqlite3'
import { migrate } from 'drizzle-orm/better-sqlite3/migrator'
import { beforeEach, describe, it } from 'vitest'
import { betterSqliteAtomic } from '../../server/src/db/atomic.ts'
import type { Database } from '../../server/src/db/database.ts'
import { MIGRATIONS_DIR } from '../../server/src/db/node-sqlite.ts'
import { schema } from '../../server/src/db/schema.ts'
import type { Driver } from '../events/event-suite.ts'
import {
  broadcastsHonourTheWeeklyCap,
  chunkAcceptedIsRecordedWithTheChunk,
  guardsRefuseARivalsChangeInTheCommit,
  segmentAndBroadcastCommandsAreAtomic,
} from './commands-suite.ts'

let driver: Driver

beforeEach(() => {
  const sqlite = new Sqlite(':memory:')
  sqlite.pragma('foreign_keys = ON')
  const db = drizzle(sqlite, { schema })
  migrate(db, { migrationsFolder: MIGRATIONS_DIR })
  driver = {
    db: db as unknown as Database,
    atomic: betterSqliteAtomic(sqlite),
    query: async <T>(sql: string, ...params: unknown[]) =>
      sqlite.prepare(sql).all(...params) as T[],
  }
})

describe('segment and broadcast commands and their audit rows (better-sqlite3)', () => {
  it('with the audit insert failing, no command stores its change or its audit row', () =>
    segmentAndBroadcastCommandsAreAtomic(driver))
})

describe('guards in the commit (better-sqlite3)', () => {
  it("refuses a command a rival's change overtook, storing nothing of it", () =>
    guardsRefuseARivalsChangeInTheCommit(driver))
})

describe('broadcast.chunk_accepted (better-sqlite3)', () => {
  it('is recorded once per accepted chunk, with the chunk, never without it', () =>
    chunkAcceptedIsRecordedWithTheChunk(driver))
})

describe('the contact policy on broadcasts (better-sqlite3)', () => {
  it('leaves out members at the weekly cap, records them, and counts the send toward the cap', () =>
    broadcastsHonourTheWeeklyCap(driver))
})
