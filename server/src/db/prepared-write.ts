import { fillPlaceholders } from 'drizzle-orm'
import type { Write } from '../domain/unit-of-work.ts'

/**
 * What drizzle's prepared queries give on both drivers (better-sqlite3: synchronous; D1: promises)
 * and what `batch()` on D1 reads from an item (`_prepare()`, then its query, statement and mapping).
 */
interface PreparedQueryLike {
  run(values?: Record<string, unknown>): unknown
  getQuery(): { sql: string; params: unknown[] }
  mapResult(response: unknown, isFromBatch?: boolean): unknown
}

/**
 * A write for one atomic commit whose SQL drizzle built once: `prepare()` a builder with
 * `sql.placeholder(...)` values, then each call binds them. Hot paths (a purchase, a follow)
 * commit the same statements thousands of times; a plain builder rebuilds the SQL text every time.
 *
 * The result is run by either `Atomic`: better-sqlite3's transaction calls `run()`; D1's
 * `batch()` calls `_prepare()` and binds the query's parameters to its prepared statement, so the
 * placeholders are filled in here (drizzle's own D1 batch binds a prepared query's parameters as
 * they are, which only works without placeholders).
 */
export function preparedWrite<Values extends Record<string, unknown>>(builder: {
  prepare(): unknown
}): (values: Values) => Write {
  const prepared = builder.prepare() as PreparedQueryLike & { stmt?: unknown }
  const query = prepared.getQuery()
  return (values) => ({
    run: () => prepared.run(values),
    _prepare: () => ({
      stmt: prepared.stmt,
      getQuery: () => ({ sql: query.sql, params: fillPlaceholders(query.params, values) }),
      mapResult: (response: unknown, isFromBatch?: boolean) =>
        prepared.mapResult(response, isFromBatch),
    }),
  })
}
