import { describe, it } from 'vitest'
import {
  everyFieldOnTheHandBuiltShop,
  rebuildReproducesTheRollups,
  rollupsEqualRecomputationAfterRandomEvents,
} from '../kpis/kpi-suite.ts'
import { everyInsightOnTheHandBuiltShop } from '../kpis/insight-suite.ts'
import { unitStatsFromSendToDashboard } from '../kpis/line-stats-suite.ts'
import { unitNamesStayWithinTheMonthlyLimit } from '../kpis/line-unit-budget-suite.ts'
import { useFreshD1 } from './d1-driver.ts'

/**
 * The KPI definitions and rollups on workerd's local D1: the same hand-built shop and the same
 * property as on better-sqlite3 (test/kpis/kpis.test.ts). Each scenario gets a fresh database.
 */

const TIMEOUT = 180_000
const d1 = useFreshD1(TIMEOUT)

describe('KPIs (workerd + local D1)', () => {
  it(
    'every field on the hand-built shop: JST day and month edges, refunds, blocked members',
    () => everyFieldOnTheHandBuiltShop(d1()),
    TIMEOUT,
  )
  it(
    'the rebuild reproduces the rollups the subscriber keeps',
    () => rebuildReproducesTheRollups(d1()),
    TIMEOUT,
  )
  it(
    'rollups equal a full recomputation after random event sequences',
    () => rollupsEqualRecomputationAfterRandomEvents(d1(), [1, 2, 3]),
    TIMEOUT,
  )
  it(
    'dashboard insights: NPS / CSAT, coupon rates by source, campaigns with lift, message economy',
    () => everyInsightOnTheHandBuiltShop(d1()),
    TIMEOUT,
  )
  it(
    'LINE per-unit opens and clicks: unit name in the body, the poll stores the figures, the dashboard returns them',
    () => unitStatsFromSendToDashboard(d1()),
    TIMEOUT,
  )
  it(
    'LINE’s 1,000 unit names a month: a new name past them is left off, staff told once a month',
    () => unitNamesStayWithinTheMonthlyLimit(d1()),
    TIMEOUT,
  )
})
