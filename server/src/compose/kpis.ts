import type { Atomic } from '../db/atomic.ts'
import type { Database } from '../db/database.ts'
import { createKpiStore } from '../db/repositories/kpi-repository.ts'
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
