import type { SQL } from 'drizzle-orm'
import type { RowRef } from '../domain/unit-of-work.ts'

interface SqlRowRef extends RowRef {
  sql: SQL
}

/** A value computed inside the commit (e.g. `(select max(id) from purchases)` after its insert). */
export function rowRef(expression: SQL): RowRef {
  const ref: SqlRowRef = { rowRef: true, sql: expression }
  return ref
}

export function rowRefSql(ref: RowRef): SQL {
  return (ref as SqlRowRef).sql
}
