import { JourneyGoalSchema, JourneyStepSchema, JourneyTriggerSchema } from '@joren/shared'
import { localDate } from '../loyalty/dates.ts'
import { startOfDayInZone } from '../time.ts'
import { DAY, DEMO_DORMANT_DAYS, HOLDOUT, HOUR, type DemoContext } from './demo-context.ts'
import type { CouponBook, DemoTemplates } from './demo-coupons.ts'
import * as text from './demo-texts.ts'

/** The dormant journey (おかえりなさいクーポン) and the runs it had over the year. */

export interface DemoRun {
  id: number
  journeyId: number
  memberId: number
  occurrence: string
  status: 'holdout' | 'completed' | 'exited'
  exitReason: string | null
  enteredAt: number
  nextStep: number
  lastSentStep: number | null
  createdAt: number
  endedAt: number | null
}
export interface DemoStepLog {
  id: number
  runId: number
  journeyId: number
  memberId: number
  step: number
  outcome: 'sent'
  couponId: number
  at: number
}
export interface JourneyRows {
  runs: DemoRun[]
  stepLog: DemoStepLog[]
}

export function demoJourney({ ids, now, start }: DemoContext, { templateId }: DemoTemplates) {
  const journeyId = ids.journey + 1
  const journeys = [
    {
      id: journeyId,
      name: 'おかえりなさいクーポン（60日ご来店のない方へ）',
      triggerKind: 'dormant',
      trigger: JSON.stringify(
        JourneyTriggerSchema.parse({ kind: 'dormant', days: DEMO_DORMANT_DAYS }),
      ),
      steps: JSON.stringify([
        JourneyStepSchema.parse({
          wait: { days: 0, hours: 0, at: '12:00' },
          messages: [
            { type: 'text', text: text.DORMANT_MESSAGE },
            { type: 'coupon', templateId: templateId.journey },
          ],
        }),
      ]),
      goal: JSON.stringify(JourneyGoalSchema.parse({ kind: 'purchase', days: 30 })),
      holdoutPercent: 10,
      priority: 50,
      // Off: the demo's guests are not LINE users of the stand-in; its history is what it shows.
      enabled: false,
      triggerCursor: now,
      createdAt: start,
      updatedAt: start,
    },
  ]
  return { journeyId, journeys }
}
export type DemoJourney = ReturnType<typeof demoJourney>

/**
 * Sixty days without a visit: the dormant journey's message (10 % held out). When the guest's
 * next visit (`next`) comes after that day, a run is written; returns the instant the guest comes
 * back thanks to it (before `next` and before now), or null.
 */
export function dormantRun(
  { rng, now, ids, timeZone }: DemoContext,
  { journeyId }: DemoJourney,
  rows: JourneyRows,
  book: CouponBook,
  guest: { memberId: number; lastVisitAt: number; next: number; blockedAt: number | null },
): number | null {
  const { memberId, lastVisitAt, next, blockedAt } = guest
  const dormantAt = lastVisitAt + DEMO_DORMANT_DAYS * DAY
  if (!(next > dormantAt && dormantAt < now - DAY && (blockedAt === null || blockedAt > dormantAt)))
    return null
  const held = rng.chance(HOLDOUT)
  const enteredAt = startOfDayInZone(localDate(dormantAt, timeZone), timeZone) + 12 * HOUR
  const comesBack = rng.chance(held ? 0.06 : 0.2)
  const backAt = enteredAt + rng.between(1, 25) * DAY
  const run = {
    id: ids.run + rows.runs.length + 1,
    journeyId,
    memberId,
    occurrence: String(lastVisitAt),
    status: (held
      ? 'holdout'
      : comesBack && backAt < next && backAt < now
        ? 'exited'
        : 'completed') as 'holdout' | 'completed' | 'exited',
    exitReason: null as string | null,
    enteredAt,
    nextStep: held ? 0 : 1,
    lastSentStep: held ? null : 0,
    createdAt: enteredAt,
    endedAt: held ? null : enteredAt,
  }
  rows.runs.push(run)
  if (!held) {
    const coupon = book.issue(
      'journey',
      memberId,
      enteredAt,
      'automation',
      `journey:${journeyId}:step:0`,
    )
    rows.stepLog.push({
      id: ids.stepLog + rows.stepLog.length + 1,
      runId: run.id,
      journeyId,
      memberId,
      step: 0,
      outcome: 'sent',
      couponId: coupon.id,
      at: enteredAt,
    })
  }
  if (!(comesBack && backAt < next && backAt < now)) return null
  if (!held) {
    run.exitReason = 'converted'
    run.endedAt = backAt
  }
  return backAt
}
