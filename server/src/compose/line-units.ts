import type { Atomic } from '../db/atomic.ts'
import type { Database } from '../db/database.ts'
import { createLineStatsStore } from '../db/repositories/line-stats-repository.ts'
import { createUnitBudgetStore } from '../db/repositories/line-units-repository.ts'
import { pollUnitStats, type LineUnitStatsReader } from '../domain/line-stats/poll.ts'
import {
  createUnitBudget,
  unitsExhaustedSummary,
  withUnitBudget,
  type ReportedUnits,
} from '../domain/line-stats/unit-budget.ts'
import { lineMonth } from '../domain/line-stats/units.ts'
import type { Messenger } from '../domain/messaging/messenger.ts'
import type { Clock, Logger } from '../domain/ports.ts'
import type { SettingsStore } from '../domain/shop/settings.ts'

/** LINE's last count of the channel's unit names this month (settings; kept by the poll). */
export const LINE_UNITS_REPORTED_KEY = 'line_units_reported'

type LineMessenger = Messenger & LineUnitStatsReader & { aggregationUnitsUsed(): Promise<number> }

/**
 * LINE's per-unit statistics (LINE_UNIT_STATS) and its 1,000 unit names a month: pushes and
 * multicasts pass their unit name through the budget (past the limit a send goes without one, and
 * staff are told), and the background poll stores the opens and clicks and LINE's own count of
 * the month's names.
 */
export function composeUnitBudget<M extends LineMessenger>(
  deps: {
    db: Database
    atomic: Atomic
    repositories: { settings: SettingsStore }
    clock: Clock
    logger: Logger
  },
  lineMessenger: M,
  enabled: boolean,
) {
  const { db, atomic, logger } = deps
  const settings = deps.repositories.settings
  const now = () => deps.clock.now()
  const store = createUnitBudgetStore(db)
  const budget = createUnitBudget({
    store,
    logger,
    now,
    async reported() {
      const value = (await settings.get(LINE_UNITS_REPORTED_KEY)) as ReportedUnits | undefined
      return value && typeof value.month === 'string' && typeof value.used === 'number'
        ? value
        : null
    },
    exhausted: (month, used) =>
      store.raiseAlert(unitsExhaustedSummary(month, used), `line_units_full:${month}`, now()),
  })
  const messenger = enabled ? withUnitBudget(lineMessenger, budget) : lineMessenger
  return {
    messenger,
    background: {
      enabled,
      poll: () =>
        pollUnitStats({ store: createLineStatsStore(db, atomic), line: messenger, logger, now }),
      /** Asks LINE how many unit names the channel used this month and keeps the answer. */
      async recordUnitUsage(): Promise<void> {
        const used = await messenger.aggregationUnitsUsed()
        const month = lineMonth(now())
        await settings.put(LINE_UNITS_REPORTED_KEY, { month, used } satisfies ReportedUnits, now())
      },
    },
  }
}
