import { backoffDelay } from '../backoff.ts'
import { deliverDueMessages } from '../messaging/outbox.ts'
import { handleEvent, type EventDeps } from './handle-event.ts'
import type { InboxRepository } from './inbox.ts'

export interface ProcessorDeps extends EventDeps {
  inbox: InboxRepository
}

export const EVENT_MAX_ATTEMPTS = 8
const EVENT_LEASE_MS = 60_000

/** Processes due inbox events; a failing event is retried with backoff, then parked as dead. */
export async function processDueEvents(deps: ProcessorDeps, limit = 50): Promise<number> {
  const events = await deps.inbox.claimDue(deps.clock.now(), limit, EVENT_LEASE_MS)
  for (const { eventId, event, receivedAt, attempts } of events) {
    try {
      const outcome = await handleEvent(deps, event, receivedAt)
      await deps.inbox.markDone(eventId, outcome, deps.clock.now())
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
  return events.length
}

/**
 * One pass over everything due: events first (they enqueue messages), then the outbox. Bounded so
 * a single pass never holds the event loop or a Workers invocation for long.
 */
export async function drainOnce(deps: ProcessorDeps, batch = 50): Promise<number> {
  const events = await processDueEvents(deps, batch)
  const sent = await deliverDueMessages(deps, batch)
  return events + sent
}
