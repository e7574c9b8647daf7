import { describe, it } from 'vitest'
import {
  erasureLeavesNoTraceAndKeepsTheFigures,
  exportHoldsTheMemberAndNobodyElse,
} from '../privacy/privacy-suite.ts'
import { shopExportFollowsTheCursor } from '../privacy/shop-export-suite.ts'
import { useFreshD1 } from './d1-driver.ts'

/**
 * Members' data rights on workerd's local D1: the same suite as on better-sqlite3 — the erasure
 * is one D1 batch (JSON functions, correlated subqueries, the audit row after changes()).
 */

const TIMEOUT = 120_000
const d1 = useFreshD1(TIMEOUT)

describe("members' data rights (workerd + local D1)", () => {
  it(
    'exports everything about the member and nothing about another',
    () => exportHoldsTheMemberAndNobodyElse(d1()),
    TIMEOUT,
  )
  it(
    'erases their personal data from every table in one batch; figures and the other member stay',
    () => erasureLeavesNoTraceAndKeepsTheFigures(d1()),
    TIMEOUT,
  )
  it(
    'the whole-shop export: one bounded page per request, the cursor leads through every member once',
    () => shopExportFollowsTheCursor(d1()),
    TIMEOUT,
  )
})
