import { beforeEach, describe, it } from 'vitest'
import type { Driver } from '../events/event-suite.ts'
import { memoryDriver } from '../support/memory-db.ts'
import { memberListCsvExport, memberListOrdersAndPages } from './member-list-suite.ts'

let driver: Driver

beforeEach(() => {
  driver = memoryDriver()
})

describe('the member list store (better-sqlite3)', () => {
  it('orders by last visit, visits, spend, points and tier both ways; keyset pages of any size agree', () =>
    memberListOrdersAndPages(driver))
  it('exports the order as CSV page by page, BOM and CRLF, with its audit row', () =>
    memberListCsvExport(driver))
})
