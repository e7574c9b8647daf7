import { describe, expect, it } from 'vitest'
import { createPrivacyStore } from '../../server/src/db/repositories/privacy-repository.ts'
import { createSettingsStore } from '../../server/src/db/repositories/settings-repository.ts'
import { createUnitOfWork } from '../../server/src/db/unit-of-work.ts'
import { createPrivacyService, SHOP_EXPORT_PAGE } from '../../server/src/domain/privacy/service.ts'
import { memoryDatabase, memoryDriver } from '../support/memory-db.ts'
import { seedMembers } from '../support/seed.ts'
import {
  erasureLeavesNoTraceAndKeepsTheFigures,
  exportHoldsTheMemberAndNobodyElse,
} from './privacy-suite.ts'

describe("members' data rights (better-sqlite3)", () => {
  it('exports everything about the member and nothing about another', () =>
    exportHoldsTheMemberAndNobodyElse(memoryDriver()))
  it('erases their personal data from every table; figures and the other member stay', () =>
    erasureLeavesNoTraceAndKeepsTheFigures(memoryDriver()))
})

describe('the whole-shop export', () => {
  it('streams every member page by page (keyset), each once, in ID order, with a BOM header', async () => {
    const { sqlite, db, atomic } = memoryDatabase()
    seedMembers(sqlite, 2 * SHOP_EXPORT_PAGE + 345, (i) => ({ displayName: `会員,"${i}"` }))
    const uow = createUnitOfWork(db, atomic, { now: () => 1_800_000_000_000 })
    const store = createPrivacyStore(db)
    const pages: number[] = []
    const service = createPrivacyService({
      store: {
        ...store,
        shopExportPage: async (...args) => {
          const page = await store.shopExportPage(...args)
          pages.push(page.rows.length)
          return page
        },
      },
      settings: createSettingsStore(db),
      uow,
      now: () => 1_800_000_000_000,
      uuid: () => 'x',
    })
    let csv = ''
    for await (const chunk of await service.shopExport({ id: 1, role: 'owner' }, 'members'))
      csv += chunk
    // Three pages read, never the whole table at once.
    expect(pages).toEqual([SHOP_EXPORT_PAGE, SHOP_EXPORT_PAGE, 345])
    expect(csv.startsWith('\uFEFFmember_number,line_user_id,display_name,')).toBe(true)
    const lines = csv.slice(1).trimEnd().split('\r\n')
    expect(lines).toHaveLength(2 * SHOP_EXPORT_PAGE + 345 + 1)
    const numbers = lines.slice(1).map((l) => l.split(',')[0])
    expect(numbers).toEqual(
      Array.from({ length: 2 * SHOP_EXPORT_PAGE + 345 }, (_, i) => String(1_000_000_001 + i)),
    )
    // Quoted per RFC 4180 (the name holds a comma and quotes).
    expect(lines[1]).toContain('"会員,""1"""')
    expect(
      sqlite.prepare(`select target_id from audit_log where action = 'shop.export'`).all(),
    ).toEqual([{ target_id: 'members' }])
  })
})
