import Sqlite from 'better-sqlite3'
import { sql } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/better-sqlite3'
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core'
import { afterEach, describe, expect, it } from 'vitest'
import { insertSelectFields, insertSelectList } from './insert-select.ts'

// A table like the outbox: an autoincrement ID, a NOT NULL column with a default, nullable
// columns — and `note`, the kind of column that used to break hand-written select lists.
const items = sqliteTable('items', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull(),
  status: text('status').notNull().default('pending'),
  attempts: integer('attempts').notNull().default(0),
  note: text('note'),
})
const sources = sqliteTable('sources', { label: text('label').notNull() })

describe('INSERT … SELECT from the table’s own columns', () => {
  let sqlite: Sqlite.Database
  afterEach(() => sqlite.close())

  function open() {
    sqlite = new Sqlite(':memory:')
    sqlite.exec(`CREATE TABLE items (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL,
      status TEXT NOT NULL DEFAULT 'pending', attempts INTEGER NOT NULL DEFAULT 0, note TEXT);
      CREATE TABLE sources (label TEXT NOT NULL); INSERT INTO sources VALUES ('a'), ('b');`)
    return drizzle(sqlite)
  }

  it('fills unnamed columns with their defaults or NULL (query-builder select)', () => {
    const db = open()
    db.insert(items)
      .select(
        db
          .select(insertSelectFields(items, { name: sql`${sources.label} || '!'`, attempts: 2 }))
          .from(sources),
      )
      .run()
    expect(sqlite.prepare('SELECT * FROM items ORDER BY id').all()).toEqual([
      { id: 1, name: 'a!', status: 'pending', attempts: 2, note: null },
      { id: 2, name: 'b!', status: 'pending', attempts: 2, note: null },
    ])
  })

  it('builds the same list for a raw select over json_each', () => {
    const db = open()
    const rows = JSON.stringify([
      ['x', 'hello'],
      ['y', null],
    ])
    const list = insertSelectList(items, {
      name: sql.raw(`json_extract(v, '$[0]')`),
      note: sql.raw(`json_extract(v, '$[1]')`),
      status: 'sent',
    })
    db.insert(items)
      .select(sql`${list} FROM (SELECT value AS v FROM json_each(${rows})) WHERE true`)
      .run()
    expect(
      sqlite.prepare('SELECT name, status, attempts, note FROM items ORDER BY id').all(),
    ).toEqual([
      { name: 'x', status: 'sent', attempts: 0, note: 'hello' },
      { name: 'y', status: 'sent', attempts: 0, note: null },
    ])
  })

  it('refuses, when built, a NOT NULL column left without a value or default', () => {
    expect(() => insertSelectList(items, { note: 'n' })).toThrow(/items.*NOT NULL column name/)
  })
})
