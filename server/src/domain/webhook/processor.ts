import { backoffDelay } from '../backoff.ts'
import { deliverEvents, type EventRelayDeps } from '../events/relay.ts'
import { deliverDueMessages } from '../messaging/outbox.ts'
import { handleEvent, type EventDeps, type EventOutcome } from './handle-event.ts'
import type { InboxRepository } from './inbox.ts'

export interface ProcessorDeps extends EventDeps {
  inbox: InboxRepository
  /** Domain events to their subscribers, in the same drain (after the messages). */
  relay?: EventRelayDeps
}

export const EVENT_MAX_ATTEMPTS = 8
const EVENT_LEASE_MS = 60_000

/** Processes due inbox events; a failing event is retried with backoff, then parked as dead. */
/**
 * Called between two events or messages; a runtime may use it to yield the thread (Node's drain
 * shares it with the webhook). Returns nothing when there is no need to wait.
 */
export type Pace = () => Promise<void> | undefined

export async function processDueEvents(
  deps: ProcessorDeps,
  limit = 50,
  pace?: Pace,
): Promise<number> {
  const events = await deps.inbox.claimDue(deps.clock.now(), limit, EVENT_LEASE_MS)
  const handled: { eventId: string; status: EventOutcome }[] = []
  for (const { eventId, event, receivedAt, attempts } of events) {
    await pace?.()
    try {
      handled.push({ eventId, status: await handleEvent(deps, event, receivedAt) })
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
    }
  }
  // One write marks the whole batch: every effect is keyed by the event ID, so a crash before it
  // only re-runs events whose effects are already in place.
  if (handled.length > 0) await deps.inbox.markDone(handled, deps.clock.now())
  return events.length
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
