import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core'
import type { schema } from './schema.ts'

/**
 * The database as repositories see it: drizzle over SQLite, whichever driver. better-sqlite3
 * builders run synchronously and D1's asynchronously; awaiting a builder works on both.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- 'sync' | 'async' and their run results differ per driver
export type Database = BaseSQLiteDatabase<any, any, typeof schema>
