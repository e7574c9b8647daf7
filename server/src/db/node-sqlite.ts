import Sqlite from 'better-sqlite3'
import { drizzle } from 'drizzle-orm/better-sqlite3'
import { migrate } from 'drizzle-orm/better-sqlite3/migrator'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { Database } from './database.ts'
import { schema } from './schema.ts'
import { cacheStatements } from './statement-cache.ts'

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations', import.meta.url))

export interface NodeDatabase {
  db: Database
  sqlite: Sqlite.Database
  close(): Promise<void>
}

/**
 * Opens the SQLite file in WAL mode and applies pending migrations. Checkpoints run on a second
 * connection in a worker thread, so copying the WAL back never blocks a request on this thread.
 */
export function openNodeDatabase(
  path: string,
  options: { checkpointEveryMs?: number } = {},
): NodeDatabase {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
  const sqlite = new Sqlite(path)
  sqlite.pragma('journal_mode = WAL')
  sqlite.pragma('synchronous = NORMAL')
  sqlite.pragma('busy_timeout = 5000')
  sqlite.pragma('foreign_keys = ON')
  // 64 MiB of page cache instead of SQLite's 2 MiB: segment counts and the daily summary rebuild
  // walk indexes of a million members (measured ~1.5× faster writes in the rebuild).
  sqlite.pragma('cache_size = -65536')
  cacheStatements(sqlite)
  const db = drizzle(sqlite, { schema })
  migrate(db, { migrationsFolder: MIGRATIONS_DIR })

  let checkpointer: Worker | null = null
  if (path !== ':memory:' && options.checkpointEveryMs !== 0) {
    sqlite.pragma('wal_autocheckpoint = 0')
    checkpointer = new Worker(new URL('./checkpoint-worker.mjs', import.meta.url), {
      workerData: { path, everyMs: options.checkpointEveryMs ?? 1_000 },
    })
    checkpointer.unref()
  }

  return {
    db,
    sqlite,
    async close() {
      if (checkpointer) await checkpointer.terminate()
      sqlite.pragma('wal_checkpoint(TRUNCATE)')
      sqlite.close()
    },
  }
}
