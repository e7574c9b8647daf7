import type Sqlite from 'better-sqlite3'
import { SQLiteSyncDialect } from 'drizzle-orm/sqlite-core'
import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import { changedSummaryRows, purchaseMemberSpan, summaryWrite, summaryWriteSql } from './rfm.ts'

const dialect = new SQLiteSyncDialect()

/**
 * A write transaction lasts about this long before the thread is yielded (requests run between
 * them): time, not a row count, since a row costs ten times more on a busy or slow machine.
 */
const WRITE_SLICE_MS = 4

type Row = (number | null)[]

/** A connection in a worker thread that answers read-only queries. */
class Reader {
  private readonly worker: Worker
  private next = 0
  private readonly waiting = new Map<
    number,
    { resolve: (rows: Row[]) => void; reject: (error: Error) => void }
  >()

  constructor(path: string) {
    this.worker = new Worker(new URL('../read-worker.mjs', import.meta.url), {
      workerData: { path },
      // Plain JavaScript: not the parent's loaders (under tsx they cost ~0.3 s per thread).
      execArgv: [],
    })
    this.worker.on('message', (m: { id: number; rows?: Row[]; error?: string }) => {
      const waiter = this.waiting.get(m.id)
      this.waiting.delete(m.id)
      if (m.error !== undefined) waiter?.reject(new Error(m.error))
      else waiter?.resolve(m.rows ?? [])
    })
    this.worker.on('error', (error) => {
      for (const w of this.waiting.values()) w.reject(error)
      this.waiting.clear()
    })
  }

  all(query: { sql: string; params: unknown[] }): Promise<Row[]> {
    const id = this.next++
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject })
      this.worker.postMessage({ id, sql: query.sql, params: query.params })
    })
  }

  async close(): Promise<void> {
    await this.worker.terminate()
  }
}

/**
 * The full summary rebuild on Node: every member's figures are re-aggregated from all completed
 * purchases by worker threads (one read connection each, ranges of member IDs shared out, so both
 * cores work and the request thread never runs the multi-second aggregate), and only rows whose
 * figures changed are written, on this connection, in short transactions between which requests
 * run. A row a purchase or refund changed after the workers read it is left alone (its own batch
 * already wrote the exact figures). `path` is the database file (WAL) `sqlite` has open.
 * Returns how many rows were rewritten.
 */
export async function rebuildMemberRfmInThreads(
  sqlite: Sqlite.Database,
  path: string,
  windowStart: number,
  now: number,
  options: { threads?: number } = {},
): Promise<number> {
  const span = sqlite.prepare(dialect.sqlToQuery(purchaseMemberSpan).sql)
  const { lo, hi } = span.get() as { lo: number | null; hi: number | null }
  if (lo === null || hi === null) return 0
  // One more thread than cores keeps every core reading while this thread writes.
  const threads = Math.max(1, options.threads ?? Math.min(4, availableParallelism() + 1))
  // Many more ranges than threads, so a thread that finishes early takes another (purchases are
  // not spread evenly over member IDs: with 4 ranges a thread, one thread did most of the work).
  const rangeCount = threads * 32
  const step = Math.ceil((hi - lo + 1) / rangeCount)
  const ranges: { from: number; to: number }[] = []
  for (let from = lo; from <= hi; from += step) ranges.push({ from, to: from + step })

  const writes = new Map<'all' | number, Sqlite.Statement>()
  const statement = (kind: 'all' | number) => {
    let prepared = writes.get(kind)
    if (!prepared) writes.set(kind, (prepared = sqlite.prepare(summaryWriteSql(kind))))
    return prepared
  }
  let written = 0
  /** Writes rows from `start` until the slice's time is up; returns where it stopped. */
  const writeSlice = sqlite.transaction((rows: Row[], start: number) => {
    const until = performance.now() + WRITE_SLICE_MS
    let i = start
    while (i < rows.length) {
      const { kind, params } = summaryWrite(rows[i] as Row, now)
      written += statement(kind).run(...params).changes
      i++
      if (performance.now() >= until) break
    }
    return i
  })
  let writing = Promise.resolve()
  const apply = (rows: Row[]) => {
    writing = writing.then(async () => {
      for (let i = 0; i < rows.length; ) {
        i = writeSlice(rows, i)
        await new Promise((resolve) => setImmediate(resolve))
      }
    })
    // Handled here so a failed write is not an unhandled rejection; awaited (and thrown) below.
    writing.catch(() => undefined)
  }

  const readers = Array.from({ length: Math.min(threads, ranges.length) }, () => new Reader(path))
  try {
    let nextRange = 0
    await Promise.all(
      readers.map(async (reader) => {
        for (;;) {
          const range = ranges[nextRange++]
          if (!range) return
          apply(await reader.all(dialect.sqlToQuery(changedSummaryRows(windowStart, now, range))))
        }
      }),
    )
    await writing
  } finally {
    await Promise.all(readers.map((r) => r.close()))
  }
  return written
}
