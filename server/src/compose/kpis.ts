import type { Atomic } from '../db/atomic.ts'
import type { Database } from '../db/database.ts'
import { createBroadcastRepository } from '../db/repositories/broadcast-repository.ts'
import { createInsightStore } from '../db/repositories/insight-repository.ts'
import { createJourneyRepository } from '../db/repositories/journey-repository.ts'
import { createKpiStore } from '../db/repositories/kpi-repository.ts'
import { createLineStatsStore } from '../db/repositories/line-stats-repository.ts'
import { createInsightService } from '../domain/kpis/insights.ts'
import type { QuotaReader } from '../domain/messaging/quota.ts'
import { kpiRollupSubscriber } from '../domain/kpis/rollups.ts'
import { createKpiService } from '../domain/kpis/service.ts'
import type { SettingsStore } from '../domain/shop/settings.ts'
import type { UnitOfWork } from '../domain/unit-of-work.ts'

/** The KPIs: the rollup store, the service (API, dashboard, rebuild) and the rollup subscriber. */
export function composeKpis(deps: {
  db: Database
  atomic: Atomic
  uow: UnitOfWork
  settings: SettingsStore
  timeZone: string
  sandbox: boolean
  now(): number
}) {
  const kpis = createKpiStore(deps.db, deps.atomic)
  return {
    service: createKpiService({ ...deps, kpis }),
    subscriber: kpiRollupSubscriber({ kpis, uow: deps.uow, timeZone: deps.timeZone }),
  }
}

/**
 * The dashboard's campaign and satisfaction sections: over the raw tables, the broadcasts' and
 * journeys' own attribution reads, and the quota reader the console's widget uses.
 */
export function composeKpiInsights(deps: {
  db: Database
  atomic: Atomic
  quota: Pick<QuotaReader, 'read'>
  timeZone: string
  now(): number
}) {
  return createInsightService({
    store: createInsightStore(deps.db, createKpiStore(deps.db, deps.atomic)),
    broadcasts: createBroadcastRepository(deps.db, deps.atomic),
    journeys: createJourneyRepository(deps.db),
    lineStats: createLineStatsStore(deps.db, deps.atomic),
    quota: () => deps.quota.read(),
    timeZone: deps.timeZone,
    now: deps.now,
  })
}
