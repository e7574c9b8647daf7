import { describe, it } from 'vitest'
import { memoryDriver } from '../support/memory-db.ts'
import {
  erasureLeavesNoTraceAndKeepsTheFigures,
  exportHoldsTheMemberAndNobodyElse,
} from './privacy-suite.ts'
import { shopExportFollowsTheCursor } from './shop-export-suite.ts'

describe("members' data rights (better-sqlite3)", () => {
  it('exports everything about the member and nothing about another', () =>
    exportHoldsTheMemberAndNobodyElse(memoryDriver()))
  it('erases their personal data from every table; figures and the other member stay', () =>
    erasureLeavesNoTraceAndKeepsTheFigures(memoryDriver()))
})

describe('the whole-shop export', () => {
  it('one bounded page per request; following the cursor yields every member once, in ID order', () =>
    shopExportFollowsTheCursor(memoryDriver()))
})
