import { backoffDelay } from '../backoff.ts'
import { deliverEvents, type EventRelayDeps } from '../event-relay/relay.ts'
import { deliverDueMessages } from '../messaging/outbox.ts'
import {
  handleEvent,
  REPLY_TOKEN_TTL_MS,
  type EventDeps,
  type EventOutcome,
} from './handle-event.ts'
import { interruptedCheck, type PumpSource } from '../pump.ts'
import type { InboxEvent, InboxRepository } from './inbox.ts'
import type { Pace } from '../ports.ts'

export interface ProcessorDeps extends EventDeps {
  inbox: InboxRepository
  /** Domain events to their subscribers, in the same drain (after the messages). */
  relay?: EventRelayDeps
}

export const EVENT_MAX_ATTEMPTS = 8
const EVENT_LEASE_MS = 60_000

export type { Pace } from '../ports.ts'

/** Processes due inbox events; a failing event is retried with backoff, then parked as dead. */
export async function processDueEvents(
  deps: ProcessorDeps,
  limit = 50,
  pace?: Pace,
): Promise<number> {
  const events = await claimDueEvents(deps, limit)
  const handled: { eventId: string; status: EventOutcome }[] = []
  for (const claimed of events) {
    await pace?.()
    const outcome = await runClaimedEvent(deps, claimed)
    if (outcome) handled.push(outcome)
  }
  // One write marks the whole batch: every effect is keyed by the event ID, so a crash before it
  // only re-runs events whose effects are already in place.
  if (handled.length > 0) await deps.inbox.markDone(handled, deps.clock.now())
  return events.length
}

export function claimDueEvents(
  deps: ProcessorDeps,
  limit: number,
  interrupted = true,
): Promise<InboxEvent[]> {
  const now = deps.clock.now()
  // Fresh reply tokens first, the one expiring first first: under a backlog, an answer that can
  // still be a free reply does not wait behind one that will be pushed anyway.
  return deps.inbox.claimDue(now, limit, EVENT_LEASE_MS, {
    interrupted,
    freshAfter: now - REPLY_TOKEN_TTL_MS,
  })
}

/**
 * Handles one claimed event. A failure is retried later with backoff (or parked dead); otherwise
 * the outcome is returned for the caller to mark done.
 */
export async function runClaimedEvent(
  deps: ProcessorDeps,
  { eventId, event, receivedAt, attempts }: InboxEvent,
): Promise<{ eventId: string; status: EventOutcome } | null> {
  try {
    return { eventId, status: await handleEvent(deps, event, receivedAt) }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    deps.logger.warn('webhook event failed', { eventId, attempts, error: message })
    if (attempts >= EVENT_MAX_ATTEMPTS)
      await deps.inbox.markDead(eventId, message, deps.clock.now())
    else
      await deps.inbox.markRetry(
        eventId,
        deps.clock.now() + backoffDelay(attempts, deps.ids),
        message,
      )
    return null
  }
}

/** Handled events are marked done together, this long after the first of them finished. */
const MARK_DONE_AFTER_MS = 5

/**
 * The inbox as continuous work (Node): events of different members are handled side by side (a
 * follow waiting for the profile look-up holds up nobody else), one member's in order, and
 * `onHandled` runs as each finishes (e.g. to wake the outbox sender). Finished events are marked
 * done a few at a time, in one write (every effect is keyed by the event ID, so an event a crash
 * leaves unmarked is re-run without changing anything twice); `flush()` marks them now.
 */
export function eventPumpSource(
  deps: ProcessorDeps,
  onHandled: () => void,
): PumpSource<InboxEvent> & { flush(): Promise<void> } {
  const checkInterrupted = interruptedCheck(() => deps.clock.now())
  let finished: { eventId: string; status: EventOutcome }[] = []
  let timer: ReturnType<typeof setTimeout> | null = null
  let flushing: Promise<void> = Promise.resolve()
  const flush = (): Promise<void> => {
    if (timer) clearTimeout(timer)
    timer = null
    const outcomes = finished
    finished = []
    if (outcomes.length > 0)
      flushing = flushing
        .then(() => deps.inbox.markDone(outcomes, deps.clock.now()))
        .catch((error: unknown) =>
          deps.logger.error('marking events done failed', { error: String(error) }),
        )
    return flushing
  }
  return {
    claim: (limit) => claimDueEvents(deps, limit, checkInterrupted()),
    keyOf: (claimed) => claimed.event.source?.userId ?? claimed.eventId,
    async handle(claimed) {
      const outcome = await runClaimedEvent(deps, claimed)
      if (outcome) {
        finished.push(outcome)
        timer ??= setTimeout(() => void flush(), MARK_DONE_AFTER_MS)
      }
      onHandled()
    },
    flush,
  }
}

/**
 * Drains pass after pass (Workers: after a webhook, from the queue or the cron). When nothing is
 * due it waits for what comes due within `lingerMs` — a reply tried again a moment later while
 * its token is fresh — rather than leaving it to the next cron, as long as `budgetMs` lasts.
 * Returns false when it stopped with work still due (the caller hands it on).
 */
export async function drainAndLinger(
  deps: ProcessorDeps,
  options: {
    batch: number
    passes: number
    lingerMs: number
    budgetMs: number
    sleep: (ms: number) => Promise<void>
  },
): Promise<boolean> {
  const deadline = deps.clock.now() + options.budgetMs
  for (let i = 0; i < options.passes; i++) {
    if ((await drainOnce(deps, options.batch)) > 0) continue
    const next = await deps.outbox.nextDueAt()
    const now = deps.clock.now()
    if (next === null || next - now > options.lingerMs || next > deadline) return true
    await options.sleep(Math.max(0, next - now))
  }
  return false
}

/**
 * One pass over everything due: webhook events first (they enqueue messages), then the outbox,
 * then domain events to their subscribers. Bounded so a single pass never holds the event loop or
 * a Workers invocation for long.
 */
export async function drainOnce(deps: ProcessorDeps, batch = 50, pace?: Pace): Promise<number> {
  const events = await processDueEvents(deps, batch, pace)
  const sent = await deliverDueMessages(deps, batch, pace)
  const relayed = deps.relay ? await deliverEvents(deps.relay, batch) : 0
  return events + sent + relayed
}
