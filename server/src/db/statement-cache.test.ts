import Sqlite from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { cacheStatements } from './statement-cache.ts'

describe('cacheStatements', () => {
  let sqlite: Sqlite.Database
  afterEach(() => sqlite.close())

  function open(capacity?: number) {
    sqlite = new Sqlite(':memory:')
    cacheStatements(sqlite, capacity)
    sqlite.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)')
    sqlite.prepare('INSERT INTO t (name) VALUES (?), (?), (?)').run('a', 'b', 'c')
  }

  it('hands back the same statement for the same SQL, reset to row objects', () => {
    open()
    const first = sqlite.prepare('SELECT id, name FROM t ORDER BY id')
    expect(first.raw().all()).toEqual([
      [1, 'a'],
      [2, 'b'],
      [3, 'c'],
    ])
    const again = sqlite.prepare('SELECT id, name FROM t ORDER BY id')
    expect(again).toBe(first)
    expect(again.get()).toEqual({ id: 1, name: 'a' })
    again.pluck()
    expect(sqlite.prepare('SELECT id, name FROM t ORDER BY id').all()).toHaveLength(3)
    expect(sqlite.prepare('SELECT id, name FROM t ORDER BY id').get()).toEqual({ id: 1, name: 'a' })
  })

  it('gives a caller a fresh statement while the cached one is still iterating', () => {
    open()
    const sql = 'SELECT name FROM t ORDER BY id'
    const outer = sqlite.prepare(sql)
    const seen: string[] = []
    for (const row of outer.iterate() as IterableIterator<{ name: string }>) {
      const inner = sqlite.prepare(sql)
      expect(inner).not.toBe(outer)
      seen.push(`${row.name}:${(inner.all() as { name: string }[]).length}`)
    }
    expect(seen).toEqual(['a:3', 'b:3', 'c:3'])
  })

  it('keeps bindings per call and writes through', () => {
    open()
    const insert = 'INSERT INTO t (name) VALUES (?)'
    sqlite.prepare(insert).run('d')
    sqlite.prepare(insert).run('e')
    expect(sqlite.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 5 })
    expect(sqlite.prepare('SELECT name FROM t WHERE id = ?').get(5)).toEqual({ name: 'e' })
  })

  it('forgets the least recently used statement beyond its capacity', () => {
    open(2)
    const a = sqlite.prepare('SELECT 1 AS one')
    const b = sqlite.prepare('SELECT 2 AS two')
    expect(sqlite.prepare('SELECT 1 AS one')).toBe(a)
    sqlite.prepare('SELECT 3 AS three')
    expect(sqlite.prepare('SELECT 1 AS one')).toBe(a)
    expect(sqlite.prepare('SELECT 2 AS two')).not.toBe(b)
  })
})
