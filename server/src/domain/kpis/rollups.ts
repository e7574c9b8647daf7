import type { DomainEvent } from '../events/events.ts'
import type { EventSubscriber } from '../event-relay/subscribers.ts'
import { localDate } from '../loyalty/dates.ts'
import { addDays, startOfDayInZone } from '../time.ts'
import type { UnitOfWork } from '../unit-of-work.ts'
import type { KpiStore } from './store.ts'

export interface KpiRollupDeps {
  kpis: KpiStore
  uow: UnitOfWork
  timeZone: string
}

/** The shop-local day of an instant and that day's bounds [startAt, endAt). */
export function dayBounds(at: number, timeZone: string) {
  const day = localDate(at, timeZone)
  return {
    day,
    startAt: startOfDayInZone(day, timeZone),
    endAt: startOfDayInZone(addDays(day, 1), timeZone),
  }
}

/** Recomputes the member's rollup rows for the day of `at` from the purchases themselves. */
export async function refreshMemberDay(deps: KpiRollupDeps, memberId: number, at: number) {
  const { day, startAt, endAt } = dayBounds(at, deps.timeZone)
  await deps.uow.commit(deps.kpis.refreshMemberDayWrites(memberId, day, startAt, endAt))
}

/**
 * Keeps the KPI rollups from purchase events. Each event makes the subscriber recompute the
 * member's row for that shop-local day from `purchases` (not add to it), so a redelivered,
 * reordered or late event leaves exactly what a full rebuild would.
 */
export function kpiRollupSubscriber(deps: KpiRollupDeps): EventSubscriber {
  return {
    name: 'kpi-rollups',
    types: ['purchase.recorded', 'purchase.refunded'],
    startAt: 'oldest',
    async handle(event: DomainEvent) {
      if (event.type === 'purchase.recorded') {
        if (event.memberId === null) return
        await refreshMemberDay(deps, event.memberId, event.data.purchasedAt)
      } else if (event.type === 'purchase.refunded') {
        const purchase = await deps.kpis.purchaseOf(event.data.purchaseId)
        if (!purchase) return
        await refreshMemberDay(deps, purchase.memberId, purchase.purchasedAt)
      }
    },
  }
}

/** Members per rebuild statement: bounded work per batch (D1 limits a statement's time). */
export const REBUILD_MEMBERS_PER_BATCH = 20_000

/**
 * Rebuilds both rollups from `purchases`, member range by member range (each range one atomic
 * replace), so the result equals what the subscriber keeps. `onProgress` gets the share done.
 */
export async function rebuildKpiRollups(
  deps: KpiRollupDeps,
  onProgress?: (done: number, total: number) => void,
): Promise<{ members: number }> {
  const span = await deps.kpis.purchaseTimeSpan()
  if (span) {
    const days: { day: string; startAt: number }[] = []
    const last = localDate(span.max, deps.timeZone)
    for (let day = localDate(span.min, deps.timeZone); day <= last; day = addDays(day, 1))
      days.push({ day, startAt: startOfDayInZone(day, deps.timeZone) })
    await deps.kpis.putDays(days)
  }
  const top = await deps.kpis.maxMemberIdWithPurchases()
  const upper = Math.max(top, 0)
  for (let fromId = 0; fromId <= upper; fromId += REBUILD_MEMBERS_PER_BATCH) {
    const toId = fromId + REBUILD_MEMBERS_PER_BATCH - 1
    // The last range is open-ended, so no rollup row of any member outlives the rebuild.
    await deps.kpis.rebuildMembers(fromId, toId >= upper ? Number.MAX_SAFE_INTEGER : toId)
    onProgress?.(Math.min(fromId + REBUILD_MEMBERS_PER_BATCH, upper), upper)
  }
  return { members: upper }
}
