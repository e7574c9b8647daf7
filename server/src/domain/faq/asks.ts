import type { RowRef, Write } from '../unit-of-work.ts'

/**
 * What the FAQ stage did with each customer message, as the domain sees it; implemented in
 * db/repositories/faq-ask-repository.ts.
 */
export type FaqAskOutcome = 'answered' | 'handed_over' | 'picked'
export type FaqFeedback = 'resolved' | 'escalated'

export interface FaqAsk {
  id: number
  memberId: number
  text: string
  outcome: FaqAskOutcome
  entryId: number | null
  confidence: number
  feedback: FaqFeedback | null
  learnedEntryId: number | null
  dismissedAt: number | null
  createdAt: number
}

export interface FaqEntryFigures {
  entryId: number
  /** Messages the bot answered with the entry (outright or by a tapped suggestion). */
  answered: number
  /** 「解決した」 taps after its answer. */
  resolved: number
  /** 「スタッフに聞く」 taps after its answer. */
  escalated: number
}

export interface FaqAskStore {
  record(input: {
    memberId: number
    text: string
    outcome: 'answered' | 'handed_over'
    entryId: number | null
    confidence: number
    at: number
  }): Promise<number>
  find(id: number): Promise<FaqAsk | null>
  /** The member's feedback on their own ask; false when the ask is not theirs. */
  feedback(input: {
    askId: number
    memberId: number
    feedback: FaqFeedback
    at: number
  }): Promise<boolean>
  /** The member tapped a suggested entry after a hand-over; false when the ask is not theirs. */
  picked(input: { askId: number; memberId: number; entryId: number }): Promise<boolean>
  /** Hand-overs staff have not taught or dismissed, newest first. */
  openUnanswered(input: { since: number; limit: number; memberId?: number }): Promise<FaqAsk[]>
  /**
   * Marks open asks as taught to an entry (its ID, or the entry the same commit inserts), planned
   * with the FAQ edit and its audit row.
   */
  markLearnedWrite(input: {
    askIds: readonly number[]
    entryId: number | RowRef
    at: number
  }): Write
  /** Takes open asks off the list, planned with the audit row. */
  dismissWrite(input: { askIds: readonly number[]; at: number }): Write
  figures(input: { since: number }): Promise<FaqEntryFigures[]>
}
