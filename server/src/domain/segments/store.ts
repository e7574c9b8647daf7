import type { BuiltInThresholds, Segment, SegmentRule, SegmentSampleMember } from '@joren/shared'
import type { RowRef, Write } from '../unit-of-work.ts'

/* The segments' port: what the domain needs from where segments and the summary they read live (db/segments and db/repositories/segment-repository.ts are its adapter). */

/** Where segment rules are evaluated: relative dates are measured from `now` in the shop's zone. */
export interface SegmentContext {
  now: number
  timeZone: string
}

export interface SegmentCounts {
  count: number
  sendableCount: number
  sample: SegmentSampleMember[]
}

/**
 * Saved and built-in segments. Reads answer now; `…Write` methods plan one statement for a commit
 * with its audit row (see UnitOfWork).
 */
export interface SegmentStore {
  /** Inserts the built-in segments that are missing (first writer wins). */
  ensureBuiltIns(now: number): Promise<void>
  /** Built-ins in their fixed order, then saved segments by name. */
  list(): Promise<Segment[]>
  find(id: number): Promise<Segment | null>
  /** How many members match, how many of those a broadcast would reach, and the first few. */
  count(rules: SegmentRule, ctx: SegmentContext): Promise<SegmentCounts>
  createWrite(input: { name: string; rules: SegmentRule; createdBy: number }, now: number): Write
  /** The ID the create of the same commit assigned. */
  insertedId(): RowRef
  /** The newest segment this staff member created under this name at `now` (after its commit). */
  findCreated(createdBy: number, name: string, now: number): Promise<Segment | null>
  /** A new name and/or the stored rules (a rule tree, or a built-in's thresholds). */
  updateWrite(
    id: number,
    patch: { name?: string; stored?: SegmentRule | BuiltInThresholds },
    now: number,
  ): Write
  /**
   * Fails the whole commit while a broadcast not yet finished sends to this segment (its guard
   * and the delete after it commit together, so no such broadcast can slip in between).
   */
  notInUseGuardWrite(id: number): Write
  /** Deletes a saved segment (never a built-in); changes no row when it is already gone. */
  removeWrite(id: number): Write
  /** Broadcasts not yet finished whose audience is this segment. */
  activeBroadcastsUsing(id: number): Promise<{ id: number; title: string }[]>
}

/**
 * Rebuilds the per-member purchase summary the rules read, as of `now` (12-month window from
 * `windowStart`); each runtime may bring its own (Node: worker threads), the default is set-based SQL.
 */
export type SummaryRebuild = (windowStart: number, now: number) => Promise<unknown>
