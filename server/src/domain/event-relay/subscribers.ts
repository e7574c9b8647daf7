import type { LineMessage } from '../messaging/messenger.ts'
import type { DomainEvent, DomainEventType } from '../events/events.ts'

/**
 * Consumes domain events after they are committed, at least once: `handle` must be idempotent
 * (key its effects by the event ID or by what the event is about). Each subscriber keeps its own
 * cursor, so one failing or slow subscriber never holds up another.
 */
export interface EventSubscriber {
  /** Stable name; the key of its cursor (renaming it starts a new cursor). */
  name: string
  types: readonly DomainEventType[]
  /**
   * Where a new subscriber's cursor starts: at the oldest retained event ('oldest', the default,
   * e.g. rollups) or after the newest one when it is first seen ('latest', e.g. anything that
   * messages members and must not act on old history).
   */
  startAt?: 'oldest' | 'latest'
  handle(event: DomainEvent): Promise<void>
  /**
   * Messages that may join the free reply to the LINE event behind this domain event (e.g. the
   * welcome coupon card with the welcome message). Called right after the commit while the reply
   * token is fresh; whatever it returns is sent in that reply, and `handle` is then never called
   * for this event. Idempotent like `handle`. Subscribers with it are handed events by the relay
   * only after REPLY_CONTRIBUTION_WINDOW_MS, when the reply has gone one way or the other.
   */
  replyContribution?(event: DomainEvent): Promise<LineMessage[]>
}
