import type Sqlite from 'better-sqlite3'

/**
 * Keeps the connection's most recently used prepared statements, keyed by their SQL text.
 *
 * drizzle's better-sqlite3 session prepares a new statement for every query it runs
 * (`prepareOneTimeQuery`), so SQLite parses and plans the same few hundred SQL texts again on every
 * request: 12 % of the server's busy time under the answers bench (`npm run bench -- answers`
 * with BENCH_CPU_PROF). A statement is reusable once its previous run has finished, so the cache
 * hands back the same one, reset to return plain row objects (drizzle switches a statement to
 * arrays with `raw()` when it maps the columns itself; other callers may have used `pluck()` or
 * `expand()`). A statement still iterating (`busy`) is never handed out twice: that caller gets a
 * fresh one. Bindings are per call in better-sqlite3, so nothing else carries over.
 */
export function cacheStatements(sqlite: Sqlite.Database, capacity = 1_000): void {
  const prepare = sqlite.prepare.bind(sqlite) as (source: string) => Sqlite.Statement
  const cache = new Map<string, Sqlite.Statement>()

  const cached = (source: string): Sqlite.Statement => {
    const hit = cache.get(source)
    if (hit) {
      if (hit.busy) return prepare(source)
      // Most recently used last: Map keeps insertion order, so re-inserting moves it to the end.
      cache.delete(source)
      cache.set(source, hit)
      if (hit.reader) hit.raw(false).pluck(false).expand(false)
      return hit
    }
    const statement = prepare(source)
    cache.set(source, statement)
    if (cache.size > capacity) {
      const oldest = cache.keys().next().value
      if (oldest !== undefined) cache.delete(oldest)
    }
    return statement
  }
  sqlite.prepare = cached as typeof sqlite.prepare
}
