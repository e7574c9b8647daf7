import { SQLiteSyncDialect } from 'drizzle-orm/sqlite-core'
import { sql } from 'drizzle-orm'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { Database } from '../../server/src/db/database.ts'
import { openNodeDatabase, type NodeDatabase } from '../../server/src/db/node-sqlite.ts'
import {
  changedSummaryRows,
  memberRfmStatement,
  rebuildMemberRfm,
  summaryWrite,
  summaryWriteSql,
} from '../../server/src/db/segments/rfm.ts'
import { rebuildMemberRfmInThreads } from '../../server/src/db/segments/rfm-threads.ts'
import { monthsBefore } from '../../server/src/domain/loyalty/dates.ts'
import { memoryDatabase } from '../support/memory-db.ts'
import { checkSummaryCopies, NOW, seedSegmentWorld, TZ } from './rules-suite.ts'

const DAY = 86_400_000
const FIGURES =
  sql.raw(`member_id, first_purchase_at, last_purchase_at, purchase_count, spend_total_yen,
  purchase_count_12m, spend_12m_yen, purchase_count_30d, spend_30d_yen, purchase_count_90d, spend_90d_yen,
  purchase_count_180d, spend_180d_yen, purchase_count_365d, spend_365d_yen`)

const summary = (db: Database) =>
  db.all<Record<string, number | null>>(sql`SELECT ${FIGURES} FROM member_rfm ORDER BY member_id`)

describe('the segment summary row of every member', () => {
  it('exists for every member, with the tier and the reachable flag kept by triggers', async () => {
    const { db } = memoryDatabase()
    await seedSegmentWorld(db)
    await checkSummaryCopies(db)
  })
})

describe('the full summary rebuild', () => {
  let node: NodeDatabase | null = null
  let dir: string | null = null
  afterEach(async () => {
    await node?.close()
    if (dir) rmSync(dir, { recursive: true, force: true })
    node = null
    dir = null
  })

  async function fileWorld() {
    dir = mkdtempSync(join(tmpdir(), 'joren-summary-'))
    const path = join(dir, 'joren.db')
    node = openNodeDatabase(path, { checkpointEveryMs: 0 })
    await seedSegmentWorld(node.db)
    return { path, db: node.db, sqlite: node.sqlite }
  }

  /** What each member's own purchase statement computes: the exact figures. */
  async function exact(db: Database, now: number) {
    for (const id of [1, 2, 3, 4, 5, 6])
      await memberRfmStatement(db, id, monthsBefore(now, 12, TZ), now)
    return summary(db)
  }

  it('in worker threads repairs a stale summary and ages the windows, writing only what changed', async () => {
    const { path, db, sqlite } = await fileWorld()
    const fresh = await summary(db)
    await db.run(
      sql`UPDATE member_rfm SET last_purchase_at = NULL, purchase_count = 0, spend_12m_yen = 7, purchase_count_30d = 9 WHERE member_id IN (1, 3)`,
    )
    expect(await rebuildMemberRfmInThreads(sqlite, path, monthsBefore(NOW, 12, TZ), NOW)).toBe(2)
    expect(await summary(db)).toEqual(fresh)
    // Nothing changed since: nothing is written.
    expect(await rebuildMemberRfmInThreads(sqlite, path, monthsBefore(NOW, 12, TZ), NOW)).toBe(0)

    // 100 days on, purchases have left the windows: the same rows as each member's exact figures.
    const later = NOW + 100 * DAY
    const written = await rebuildMemberRfmInThreads(
      sqlite,
      path,
      monthsBefore(later, 12, TZ),
      later,
      { threads: 2 },
    )
    expect(written).toBeGreaterThan(0)
    const aged = await summary(db)
    expect(aged).not.toEqual(fresh)
    expect(await exact(db, later)).toEqual(aged)
    // The set-based SQL path (Workers + D1) agrees.
    await db.run(sql`UPDATE member_rfm SET purchase_count_90d = 0, spend_90d_yen = 0`)
    await rebuildMemberRfm(db, monthsBefore(later, 12, TZ), later, { membersPerStatement: 2 })
    expect(await summary(db)).toEqual(aged)
    // 300 days on, member 2's only purchase (then 400 days old) left the 12 months: the running
    // count of 12-month spenders followed the rewrite.
    const spenders = async () =>
      (
        await db.all<{ spenders: number; counted: number }>(
          sql`SELECT (SELECT spenders_12m FROM segment_summary_stats) AS spenders,
              (SELECT count(*) FROM member_rfm WHERE spend_12m_yen > 0) AS counted`,
        )
      ).map((r: { spenders: number; counted: number }) => ({
        spenders: Number(r.spenders),
        counted: Number(r.counted),
      }))[0]
    expect(await spenders()).toEqual({ spenders: 3, counted: 3 })
    const much = NOW + 300 * DAY
    await rebuildMemberRfmInThreads(sqlite, path, monthsBefore(much, 12, TZ), much)
    expect(await spenders()).toEqual({ spenders: 2, counted: 2 })
  })

  it('never overwrites a row that a purchase changed after the rebuild read it', async () => {
    const { db, sqlite } = await fileWorld()
    await db.run(sql`UPDATE member_rfm SET purchase_count_30d = 0 WHERE member_id = 1`)
    const query = new SQLiteSyncDialect().sqlToQuery(
      changedSummaryRows(monthsBefore(NOW, 12, TZ), NOW, { from: 1, to: 7 }),
    )
    const rows = sqlite
      .prepare(query.sql)
      .raw(true)
      .all(...query.params) as (number | null)[][]
    expect(rows.map((r) => r[0])).toEqual([1])
    // A purchase commits in between, with its own exact figures.
    await db.run(
      sql`INSERT INTO purchases (member_id, amount_yen, categories, purchased_at, source, status, created_at)
          VALUES (1, 1000, '[]', ${NOW - DAY}, 'register', 'completed', ${NOW})`,
    )
    await memberRfmStatement(db, 1, monthsBefore(NOW, 12, TZ), NOW + 1)
    const afterPurchase = await summary(db)
    const row = rows[0]!
    const { kind, params } = summaryWrite(row, NOW)
    // Only the 30-day window (bit 1, after the 12 months) differed when it was read.
    expect(kind).toBe(2)
    expect(sqlite.prepare(summaryWriteSql(kind)).run(...params).changes).toBe(0)
    expect(await summary(db)).toEqual(afterPurchase)
    expect(afterPurchase[0]).toMatchObject({ purchase_count: 7, purchase_count_30d: 3 })
  })
})
