import { getTableColumns, getTableName, is, SQL, sql } from 'drizzle-orm'
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core'

/**
 * INSERT … SELECT without naming every column by hand.
 *
 * Batched statements must be lazy query builders on both drivers (`db.run(sql)` runs at once on
 * better-sqlite3), and drizzle's `insert(table).select(…)` lists every column of the table, in
 * order. Writing that select list by hand broke twice when a column was added (the outbox's
 * `aggregation_unit`, `member_rfm.tier_rank`): one value short, and the statement failed. These
 * helpers build the list from the table's own columns: a column the caller does not fill takes
 * its declared default (`.default(…)`), else NULL — and a NOT NULL column with neither is an
 * error when the statement is built, not when it runs.
 */
export type InsertValues<T extends SQLiteTable> = {
  [K in keyof T['$inferInsert']]?: SQL | SQL.Aliased | string | number | boolean | null
}

/** The value each column of `table` gets, in table order. */
function columnValues<T extends SQLiteTable>(
  table: T,
  values: InsertValues<T>,
): { key: string; column: SQLiteColumn; value: SQL }[] {
  const given = values as Record<string, unknown>
  return Object.entries(getTableColumns(table)).map(([key, column]) => {
    if (key in given) return { key, column, value: asSql(given[key]) }
    if (column.default !== undefined) return { key, column, value: asSql(column.default) }
    if (column.notNull && !column.primary) {
      throw new Error(
        `INSERT … SELECT into ${getTableName(table)} leaves NOT NULL column ${column.name} empty`,
      )
    }
    return { key, column, value: sql`NULL` }
  })
}

function asSql(value: unknown): SQL {
  if (is(value, SQL)) return value
  if (is(value, SQL.Aliased)) return value.sql
  if (value === null || value === undefined) return sql`NULL`
  if (typeof value === 'boolean') return sql`${value ? 1 : 0}`
  return sql`${value as string | number}`
}

/**
 * The fields of `db.select(…)` for `db.insert(table).select(db.select(fields).from(…))`: every
 * column of `table` in order, aliased to its column name.
 */
export function insertSelectFields<T extends SQLiteTable>(
  table: T,
  values: InsertValues<T>,
): { [K in keyof T['$inferInsert']]-?: SQL.Aliased } {
  return Object.fromEntries(
    columnValues(table, values).map(({ key, column, value }) => [key, value.as(column.name)]),
  ) as { [K in keyof T['$inferInsert']]-?: SQL.Aliased }
}

/**
 * `SELECT v1, v2, …` over every column of `table` in order, for
 * `db.insert(table).select(sql\`${insertSelectList(table, values)} FROM …\`)`.
 */
export function insertSelectList<T extends SQLiteTable>(table: T, values: InsertValues<T>): SQL {
  return sql`SELECT ${sql.join(
    columnValues(table, values).map(({ value }) => value),
    sql`, `,
  )}`
}
