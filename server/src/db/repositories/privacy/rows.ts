import { sql, type SQL } from 'drizzle-orm'
import type { ExportRow } from '@joren/shared'
import type { Database } from '../../database.ts'

/** Epoch ms → ISO 8601 (UTC) in SQL, for exports people read. */
export const iso = (column: string): SQL =>
  sql.raw(
    `CASE WHEN ${column} IS NULL THEN NULL ELSE strftime('%Y-%m-%dT%H:%M:%fZ', ${column} / 1000.0, 'unixepoch') END`,
  )

/** Raw rows of an export query, as they come. */
export const allRows =
  (db: Database) =>
  async (q: SQL): Promise<ExportRow[]> =>
    (await db.all(q)) as ExportRow[]
