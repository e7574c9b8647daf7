import Sqlite from 'better-sqlite3'
import { drizzle } from 'drizzle-orm/better-sqlite3'
import { migrate } from 'drizzle-orm/better-sqlite3/migrator'
import { betterSqliteAtomic } from '../../server/src/db/atomic.ts'
import type { Database } from '../../server/src/db/database.ts'
import { MIGRATIONS_DIR } from '../../server/src/db/node-sqlite.ts'
import { schema } from '../../server/src/db/schema.ts'
import type { Driver } from '../events/event-suite.ts'

/** A migrated in-memory database, for repository tests that need no server. */
export function memoryDatabase() {
  const sqlite = new Sqlite(':memory:')
  sqlite.pragma('foreign_keys = ON')
  const db = drizzle(sqlite, { schema })
  migrate(db, { migrationsFolder: MIGRATIONS_DIR })
  return { sqlite, db: db as Database, atomic: betterSqliteAtomic(sqlite) }
}

/** A fresh migrated in-memory database as a suite driver (see test/events/event-suite.ts). */
export function memoryDriver(): Driver {
  const { sqlite, db, atomic } = memoryDatabase()
  return {
    db,
    atomic,
    query: async <T>(sql: string, ...params: unknown[]) =>
      sqlite.prepare(sql).all(...params) as T[],
  }
}
