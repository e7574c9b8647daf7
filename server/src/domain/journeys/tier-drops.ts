import type { EventSubscriber } from '../event-relay/subscribers.ts'
import { monthsBefore } from '../loyalty/dates.ts'
import { breathe, type JourneyDeps } from './engine.ts'
import { monthsAfter } from './schedule.ts'

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
 * Staff changed the tier thresholds: every member's tier-drop instant follows (the per-member
 * subscriber keeps it on purchases, refunds and tier changes), so the tier-drop journey fires at
 * the new moment.
 */
export function tierThresholdsSubscriber(
  deps: Pick<JourneyDeps, 'store' | 'uow' | 'clock' | 'timeZone'>,
): EventSubscriber {
  return {
    name: 'journeys-tier-thresholds',
    types: ['loyalty.tiers_changed'],
    // From the oldest retained event (the default): a replayed change recomputes the same instants.
    async handle() {
      await recomputeTierDrops(deps)
    },
  }
}
