import type { DomainEvent } from '../events/events.ts'
import type { EventSubscriber } from '../event-relay/subscribers.ts'
import { enterMembers, type JourneyDeps } from './engine.ts'
import { monthsBefore } from '../loyalty/dates.ts'
import { tierDropAt } from './schedule.ts'
import { lowScoreAlertKey, lowScoreCaseOf, lowScoreSummary } from '../surveys/low-score.ts'

/**
 * The journeys' event triggers and exits, a subscriber of the domain events (idempotent: a run is
 * entered once per occurrence by its UNIQUE key, and ending an ended run changes nothing):
 * - member.followed → follow journeys (a re-follow only where the journey says so; never while a
 *   module owns the chat). The day-0 welcome stays the free reply to the follow, outside journeys.
 * - purchase.recorded → after-purchase journeys (amount / category filters); and the member's
 *   active runs with a purchase goal end as converted.
 * - tier.changed (up) → tier-up journeys.
 * - member.unfollowed → the member's active runs end (blocked).
 * - survey.answered → survey journeys (one survey or any; optionally only a low score); and the
 *   low-score journeys to staff: a staff alert quoting the member's score and comment when the
 *   response is low by its survey's own thresholds — one alert per response, shared with the
 *   survey's closed loop by its dedupe key; nothing is pushed to the member.
 */
export function journeysSubscriber(deps: JourneyDeps): EventSubscriber {
  // A journey acts on events recorded after it was switched on (its cursor), never on history.
  const live = async (event: DomainEvent) =>
    (await deps.store.enabled()).filter(
      (j) => j.triggerCursor !== null && event.recordedAt >= j.triggerCursor,
    )
  const byKind = async (event: DomainEvent, kind: string) =>
    (await live(event)).filter((j) => j.trigger.kind === kind)

  async function handle(event: DomainEvent): Promise<void> {
    const memberId = event.memberId
    if (memberId === null) return
    switch (event.type) {
      case 'member.followed': {
        if (event.data.standby) return
        for (const journey of await byKind(event, 'follow')) {
          if (journey.trigger.kind !== 'follow') continue
          const applies =
            event.data.firstFollow || (event.data.refollow && journey.trigger.includeRefollow)
          if (!applies) continue
          await enterMembers(deps, journey, [
            { memberId, occurrence: `follow:${event.id}`, enteredAt: event.occurredAt },
          ])
        }
        return
      }
      case 'member.unfollowed': {
        const now = deps.clock.now()
        const runs = await deps.store.activeRunsOf(memberId)
        for (const run of runs) await deps.uow.commit([deps.store.endWrite(run.id, 'blocked', now)])
        return
      }
      case 'purchase.recorded': {
        const purchasedAt = event.data.purchasedAt
        const goals = new Map((await deps.store.enabled()).map((j) => [j.id, j.goal.kind]))
        const now = deps.clock.now()
        for (const run of await deps.store.activeRunsOf(memberId))
          if (goals.get(run.journeyId) === 'purchase' && purchasedAt > run.enteredAt)
            await deps.uow.commit([deps.store.endWrite(run.id, 'converted', now)])
        const after = await byKind(event, 'after_purchase')
        if (after.length === 0) return
        const purchase = await deps.store.purchase(event.data.purchaseId)
        if (!purchase) return
        for (const journey of after) {
          const t = journey.trigger
          if (t.kind !== 'after_purchase') continue
          if (t.minAmountYen !== null && purchase.amountYen < t.minAmountYen) continue
          if (t.categories.length > 0 && !t.categories.some((c) => purchase.categories.includes(c)))
            continue
          await enterMembers(deps, journey, [
            {
              memberId,
              occurrence: `purchase:${event.data.purchaseId}`,
              enteredAt: purchase.purchasedAt,
            },
          ])
        }
        return
      }
      case 'tier.changed': {
        if (event.data.direction !== 'up') return
        for (const journey of await byKind(event, 'tier_up'))
          await enterMembers(deps, journey, [
            { memberId, occurrence: `tier:${event.id}`, enteredAt: event.occurredAt },
          ])
        return
      }
      case 'survey.answered': {
        const { surveyId, npsScore, ratingScore } = event.data
        for (const journey of await byKind(event, 'survey_answered')) {
          const t = journey.trigger
          if (t.kind !== 'survey_answered') continue
          if (t.surveyId !== null && t.surveyId !== surveyId) continue
          if (!isLowEnough(t, npsScore, ratingScore)) continue
          await enterMembers(deps, journey, [
            {
              memberId,
              occurrence: `survey:${event.data.responseId}`,
              enteredAt: event.occurredAt,
            },
          ])
        }
        const lowScore = await byKind(event, 'survey_low_score')
        const applies = lowScore.some(
          (j) =>
            j.trigger.kind === 'survey_low_score' &&
            (j.trigger.surveyId === null || j.trigger.surveyId === surveyId),
        )
        if (applies) await raiseLowScoreAlert(deps, event.data.responseId)
        return
      }
      default:
        return
    }
  }

  return {
    name: 'journeys',
    types: [
      'member.followed',
      'member.unfollowed',
      'purchase.recorded',
      'tier.changed',
      'survey.answered',
    ],
    // From the oldest retained event: each journey itself ignores what came before it was on.
    handle,
  }
}

