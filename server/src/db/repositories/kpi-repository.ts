import type { KpiStore } from '../../domain/kpis/store.ts'
import type { Atomic } from '../atomic.ts'
import type { Database } from '../database.ts'
import { createKpiBuyers } from './kpis/buyers.ts'
import { createKpiMembers } from './kpis/members.ts'
import { rollupWrites } from './kpis/rollup-writes.ts'
import { createKpiRollups } from './kpis/rollups.ts'

/**
 * The KPI rollups and their indexed queries (see domain/kpis/store.ts), by concern (kpis/): the
 * buyers' figures, the members' figures, keeping the rollups.
 */
export function createKpiStore(db: Database, atomic: Atomic): KpiStore {
  return {
    ...createKpiBuyers(db),
    ...createKpiMembers(db),
    ...createKpiRollups(db, atomic, rollupWrites(db)),
  }
}
