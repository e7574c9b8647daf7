import type { MembersQuery } from '@joren/shared'
import { sql } from 'drizzle-orm'
import { expect } from 'vitest'
import { createMemberDirectory } from '../../server/src/db/repositories/member-directory-repository.ts'
import { createUnitOfWork } from '../../server/src/db/unit-of-work.ts'
import { createMemberDirectoryService } from '../../server/src/domain/members/directory.ts'
import type { Driver } from '../events/event-suite.ts'

/**
 * The member list's orders, keyset pages and CSV export, written once and run on better-sqlite3
 * (test/staff/member-list-store.test.ts) and on workerd's local D1 (test/workers/member-list-d1.test.ts):
 * row-value seeks, the indexed `coalesce` expression and the points trigger behave the same on both.
 */

const NOW = 1_800_000_000_000
const OWNER = { id: 1, role: 'owner' as const }

/** Members 1..n with figures chosen so every order has ties (broken by member ID) and nulls. */
const FIGURES = [
  { last: null, visits: 0, spend: 0, points: 0, tier: null },
  { last: NOW - 5_000, visits: 3, spend: 3000, points: 30, tier: 102 },
  { last: NOW - 1_000, visits: 1, spend: 9000, points: 0, tier: 101 },
  { last: NOW - 5_000, visits: 3, spend: 500, points: 90, tier: 103 },
  { last: null, visits: 0, spend: 0, points: 5, tier: null },
  { last: NOW - 9_000, visits: 7, spend: 9000, points: 30, tier: 102 },
  { last: NOW - 2_000, visits: 1, spend: 100, points: 0, tier: 101 },
]

/**
 * Tier thresholds after the seed: 102 was raised above 103, so it is the top tier now (30,000 is
 * "n5c" in base 36: a cursor key that once read as negative).
 */
const TIER_RANK: Record<number, number> = { 101: 1, 102: 30_000, 103: 20_001 }

async function seed(driver: Driver) {
  const values = FIGURES.map(
    (_, i) =>
      `('U${String(i + 1).padStart(32, '0')}', '${1000000001 + i}', '会員${i + 1}', 'following', 1, ${NOW - 100_000 + i}, 1, 1)`,
  ).join(', ')
  const { db } = driver
  await db.run(
    sql.raw(
      `insert into members (line_user_id, member_number, display_name, follow_state, follow_state_at, followed_at, created_at, updated_at) values ${values}`,
    ),
  )
  for (const [i, f] of FIGURES.entries()) {
    const id = i + 1
    await db.run(
      sql`update member_rfm set last_purchase_at = ${f.last}, purchase_count = ${f.visits}, spend_total_yen = ${f.spend} where member_id = ${id}`,
    )
    if (f.points > 0)
      await db.run(
        sql`insert into point_balances (member_id, balance, updated_at) values (${id}, ${f.points}, 1)`,
      )
  }
  // A later change of balance follows through the update trigger.
  await db.run(sql`update point_balances set balance = balance + 1 where member_id = 4`)
  // Tiers: the member's tier (update trigger), then a tier's threshold edited (tiers trigger).
  await db.run(
    sql`insert into tiers (id, name, min_spend_yen, multiplier_percent, created_at) values (101, 'テスト一般', 1, 100, 1), (102, 'テスト銀', 10001, 100, 1), (103, 'テスト金', 20001, 100, 1)`,
  )
  for (const [i, f] of FIGURES.entries())
    if (f.tier !== null)
      await db.run(sql`update member_rfm set tier_id = ${f.tier} where member_id = ${i + 1}`)
  await db.run(sql`update tiers set min_spend_yen = 30000 where id = 102`)
}

type Key = 'lastVisit' | 'visits' | 'spend' | 'points' | 'tier'

