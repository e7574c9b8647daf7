import {
  DAY,
  HOUR,
  PERSONA_CHURN,
  PERSONA_GAP_DAYS,
  SEASON,
  type DemoContext,
  type Persona,
} from './demo-context.ts'
import type { CouponBook } from './demo-coupons.ts'
import type { DemoBroadcast } from './demo-broadcasts.ts'
import { dormantRun, type DemoJourney, type JourneyRows } from './demo-journeys.ts'

/**
 * When a guest came: gaps drawn around their persona's cycle and the season, churn, come-backs
 * thanks to the dormant journey, and a few visits nudged by the broadcasts that reached them.
 */

export interface DemoVisit {
  at: number
  via?: 'journey' | 'broadcast'
}

export function visitTimes(
  ctx: DemoContext,
  journey: { journey: DemoJourney; rows: JourneyRows },
  book: CouponBook,
  broadcasts: DemoBroadcast[],
  guest: {
    memberId: number
    persona: Persona
    followedAt: number
    blockedAt: number | null
    contacted: Set<number>
  },
): DemoVisit[] {
  const { rng, now, atCafeHours, monthOf, dayOfWeek } = ctx
  const { memberId, persona, followedAt, blockedAt, contacted } = guest
  const visits: DemoVisit[] = []
  if (persona !== 'never') {
    let at = rng.chance(0.45)
      ? followedAt + rng.int(30) * 60_000
      : followedAt + rng.exponential(6) * DAY
    const gap = PERSONA_GAP_DAYS[persona]
    let alive = true
    while (at < now) {
      if (blockedAt !== null && at > blockedAt && rng.chance(0.7)) break
      visits.push({ at: atCafeHours(at) })
      if (persona === 'once' || rng.chance(PERSONA_CHURN[persona])) alive = false
      let next = alive
        ? at +
          Math.max(1, (gap * (0.35 + rng.exponential(0.65))) / (SEASON[monthOf(at)] ?? 1)) * DAY
        : Number.POSITIVE_INFINITY
      const backAt = dormantRun(ctx, journey.journey, journey.rows, book, {
        memberId,
        lastVisitAt: visits.at(-1)!.at,
        next,
        blockedAt,
      })
      if (backAt !== null) {
        visits.push({ at: atCafeHours(backAt), via: 'journey' })
        alive = true
        next = backAt + Math.max(1, gap * (0.35 + rng.exponential(0.65))) * DAY
      }
      at = next
      if (
        at !== Number.POSITIVE_INFINITY &&
        dayOfWeek(at) >= 1 &&
        dayOfWeek(at) <= 4 &&
        rng.chance(0.25)
      )
        at += DAY // a weekday visit often slips to the weekend
    }
    // A broadcast nudges some of those it reached within a few days; the held-out get none.
    for (const b of broadcasts)
      if (contacted.has(b.id) && b.startedAt > followedAt && rng.chance(0.09)) {
        const at = b.startedAt + rng.between(2, 140) * HOUR
        if (at < now) visits.push({ at: atCafeHours(at), via: 'broadcast' })
      }
  }
  visits.sort((a, b) => a.at - b.at)
  return visits
}
