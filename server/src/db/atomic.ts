import type { BatchItem } from 'drizzle-orm/batch'
import type Sqlite from 'better-sqlite3'

/**
 * Statements that must succeed or fail together (see ARCHITECTURE.md: `db.transaction()` cannot be
 * shared code). Each statement is a drizzle builder; make a batch fail by a constraint (CHECK,
 * UNIQUE, NOT NULL): the first failing statement rolls back every statement before it.
 */
export type Atomic = (statements: [BatchItem<'sqlite'>, ...BatchItem<'sqlite'>[]]) => Promise<void>

/** better-sqlite3: a synchronous transaction; drizzle's builders run synchronously with `.run()`. */
export function betterSqliteAtomic(sqlite: Sqlite.Database): Atomic {
  return async (statements) => {
    sqlite.transaction(() => {
      for (const statement of statements) (statement as unknown as { run(): unknown }).run()
    })()
  }
}

/** D1: `batch()` runs the statements as one transaction. */
export function d1Atomic(db: {
  batch(statements: [BatchItem<'sqlite'>, ...BatchItem<'sqlite'>[]]): Promise<unknown>
}): Atomic {
  return async (statements) => {
    await db.batch(statements)
  }
}
