import { backoffDelay } from '../backoff.ts'
import type { LineMessage } from '../messaging/messenger.ts'
import type { Clock, Ids, Logger } from '../ports.ts'
import type { Write } from '../unit-of-work.ts'
import type { DomainEvent } from '../events/events.ts'
import type { CursorState, EventStore, ParkedEvent } from './store.ts'
import type { EventSubscriber } from './subscribers.ts'

export interface EventRelayDeps {
  store: EventStore
  subscribers: readonly EventSubscriber[]
  clock: Clock
  ids: Ids
  logger: Logger
}

/** A failing event is retried with backoff this many times, then parked for staff. */
export const EVENT_HANDLER_MAX_ATTEMPTS = 8
/** How long a runner holds a subscriber's cursor; a crashed runner's lease simply runs out. */
const CURSOR_LEASE_MS = 60_000
/**
 * A subscriber that contributes to replies gets each event only this long after it was recorded:
 * by then the reply went (with the contribution, marked) or could not (the token is stale).
 */
export const REPLY_CONTRIBUTION_WINDOW_MS = 60_000
/** Events are kept this long, and longer while a subscriber has not passed them. */
export const EVENT_RETENTION_MS = 90 * 24 * 60 * 60 * 1000

/**
 * A cursor that would only pass events of other types is moved (without its lease) once it lags
 * the head by this many IDs, so its look-ahead stays short; nearer, it is left where it is.
 */
const SKIP_AHEAD_IDS = 256

/**
 * Hands committed events to every subscriber, each from its own cursor, at most `batch` events a
 * subscriber per call. Returns how many events were handed over (0: nothing was due).
 *
 * The relay runs after every handled webhook event, so a pass costs two reads (the head and every
 * cursor) plus one look-ahead per subscriber behind the head; only a subscriber with an event of
 * its types due is claimed, read and advanced.
 */
export async function deliverEvents(deps: EventRelayDeps, batch = 100): Promise<number> {
  let head: number
  let cursors: Map<string, CursorState>
  try {
    // The head first: every ID up to it is committed, so a cursor may move to it.
    head = await deps.store.headId()
    cursors = await deps.store.cursors()
  } catch (error) {
    deps.logger.error('event relay failed', { error: String(error) })
    return 0
  }
  let delivered = 0
  for (const subscriber of deps.subscribers) {
    try {
      const cursor = cursors.get(subscriber.name)
      if (cursor && (await nothingDue(deps, subscriber, cursor, head))) continue
      delivered += await deliverTo(deps, subscriber, batch, head)
    } catch (error) {
      // The store itself failed (not the handler): try again on the next pass.
      deps.logger.error('event relay failed', {
        subscriber: subscriber.name,
        error: String(error),
      })
    }
  }
  return delivered
}

/**
 * True when claiming the cursor would hand nothing over: another runner holds it, its retry is not
 * due, or no event of its types up to the head is ready for it (a contributor's first event is
 * still in the reply window). A cursor lagging far behind over other types' events moves on.
 */
async function nothingDue(
  deps: EventRelayDeps,
  subscriber: EventSubscriber,
  cursor: CursorState,
  head: number,
): Promise<boolean> {
  const now = deps.clock.now()
  if (cursor.leaseUntil > now || cursor.retryAt > now) return true
  if (cursor.position >= head) return true
  const first = await deps.store.firstOf(cursor.position, head, subscriber.types)
  const passable = first === null ? head : first.id - 1
  if (passable - cursor.position >= SKIP_AHEAD_IDS)
    await deps.store.skipTo(subscriber.name, passable, now)
  if (first === null) return true
  return (
    subscriber.replyContribution !== undefined &&
    first.recordedAt > now - REPLY_CONTRIBUTION_WINDOW_MS
  )
}

async function deliverTo(
  deps: EventRelayDeps,
  subscriber: EventSubscriber,
  batch: number,
  head: number,
): Promise<number> {
  const { store, clock } = deps
  const token = deps.ids.uuid()
  const now = clock.now()
  const cursor = await store.claim(
    subscriber.name,
    token,
    now,
    CURSOR_LEASE_MS,
    subscriber.startAt ?? 'oldest',
  )
  if (!cursor) return 0
  const events = await store.read(cursor.position, head, subscriber.types, batch)
  let position = cursor.position
  let failures = cursor.attempts
  let delivered = 0
  for (const event of events) {
    if (
      subscriber.replyContribution &&
      event.recordedAt > clock.now() - REPLY_CONTRIBUTION_WINDOW_MS
    ) {
      // Too fresh: the reply may still carry it. Stop here; the next pass comes back.
      await store.advance(subscriber.name, token, position, clock.now())
      return delivered
    }
    const inReply =
      subscriber.replyContribution !== undefined &&
      (await store.handledInReply(subscriber.name, event.id))
    if (!inReply) {
      try {
        await subscriber.handle(event)
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error)
        const attempts = failures + 1
        deps.logger.warn('event subscriber failed', {
          subscriber: subscriber.name,
          eventId: event.id,
          type: event.type,
          attempts,
          error: message,
        })
        if (attempts < EVENT_HANDLER_MAX_ATTEMPTS) {
          await store.retryLater(
            subscriber.name,
            token,
            position,
            attempts,
            clock.now() + backoffDelay(attempts, deps.ids),
            message,
            clock.now(),
          )
          return delivered
        }
        await store.park(subscriber.name, token, event, attempts, message, clock.now())
        // Parking moved the cursor past the event and released it: claim again next pass.
        return delivered + 1
      }
    }
    position = event.id
    failures = 0
    delivered++
  }
  // Fewer than a batch: nothing of this subscriber's types lies between the last one and the head.
  if (events.length < batch) position = Math.max(position, head)
  await store.advance(subscriber.name, token, position, clock.now())
  return delivered
}

/**
 * Right after a command recorded `events` and while the LINE event behind them can still be
 * answered for free: asks each contributing subscriber for messages to join that reply. Returns
 * the messages and the writes that mark those events handled — commit them with the reply, so the
 * relay never sends the same thing again by push. A contributor that fails is left to the relay.
 */
export async function replyContributions(
  deps: Pick<EventRelayDeps, 'store' | 'subscribers' | 'clock' | 'logger'>,
  events: readonly DomainEvent[],
): Promise<{ messages: LineMessage[]; handled: Write[] }> {
  const messages: LineMessage[] = []
  const handled: Write[] = []
  for (const event of events) {
    for (const subscriber of deps.subscribers) {
      if (!subscriber.replyContribution || !subscriber.types.includes(event.type)) continue
      try {
        if (await deps.store.handledInReply(subscriber.name, event.id)) continue
        const contribution = await subscriber.replyContribution(event)
        messages.push(...contribution)
        handled.push(deps.store.handledInReplyWrite(subscriber.name, event.id, deps.clock.now()))
      } catch (error) {
        deps.logger.warn('reply contribution failed; the relay will deliver it', {
          subscriber: subscriber.name,
          eventId: event.id,
          error: String(error),
        })
      }
    }
  }
  return { messages, handled }
}

/** Drops events past retention that every subscriber has passed; bounded per call. */
export async function pruneEvents(deps: EventRelayDeps, limit = 5_000): Promise<number> {
  return deps.store.prune(
    deps.clock.now() - EVENT_RETENTION_MS,
    deps.subscribers.map((s) => s.name),
    limit,
  )
}

export function parkedEvents(
  deps: Pick<EventRelayDeps, 'store'>,
  limit = 100,
): Promise<ParkedEvent[]> {
  return deps.store.parked(limit)
}
