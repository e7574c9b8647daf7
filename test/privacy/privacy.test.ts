import { describe, it } from 'vitest'
import { memoryDriver } from '../support/memory-db.ts'
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