/** The expected order computed here from the figures: key, then member ID, both one way. */
function expected(key: Key, dir: 'asc' | 'desc'): number[] {
  const value = (i: number) => {
    const f = FIGURES[i - 1]!
    return {
      lastVisit: f.last ?? -1,
      visits: f.visits,
      spend: f.spend,
      points: f.points + (i === 4 ? 1 : 0),
      tier: f.tier === null ? -1 : (TIER_RANK[f.tier] ?? -1),
    }[key]
  }
  const ids = FIGURES.map((_, i) => i + 1)
  ids.sort((a, b) => value(a) - value(b) || a - b)
  return dir === 'asc' ? ids : ids.reverse()
}

export async function memberListOrdersAndPages(driver: Driver): Promise<void> {
  await seed(driver)
  const directory = createMemberDirectory(driver.db)
  const walk = async (sort: MembersQuery['sort'], dir: 'asc' | 'desc', limit: number) => {
    const ids: number[] = []
    let cursor: string | undefined
    do {
      const page = await directory.list({ sort, dir, limit, cursor })
      expect(page.items.length).toBeLessThanOrEqual(limit)
      ids.push(...page.items.map((m) => Number(m.memberNumber) - 1000000000))
      cursor = page.nextCursor ?? undefined
    } while (cursor)
    return ids
  }
  for (const key of ['lastVisit', 'visits', 'spend', 'points', 'tier'] as const)
    for (const dir of ['asc', 'desc'] as const)
      for (const limit of [1, 2, 3, 100])
        expect(await walk(key, dir, limit), `${key} ${dir} by ${limit}`).toEqual(expected(key, dir))
  expect(await walk('joined', 'desc', 2)).toEqual([7, 6, 5, 4, 3, 2, 1])
  const [first] = (await directory.list({ sort: 'points', dir: 'desc', limit: 1 })).items
  expect(first).toMatchObject({ memberNumber: '1000000004', points: 91, visits: 3, spendYen: 500 })
  const [top] = (await directory.list({ sort: 'tier', dir: 'desc', limit: 1 })).items
  expect(top).toMatchObject({ memberNumber: '1000000006', tierName: 'テスト銀' })
  // A deleted tier leaves its members without a rank (the delete trigger), first in ascending order.
  await driver.db.run(sql`delete from tiers where id = 101`)
  const bottom = (await directory.list({ sort: 'tier', dir: 'asc', limit: 4 })).items
  expect(bottom.map((m) => m.memberNumber)).toEqual([
    '1000000001',
    '1000000003',
    '1000000005',
    '1000000007',
  ])
}

export async function memberListCsvExport(driver: Driver): Promise<void> {
  await seed(driver)
  await driver.db.run(
    sql`insert into staff (id, line_user_id, display_name, role, created_at, updated_at) values (1, 'Ustaff', 'オーナー', 'owner', 1, 1)`,
  )
  const uow = createUnitOfWork(driver.db, driver.atomic, { now: () => NOW })
  const service = createMemberDirectoryService({
    directory: createMemberDirectory(driver.db),
    uow,
    now: () => NOW,
    timeZone: 'Asia/Tokyo',
  })
  const { fileName, chunks } = await service.exportCsv(OWNER, { sort: 'spend', dir: 'desc' })
  expect(fileName).toBe('members-20270115.csv')
  let text = ''
  for await (const chunk of chunks) text += chunk
  expect(text.startsWith('\uFEFF会員番号,表示名,')).toBe(true)
  const lines = text.slice(1).split('\r\n')
  expect(lines.pop()).toBe('')
  expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(
    expected('spend', 'desc').map((i) => String(1000000000 + i)),
  )
  expect(lines[1]).toBe(
    '1000000006,会員6,友だち,テスト銀,30,2027/01/15 16:59:51,7,9000,2027/01/15 16:58:20,',
  )
  const audit = await driver.query<{ action: string; after: string }>(
    "select action, after from audit_log where action = 'member_list.export'",
  )
  expect(audit).toEqual([{ action: 'member_list.export', after: '{"sort":"spend","dir":"desc"}' }])
}
