import type { AlertPrefs, StaffAlert } from '@joren/shared'
import type { PlanOptions, RowRef, Write } from '../unit-of-work.ts'

/** What the support domain needs from storage; implemented in db/repositories/support-*.ts. */

export type ConversationStatus = 'open' | 'pending' | 'closed'
export type OpenReason = 'unanswered' | 'ask_staff' | 'low_score' | 'staff'
export type AlertKind = 'new_conversation' | 'low_score'

export interface ConversationState {
  id: number
  memberId: number
  status: ConversationStatus
  cycle: number
  ackedCycle: number
  openedAt: number
}

/** How a conversation (re)opens: the reason and whether the member's newest message is unread. */
export interface OpenConversationInput {
  memberId: number
  reason: OpenReason
  at: number
  /**
   * The member's newest inbound message (the one that asked for staff) starts the unread count;
   * otherwise everything so far is read.
   */
  countLatestInbound: boolean
}

export interface ConversationStore {
  findByMember(memberId: number): Promise<ConversationState | null>
  /** Creates the member's conversation (cycle 1) unless they have one (UNIQUE member_id). */
  createWrite(input: OpenConversationInput): Write
  /**
   * Reopens the member's conversation as cycle `fromCycle + 1`, only while it is still closed at
   * `fromCycle`: of concurrent reopenings one changes the row.
   */
  reopenWrite(input: OpenConversationInput & { fromCycle: number }): Write
  /** The member's conversation ID inside a commit (after the write that creates it). */
  idOf(memberId: number): RowRef
  /** `conversation:<id>:cycle:<n>` of the member's conversation inside a commit. */
  cycleKeyOf(memberId: number): RowRef
  /** Marks this cycle acknowledged; true only for the one call that did it. */
  claimAck(conversationId: number, at: number): Promise<boolean>
  /**
   * After an inbound message of the member: if their conversation is open or pending, recount
   * unread, move last_message_at / last_inbound_at, set pending back to open, and keep the reply
   * token the bot left unused. Idempotent (recounts rather than increments).
   */
  noteInbound(input: {
    memberId: number
    at: number
    /** The processing time: what the inbox's polling sees as the change time. */
    now: number
    unusedReplyToken: { token: string; expiresAt: number } | null
  }): Promise<boolean>
  /** Queues the content of an inbound image for the fetch job (idempotent per event). */
  queueContent(input: { eventId: string; lineMessageId: string; at: number }): Promise<void>
}

export interface NewStaffAlert {
  kind: AlertKind
  memberId: number
  /** A RowRef when the same commit opens the conversation. */
  conversationId?: number | RowRef
  surveyResponseId?: number
  summary: string
  /** Raising is idempotent by this key (a RowRef when it names a conversation the commit opens). */
  dedupeKey: string | RowRef
  at: number
}

/** Staff alerts: raised with what they are about, listed and resolved by staff; LINE prefs. */
export interface StaffAlertStore {
  /** Plans the alert unless one with the same dedupe key exists (ON CONFLICT DO NOTHING). */
  raiseWrite(alert: NewStaffAlert, options?: PlanOptions): Write
  /** Newest first, keyset on the ID. */
  list(input: { open: boolean; beforeId: number | null; limit: number }): Promise<StaffAlert[]>
  countOpen(): Promise<number>
  find(
    id: number,
  ): Promise<{ id: number; resolvedAt: number | null; resolvedBy: number | null } | null>
  /** Resolves it only while it is unresolved (one of concurrent resolutions changes the row). */
  resolveWrite(id: number, staffId: number, now: number): Write
  prefs(staffId: number): Promise<AlertPrefs>
  /** Saves the prefs; turning LINE alerts on starts from now (no push about older alerts). */
  savePrefsWrite(staffId: number, prefs: AlertPrefs, now: number): Write
}
