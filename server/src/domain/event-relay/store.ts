import type { Write } from '../unit-of-work.ts'
import type { DomainEvent, DomainEventType } from '../events/events.ts'

/** A subscriber's cursor while one runner holds it. */
export interface ClaimedCursor {
  /** The last event ID handed over (or skipped as not of its types). */
  position: number
  /** Failed attempts at the event after `position`. */
  attempts: number
}

/** A subscriber's cursor as stored (read without taking it). */
export interface CursorState {
  position: number
  /** Another runner holds it until then (0: free). */
  leaseUntil: number
  /** A failed event is retried no earlier than this. */
  retryAt: number
}

/** A subscriber that gave up on an event: kept for staff, with the reason. */
export interface ParkedEvent {
  subscriber: string
  eventId: number
  eventType: string
  error: string
  attempts: number
  failedAt: number
}

/** The event log and the subscribers' cursors. */
export interface EventStore {
  /** The newest event ID; every ID up to it is committed (IDs are assigned in commit order). */
  headId(): Promise<number>
  /** Every subscriber's cursor by name, as stored (one read per relay pass). */
  cursors(): Promise<Map<string, CursorState>>
  /** The first event in (after, upTo] of these types, or null when there is none. */
  firstOf(
    after: number,
    upTo: number,
    types: readonly DomainEventType[],
  ): Promise<{ id: number; recordedAt: number } | null>
  /**
   * Moves a free cursor forward over events that are none of its subscriber's (no lease needed:
   * nothing is handed over); a held or retrying cursor is left alone.
   */
  skipTo(subscriber: string, position: number, now: number): Promise<void>
  /** Events in (after, upTo] of these types, oldest first. */
  read(
    after: number,
    upTo: number,
    types: readonly DomainEventType[],
    limit: number,
  ): Promise<DomainEvent[]>
  /** Events recorded by one dedupe key (what a replayed command recorded the first time). */
  byDedupeKeys(keys: string[]): Promise<DomainEvent[]>
  /**
   * Takes the subscriber's cursor for `leaseMs` under `token` (made at `start` the first time);
   * null while another runner holds it or its retry is not due.
   */
  claim(
    subscriber: string,
    token: string,
    now: number,
    leaseMs: number,
    start: 'oldest' | 'latest',
  ): Promise<ClaimedCursor | null>
  /** Moves the cursor forward and releases it (only while `token` holds it). */
  advance(subscriber: string, token: string, position: number, now: number): Promise<void>
  /** Keeps the cursor where it is, counts the failure and releases it until `retryAt`. */
  retryLater(
    subscriber: string,
    token: string,
    position: number,
    attempts: number,
    retryAt: number,
    error: string,
    now: number,
  ): Promise<void>
  /** Gives up on one event: a parked row for staff and the cursor past it, in one commit. */
  park(
    subscriber: string,
    token: string,
    event: DomainEvent,
    attempts: number,
    error: string,
    now: number,
  ): Promise<void>
  /** True when the event's reply already carried this subscriber's contribution. */
  handledInReply(subscriber: string, eventId: number): Promise<boolean>
  /** Planned with the reply that carries a contribution (see EventSubscriber.replyContribution). */
  handledInReplyWrite(subscriber: string, eventId: number, now: number): Write
  /**
   * Deletes up to `limit` events recorded before `before` that every live cursor has passed
   * (`subscribers`: the names in use now; a cursor of a removed subscriber holds nothing back).
   */
  prune(before: number, subscribers: readonly string[], limit: number): Promise<number>
  parked(limit: number): Promise<ParkedEvent[]>
}
