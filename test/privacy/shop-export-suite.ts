import { sql } from 'drizzle-orm'
import { expect } from 'vitest'
import { createPrivacyStore } from '../../server/src/db/repositories/privacy-repository.ts'
import { createSettingsStore } from '../../server/src/db/repositories/settings-repository.ts'
import { createUnitOfWork } from '../../server/src/db/unit-of-work.ts'
import { createPrivacyService, SHOP_EXPORT_PAGE } from '../../server/src/domain/privacy/service.ts'
import type { Driver } from '../events/event-suite.ts'

const NOW = 1_800_000_000_000
const MEMBERS = 2 * SHOP_EXPORT_PAGE + 345

/**
 * The whole-shop export, one bounded page per request: the first carries the BOM and the header,
 * each says where the next begins, following the cursors yields every member once in ID order,
 * and no request reads more than its bound. On better-sqlite3 and on workerd's D1.
 */
export async function shopExportFollowsTheCursor(driver: Driver) {
  await driver.db
    .run(sql`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${MEMBERS})
    INSERT INTO members (id, line_user_id, member_number, display_name, follow_state,
      follow_state_at, created_at, updated_at)
    SELECT i, printf('U%032x', i), CAST(1000000000 + i AS TEXT), '会員,"' || i || '"', 'following', 0, 0, 0
    FROM n`)
  const store = createPrivacyStore(driver.db)
  let reads: number[] = []
  const service = createPrivacyService({
    store: {
      ...store,
      shopExportPage: async (...args) => {
        const page = await store.shopExportPage(...args)
        reads.push(page.rows.length)
        return page
      },
    },
    settings: createSettingsStore(driver.db),
    uow: createUnitOfWork(driver.db, driver.atomic, { now: () => NOW }),
    now: () => NOW,
    uuid: () => 'x',
  })
  const owner = { id: 1, role: 'owner' as const }
  const perRequest = 1_500
  const requests: { rows: number[]; next: string | null }[] = []
  let csv = ''
  let after: number | undefined
  for (let n = 0; n < 10; n++) {
    reads = []
    const page = await service.shopExport(owner, 'members', after, perRequest)
    requests.push({ rows: reads, next: page.next })
    csv += page.csv
    if (page.next === null) break
    after = Number(page.next)
  }
  // Two requests: 1,000 + 500 rows (the bound), then the last 845; never more than the bound.
  expect(requests.map((r) => r.rows)).toEqual([[1000, 500], [845]])
  expect(requests.map((r) => r.next)).toEqual(['1500', null])
  expect(csv.startsWith('\uFEFFmember_number,line_user_id,display_name,')).toBe(true)
  expect(csv.indexOf('\uFEFF', 1)).toBe(-1)
  const lines = csv.slice(1).trimEnd().split('\r\n')
  expect(lines).toHaveLength(MEMBERS + 1)
  expect(lines.filter((l) => l.startsWith('member_number,'))).toHaveLength(1)
  expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(
    Array.from({ length: MEMBERS }, (_, i) => String(1_000_000_001 + i)),
  )
  // Quoted per RFC 4180 (the name holds a comma and quotes).
  expect(lines[1]).toContain('"会員,""1"""')
  // Audited once, at the first page.
  expect(
    await driver.query(`SELECT target_id FROM audit_log WHERE action = 'shop.export'`),
  ).toEqual([{ target_id: 'members' }])

  // An empty table: the header alone, no cursor.
  const empty = await service.shopExport(owner, 'coupons')
  expect(empty.next).toBeNull()
  expect(empty.csv).toBe('\uFEFFcoupon_id\r\n')
  expect(empty.csv.slice(1).trimEnd().split('\r\n')).toHaveLength(1)
}
