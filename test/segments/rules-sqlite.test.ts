import { sql } from 'drizzle-orm'
import { beforeEach, describe, expect, it } from 'vitest'
import type { Database } from '../../server/src/db/database.ts'
import { rebuildMemberRfm } from '../../server/src/db/segments/rfm.ts'
import { monthsBefore } from '../../server/src/domain/loyalty/dates.ts'
import { memoryDatabase } from '../support/memory-db.ts'
import { checkAllCases, matchingIds, NOW, seedSegmentWorld } from './rules-suite.ts'

let db: Database

beforeEach(async () => {
  db = memoryDatabase().db
  await seedSegmentWorld(db)
})

describe('segment rules on better-sqlite3', () => {
  it('every rule type selects exactly the members the hand-built data says', async () => {
    await checkAllCases(db)
  })

  it('the sendable audience is every friend except blocked and opted-out members', async () => {
    // Member 4 never chose: a friend, so reachable by default.
    expect(await matchingIds(db, { type: 'all', rules: [] }, { sendable: true })).toEqual([
      1, 4, 5, 6,
    ])
    // Member 3 (blocked, opted in) and 2 (following, opted out) are dormant but not sendable.
    expect(
      await matchingIds(db, { type: 'lastPurchase', op: 'gte', days: 90 }, { sendable: true }),
    ).toEqual([])
  })

  it('birthday this month follows the shop time zone', async () => {
    // 2026-06-30 16:00 UTC is already 1 July in Tokyo: nobody here has a July birthday.
    const lateJuneUtc = Date.parse('2026-06-30T16:00:00Z')
    const thisMonth = { type: 'birthdayMonth', month: 'current' } as const
    expect(await matchingIds(db, thisMonth, { now: lateJuneUtc, timeZone: 'Asia/Tokyo' })).toEqual(
      [],
    )
    expect(await matchingIds(db, thisMonth, { now: lateJuneUtc, timeZone: 'UTC' })).toEqual([
      1, 3, 6,
    ])
  })

  it('the summary rebuild wrote the figures the purchases give, in one statement or by ranges', async () => {
    const rows = await db.all<Record<string, number | null>>(
      sql`SELECT member_id, purchase_count, spend_total_yen, purchase_count_12m, spend_12m_yen, last_purchase_at FROM member_rfm ORDER BY member_id`,
    )
    expect(rows).toEqual(
      [
        {
          member_id: 1,
          purchase_count: 6,
          spend_total_yen: 60000,
          purchase_count_12m: 6,
          spend_12m_yen: 60000,
          last_purchase_at: NOW - 5 * 86_400_000,
        },
        {
          member_id: 2,
          purchase_count: 1,
          spend_total_yen: 3000,
          purchase_count_12m: 1,
          spend_12m_yen: 3000,
          last_purchase_at: NOW - 100 * 86_400_000,
        },
        {
          member_id: 3,
          purchase_count: 2,
          spend_total_yen: 4000,
          purchase_count_12m: 0,
          spend_12m_yen: 0,
          last_purchase_at: NOW - 400 * 86_400_000,
        },
        {
          member_id: 5,
          purchase_count: 1,
          spend_total_yen: 50000,
          purchase_count_12m: 1,
          spend_12m_yen: 50000,
          last_purchase_at: NOW - 10 * 86_400_000,
        },
        // Every member has a summary row; members without purchases keep zeros.
        ...[4, 6].map((id) => ({
          member_id: id,
          purchase_count: 0,
          spend_total_yen: 0,
          purchase_count_12m: 0,
          spend_12m_yen: 0,
          last_purchase_at: null,
        })),
      ].sort((a, b) => a.member_id - b.member_id),
    )
    // A stale summary (all figures lost) is repaired by ranges.
    await db.run(
      sql`UPDATE member_rfm SET first_purchase_at = NULL, last_purchase_at = NULL, purchase_count = 0, spend_total_yen = 0, purchase_count_12m = 0, spend_12m_yen = 0`,
    )
    await rebuildMemberRfm(db, monthsBefore(NOW, 12, 'Asia/Tokyo'), NOW, { membersPerStatement: 2 })
    expect(
      await db.all(
        sql`SELECT member_id, purchase_count, spend_total_yen, purchase_count_12m, spend_12m_yen, last_purchase_at FROM member_rfm ORDER BY member_id`,
      ),
    ).toEqual(rows)
  })
})
