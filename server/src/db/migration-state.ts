import { sql } from 'drizzle-orm'
import journal from '../../migrations/meta/_journal.json' with { type: 'json' }
import type { Database } from './database.ts'

/** The migrations this build ships (server/migrations, in order). */
export const SHIPPED_MIGRATIONS: readonly { tag: string; when: number }[] = journal.entries.map(
  (e) => ({ tag: e.tag, when: e.when }),
)

/**
 * Which shipped migrations the database has: on Node drizzle's migrator records each as a row in
 * `__drizzle_migrations` (it applies everything newer than the latest `created_at`); on D1
 * `wrangler d1 migrations apply` records the file names in `d1_migrations`.
 */
export async function appliedMigrations(db: Database): Promise<Set<string>> {
  const tables = (await db.all(
    sql`SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('d1_migrations', '__drizzle_migrations')`,
  )) as { name: string }[]
  const names = new Set(tables.map((t) => t.name))
  const applied = new Set<string>()
  if (names.has('d1_migrations')) {
    const rows = (await db.all(sql`SELECT name FROM d1_migrations`)) as { name: string }[]
    for (const row of rows) applied.add(row.name.replace(/\.sql$/, ''))
  }
  if (names.has('__drizzle_migrations')) {
    const rows = (await db.all(
      sql`SELECT max(created_at) AS latest FROM __drizzle_migrations`,
    )) as { latest: number | null }[]
    const latest = Number(rows[0]?.latest ?? 0)
    for (const m of SHIPPED_MIGRATIONS) if (m.when <= latest) applied.add(m.tag)
  }
  return applied
}
