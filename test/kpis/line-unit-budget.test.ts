import { describe, it } from 'vitest'
import { memoryDriver } from '../support/memory-db.ts'
import {
  theStandInRefusesNamesPastTheLimit,
  unitNamesStayWithinTheMonthlyLimit,
} from './line-unit-budget-suite.ts'

describe('LINE’s 1,000 unit names a month (better-sqlite3)', () => {
  it('a known name rides along, a new one past the limit is left off and staff are told once a month', () =>
    unitNamesStayWithinTheMonthlyLimit(memoryDriver()))
  it('the stand-in refuses a new name past the limit, as LINE does', () =>
    theStandInRefusesNamesPastTheLimit())
})
