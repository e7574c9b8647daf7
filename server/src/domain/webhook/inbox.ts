import type { WebhookEvent } from '@joren/shared'

export interface InboxEvent {
  eventId: string
  event: WebhookEvent
  receivedAt: number
  attempts: number
}

export interface NewInboxEvent {
  eventId: string
  type: string
  lineUserId: string | null
  replyToken: string | null
  eventAt: number
  isRedelivery: boolean
  payload: string
  /**
   * Why the event was parked on arrival (Japanese, shown to staff): stored as-is with status
   * 'parked' and never processed. Null for an event that goes to the processor.
   */
  parkedReason: string | null
}

export interface InboxRepository {
  /**
   * Stores events keyed by webhookEventId; a replay is ignored. Returns how many were new. A parked
   * event is stored with status 'parked' and its reason; the database raises a staff alert for it
   * in the same statement (migration 0008).
   */
  store(events: NewInboxEvent[], now: number): Promise<number>
  /**
   * Claims due events (pending, or processing with an expired lease after a crash), oldest first.
   * `interrupted: false` skips the expired leases (a continuous claimer looks for them now and then).
   * `freshAfter`: events after this time whose reply token is unused go first, the oldest first
   * (unless an older event of the same member is still pending: a member's events keep their order).
   */
  claimDue(
    now: number,
    limit: number,
    leaseMs: number,
    options?: { interrupted?: boolean; freshAfter?: number },
  ): Promise<InboxEvent[]>
  /** Marks handled events in one write (their effects are idempotent, so a crash just re-runs them). */
  markDone(outcomes: { eventId: string; status: 'done' | 'ignored' }[], now: number): Promise<void>
  markRetry(eventId: string, nextAttemptAt: number, error: string): Promise<void>
  markDead(eventId: string, error: string, now: number): Promise<void>
  /** After a restart of the only process using the database: what it had in flight is due again. */
  releaseInterrupted(now: number): Promise<number>
}

export function toInboxRow(event: WebhookEvent, raw: unknown): NewInboxEvent {
  const replyToken = event.replyToken ?? null
  return {
    eventId: event.webhookEventId,
    type: event.type,
    lineUserId: event.source?.userId ?? null,
    // Redeliveries carry reply tokens that have already gone stale: never try them.
    replyToken: event.deliveryContext.isRedelivery ? null : replyToken,
    eventAt: event.timestamp,
    isRedelivery: event.deliveryContext.isRedelivery,
    payload: JSON.stringify(raw),
    parkedReason: null,
  }
}
