import { describe, it } from 'vitest'
import { memberListCsvExport, memberListOrdersAndPages } from '../staff/member-list-suite.ts'
import { useFreshD1 } from './d1-driver.ts'

/**
 * The member list on workerd's local D1: the same suite as on better-sqlite3 (row-value keyset
 * seeks, the indexed coalesce expression, the points-balance trigger, the audited CSV export).
 */

const TIMEOUT = 120_000
const d1 = useFreshD1(TIMEOUT)

describe('the member list (workerd + local D1)', () => {
  it(
    'orders by last visit, visits, spend, points and tier both ways; keyset pages of any size agree',
    () => memberListOrdersAndPages(d1()),
    TIMEOUT,
  )
  it(
    'exports the order as CSV page by page, BOM and CRLF, with its audit row',
    () => memberListCsvExport(d1()),
    TIMEOUT,
  )
})
