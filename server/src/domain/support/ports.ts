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
}

export interface OpenedConversation {
  conversationId: number
  cycle: number
  created: boolean
  reopened: boolean
}

export interface ConversationStore {
  /**
   * Creates the member's conversation (UNIQUE member_id), or reopens a closed one as a new cycle;
   * an open or pending one is left as it is. `countLatestInbound`: the member's newest inbound
   * message (the one that asked for staff) starts the unread count; otherwise all is read.
   */
  open(input: {
    memberId: number
    reason: OpenReason
    at: number
    countLatestInbound: boolean
  }): Promise<OpenedConversation>
  findByMember(memberId: number): Promise<ConversationState | null>
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
  conversationId?: number
  surveyResponseId?: number
  summary: string
  dedupeKey: string
  at: number
}

export interface StaffAlertStore {
  /** Stores the alert unless one with the same dedupe key exists; true when this call stored it. */
  raise(alert: NewStaffAlert): Promise<boolean>
}
