import type { Atomic } from '../db/atomic.ts'
import type { Database } from '../db/database.ts'
import { createDemoShopStore } from '../db/repositories/demo-repository.ts'
import type { Repositories } from '../db/repositories/index.ts'
import { rebuildMemberCategories, rebuildMemberRfm } from '../db/segments/rfm.ts'
import {
  CATEGORY_BACKFILL_KEY,
  CATEGORY_MEMBERS_PER_STATEMENT,
  MEMBERS_PER_STATEMENT,
  type SummaryRebuild,
} from '../db/segments/upkeep.ts'
import { createDemoShopService } from '../domain/demo/service.ts'
import { localDate, monthsBefore } from '../domain/loyalty/dates.ts'
import type { Clock, Ids } from '../domain/ports.ts'
import type { UnitOfWork } from '../domain/unit-of-work.ts'

/**
 * The demo shop (sandbox only): its rows in one batch, then everything derived from them rebuilt
 * the way the daily passes do — KPI rollups and the segment summary (tiers are written with the
 * spend they come from).
 */
export function composeDemoShop(deps: {
  db: Database
  atomic: Atomic
  uow: UnitOfWork
  repositories: Repositories
  clock: Clock
  ids: Ids
  timeZone: string
  sandbox: boolean
  rebuildKpis(): Promise<unknown>
  rebuildSummary?: SummaryRebuild
}) {
  const { db, repositories, clock, timeZone } = deps
  return createDemoShopService({
    store: createDemoShopStore(db, deps.atomic),
    settings: repositories.settings,
    sandbox: deps.sandbox,
    timeZone,
    now: () => clock.now(),
    async refreshDerived() {
      const now = clock.now()
      await deps.rebuildKpis()
      const windowStart = monthsBefore(now, 12, timeZone)
      if (deps.rebuildSummary) await deps.rebuildSummary(windowStart, now)
      else
        await rebuildMemberRfm(db, windowStart, now, { membersPerStatement: MEMBERS_PER_STATEMENT })
      await rebuildMemberCategories(db, { membersPerStatement: CATEGORY_MEMBERS_PER_STATEMENT })
      await repositories.settings.put(CATEGORY_BACKFILL_KEY, localDate(now, timeZone), now)
    },
  })
}
