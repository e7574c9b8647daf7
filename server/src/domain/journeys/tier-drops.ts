import type { EventSubscriber } from '../event-relay/subscribers.ts'
import { monthsBefore } from '../loyalty/dates.ts'
import { breathe, enterTierDrops, type JourneyDeps } from './engine.ts'
import { DAY_MS, monthsAfter } from './schedule.ts'

/** Member IDs per recompute statement: each stays a few milliseconds at shop scale. */
export const TIER_DROP_RANGE = 1_000

/**
 * Recomputes every member's tier-drop instant after staff changed the tier thresholds — the
 * same rule as `tierDropAt`, set-based: one read and one commit per range of TIER_DROP_RANGE
 * member IDs, the loop yielding between ranges so it never holds the event loop for long.
 * Idempotent (a retried event writes the same instants). Returns how many members have one.
 */
export async function recomputeTierDrops(
  deps: Pick<JourneyDeps, 'store' | 'uow' | 'clock' | 'timeZone'>,
  range = TIER_DROP_RANGE,
): Promise<number> {
  const now = deps.clock.now()
  const since = monthsBefore(now, 12, deps.timeZone)
  const ceiling = await deps.store.tierMemberCeiling()
  let withDrop = 0
  for (let from = 0; from <= ceiling; from += range) {
    const anchors = await deps.store.tierDropAnchors(from, from + range, since)
    const drops = anchors.map((a) => ({
      memberId: a.memberId,
      dropsAt: monthsAfter(a.purchasedAt, 12, deps.timeZone),
    }))
    await deps.uow.commit(deps.store.tierDropsWrites(from, from + range, drops, now))
    withDrop += drops.length
    await breathe()
  }
  return withDrop
}

/**
 * A recompute can move a member's drop instant EARLIER, into the part of a tier-drop journey's
 * window its passes already scanned (up to cursor + N days), where the next pass never looks:
 * members whose instant now lies in (now, cursor + N days] enter at once, N days before it (so
 * the step is due now). Once per instant: the UNIQUE occurrence key leaves a member already
 * entered for the same instant alone, and a replayed event enters nobody twice.
 */
export async function enterMovedTierDrops(deps: JourneyDeps): Promise<number> {
  const now = deps.clock.now()
  let entered = 0
  for (const journey of await deps.store.enabled()) {
    if (journey.trigger.kind !== 'tier_drop' || journey.triggerCursor === null) continue
    const scannedTo = journey.triggerCursor + journey.trigger.daysBefore * DAY_MS
    if (scannedTo > now) entered += await enterTierDrops(deps, journey, now, scannedTo, true)
  }
  return entered
}

/**
 * Staff changed the tier thresholds: every member's tier-drop instant follows (the per-member
 * subscriber keeps it on purchases, refunds and tier changes), so the tier-drop journey fires at
 * the new moment — at once for a moment moved into the window its passes already scanned.
 */
export function tierThresholdsSubscriber(deps: JourneyDeps): EventSubscriber {
  return {
    name: 'journeys-tier-thresholds',
    types: ['loyalty.tiers_changed'],
    // From the oldest retained event (the default): a replayed change recomputes the same instants.
    async handle() {
      await recomputeTierDrops(deps)
      await enterMovedTierDrops(deps)
    },
  }
}
