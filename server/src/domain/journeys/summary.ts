import type { JourneyStepStats, JourneySummary } from '@joren/shared'
import type { JourneyStore, StoredJourney } from './store.ts'

/** A journey with its counts: runs per status, and per step sent / skipped / waiting / converted. */
export async function summarizeJourney(
  store: JourneyStore,
  journey: StoredJourney,
): Promise<JourneySummary> {
  const [runs, steps, waiting, converted, redeemed] = await Promise.all([
    store.runCounts(journey.id),
    store.stepCounts(journey.id),
    store.waitingAt(journey.id),
    store.convertedAfter(journey.id),
    store.couponsRedeemed(journey.id),
  ])
  const stepStats: JourneyStepStats[] = journey.steps.map((_, step) => {
    const mine = steps.filter((s) => s.step === step)
    const skipped: Record<string, number> = {}
    for (const s of mine)
      if (s.outcome === 'skipped')
        skipped[s.reason ?? 'unknown'] = (skipped[s.reason ?? 'unknown'] ?? 0) + s.n
    const sent = mine.filter((s) => s.outcome === 'sent').reduce((a, s) => a + s.n, 0)
    const skippedTotal = Object.values(skipped).reduce((a, n) => a + n, 0)
    return {
      step,
      entered: sent + skippedTotal + (waiting.find((w) => w.step === step)?.n ?? 0),
      sent,
      skipped,
      deferred: mine.filter((s) => s.outcome === 'deferred').reduce((a, s) => a + s.n, 0),
      converted: converted.find((c) => c.step === step)?.n ?? 0,
      couponsRedeemed: redeemed.find((r) => r.step === step)?.n ?? 0,
    }
  })
  const count = (pred: (r: { status: string; exitReason: string | null }) => boolean) =>
    runs.filter(pred).reduce((a, r) => a + r.n, 0)
  const { triggerCursor: _cursor, ...rest } = journey
  return {
    ...rest,
    entered: count((r) => r.status !== 'holdout'),
    active: count((r) => r.status === 'active'),
    heldOut: count((r) => r.status === 'holdout'),
    converted: count((r) => r.exitReason === 'converted'),
    stepStats,
  }
}
