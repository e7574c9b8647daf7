import {
  SEGMENT_MAX_DEPTH,
  SEGMENT_PARAM_BUDGET,
  SegmentRuleSchema,
  segmentRuleSize,
  type SegmentRule,
} from '@joren/shared'
import { sql } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/d1'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/src/db/database.ts'
import { schema } from '../../server/src/db/schema.ts'
import { compileSegment, sendableAudience } from '../../server/src/db/segments/compile.ts'
import {
  buildWorkerBundle,
  startLocalWorker,
  type LocalWorker,
  type WorkerBundle,
} from '../workers/local-worker.ts'
import {
  checkAllCases,
  checkSummaryCopies,
  matchingIds,
  NOW,
  seedSegmentWorld,
  TZ,
} from './rules-suite.ts'

/** The same hand-built cases on workerd's local D1 (its SQLite, its 100-parameter limit). */

const TIMEOUT = 180_000
let bundle: WorkerBundle | undefined
let worker: LocalWorker | undefined
let db: Database

beforeAll(async () => {
  bundle = await buildWorkerBundle()
  worker = await startLocalWorker({ bundle, vars: {} })
  db = drizzle(worker.db as never, { schema }) as unknown as Database
  await seedSegmentWorld(db)
}, TIMEOUT)

afterAll(async () => {
  await worker?.dispose()
  await bundle?.dispose()
})

/** The largest tree the schema allows: full depth, the whole parameter budget. */
function deepestTree(): SegmentRule {
  const leaves: SegmentRule[] = Array.from({ length: SEGMENT_PARAM_BUDGET / 4 }, (_, i) => ({
    type: 'category',
    categories: [`c${i}-a`, `c${i}-b`, `c${i}-c`, i === 7 ? 'gift' : `c${i}-d`],
    withinDays: null,
  }))
  return {
    type: 'all',
    rules: [{ type: 'not', rule: { type: 'not', rule: { type: 'any', rules: leaves } } }],
  }
}

describe('segment rules on workerd + local D1', () => {
  it(
    'every rule type selects exactly the members the hand-built data says',
    async () => {
      await checkAllCases(db)
    },
    TIMEOUT,
  )

  it(
    'a tree at the depth and parameter limits runs on D1, also inside an INSERT … SELECT',
    async () => {
      const tree = SegmentRuleSchema.parse(deepestTree())
      expect(segmentRuleSize(tree)).toEqual({
        depth: SEGMENT_MAX_DEPTH,
        leaves: SEGMENT_PARAM_BUDGET / 4,
        params: SEGMENT_PARAM_BUDGET,
      })
      expect(await matchingIds(db, tree)).toEqual([3, 5])
      // What the broadcast engine does: freeze the sendable part of the audience in one statement.
      await db.run(sql`CREATE TABLE IF NOT EXISTS frozen (member_id INTEGER PRIMARY KEY, tag TEXT)`)
      await db.run(
        sql`INSERT INTO frozen (member_id, tag) SELECT id, ${'x'} FROM members WHERE ${sendableAudience()} AND ${compileSegment(tree, { now: NOW, timeZone: TZ })}`,
      )
      expect(await worker!.query('select member_id from frozen')).toEqual([{ member_id: 5 }])
    },
    TIMEOUT,
  )

  it('the schema refuses trees beyond the limits before any SQL runs', () => {
    const tooWide: SegmentRule = {
      type: 'all',
      rules: Array.from({ length: 21 }, (_, i) => ({
        type: 'category' as const,
        categories: [`a${i}`, `b${i}`, `c${i}`, `d${i}`],
        withinDays: null,
      })),
    }
    expect(SegmentRuleSchema.safeParse(tooWide).success).toBe(false)
    let deep: SegmentRule = { type: 'gender', genders: ['female'] }
    for (let i = 0; i < SEGMENT_MAX_DEPTH; i++) deep = { type: 'not', rule: deep }
    expect(SegmentRuleSchema.safeParse(deep).success).toBe(false)
  })

  // Last: it changes the seeded members.
  it(
    "the summary's copies of tier and reachability follow their sources (triggers on D1)",
    async () => {
      await checkSummaryCopies(db)
    },
    TIMEOUT,
  )
})
