import { beforeEach, describe, it } from 'vitest'
import type { Driver } from '../events/event-suite.ts'
import { memoryDriver } from '../support/memory-db.ts'
import {
  everyFieldOnTheHandBuiltShop,
  rebuildReproducesTheRollups,
  rollupsEqualRecomputationAfterRandomEvents,
} from './kpi-suite.ts'

let driver: Driver

beforeEach(() => {
  driver = memoryDriver()
})

describe('KPIs (better-sqlite3)', () => {
  it('every field on the hand-built shop: JST day and month edges, refunds, blocked members', () =>
    everyFieldOnTheHandBuiltShop(driver))
  it('the rebuild reproduces the rollups the subscriber keeps', () =>
    rebuildReproducesTheRollups(driver))
  it('rollups equal a full recomputation after random event sequences', () =>
    rollupsEqualRecomputationAfterRandomEvents(driver, [1, 2, 3, 4, 5, 6, 7, 8]))
})