/**
 * The staff alert of a low score: "low" is the survey's own thresholds (the response's low_score
 * flag), the text and the dedupe key are the survey closed loop's, so a response raises one alert
 * whichever of the two paths commits first (the staff_alerts UNIQUE key, in the same commit).
 */
async function raiseLowScoreAlert(deps: JourneyDeps, responseId: number): Promise<void> {
  const found = await lowScoreCaseOf(deps.surveys, responseId)
  if (!found) return
  await deps.uow.commit([
    deps.alerts.raiseWrite({
      kind: 'low_score',
      memberId: found.memberId,
      surveyResponseId: found.responseId,
      summary: lowScoreSummary(found),
      dedupeKey: lowScoreAlertKey(found.responseId),
      at: found.at,
    }),
  ])
}

/**
 * Keeps each member's purchase rhythm (median gap, expected next purchase) for the purchase-cycle
 * trigger, and the instant their tier would drop for the tier-drop trigger: recomputed from the
 * member's purchases on each purchase, refund and tier change (idempotent).
 */
export function purchaseCycleSubscriber(
  deps: Pick<JourneyDeps, 'store' | 'clock' | 'timeZone'>,
): EventSubscriber {
  return {
    name: 'journeys-purchase-cycle',
    types: ['purchase.recorded', 'purchase.refunded', 'tier.changed'],
    async handle(event) {
      if (event.memberId === null) return
      const now = deps.clock.now()
      if (event.type !== 'tier.changed') await deps.store.refreshPurchaseCycle(event.memberId, now)
      await refreshTierDrop(deps, event.memberId, now)
    },
  }
}

/** Recomputes when the member's tier would fall without another purchase. */
export async function refreshTierDrop(
  deps: Pick<JourneyDeps, 'store' | 'timeZone'>,
  memberId: number,
  now: number,
): Promise<void> {
  const facts = await deps.store.tierDropFacts(memberId, monthsBefore(now, 12, deps.timeZone))
  await deps.store.setTierDropAt(
    memberId,
    tierDropAt(facts.thresholdYen, facts.purchases, deps.timeZone),
    now,
  )
}

/** A survey trigger without thresholds takes every answer; with them, a low score in either. */
function isLowEnough(
  trigger: { npsAtMost: number | null; ratingAtMost: number | null },
  nps: number | null,
  rating: number | null,
): boolean {
  if (trigger.npsAtMost === null && trigger.ratingAtMost === null) return true
  return (
    (trigger.npsAtMost !== null && nps !== null && nps <= trigger.npsAtMost) ||
    (trigger.ratingAtMost !== null && rating !== null && rating <= trigger.ratingAtMost)
  )
}
