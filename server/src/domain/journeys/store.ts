import type {
  GroupOutcome,
  JourneyDraftParsed,
  JourneyGoal,
  JourneyStep,
  JourneyTimelineEntry,
  JourneyTrigger,
} from '@joren/shared'
import type { RowRef, Write } from '../unit-of-work.ts'

export interface StoredJourney {
  id: number
  templateKey: string | null
  name: string
  trigger: JourneyTrigger
  audienceSegmentId: number | null
  steps: JourneyStep[]
  goal: JourneyGoal
  holdoutPercent: number
  priority: number
  enabled: boolean
  triggerCursor: number | null
  createdAt: number
  updatedAt: number
}

export interface NewRun {
  journeyId: number
  memberId: number
  occurrence: string
  status: 'active' | 'holdout'
  enteredAt: number
  scheduledAt: number | null
  now: number
}

export interface ClaimedRun {
  id: number
  journeyId: number
  memberId: number
  occurrence: string
  enteredAt: number
  nextStep: number
  scheduledAt: number | null
  nextDueAt: number | null
  /** The claim's lease end, also its token: writes of this claim are guarded by it. */
  token: number
}

/** What a step needs to know about its member, read when it is due. */
export interface MemberFacts {
  memberId: number
  lineUserId: string
  language: string | null
  following: boolean
  /** Following and consenting to marketing messages. */
  sendable: boolean
  name: string | null
  points: number | null
  tier: string | null
  /** When the marketing consent last changed (null: never given). */
  consentUpdatedAt: number | null
  /** Completed purchases after `since` (the run's entry). */
  purchasedSince: boolean
}

export interface StepLogEntry {
  runId: number
  journeyId: number
  memberId: number
  step: number
  outcome: 'sent' | 'skipped' | 'deferred'
  reason: string | null
  outboxKey: string | null
  couponId: number | null
  at: number
}

/** The next step's schedule after one is done, or the end of the run. */
export type Advance =
  | { kind: 'next'; nextStep: number; scheduledAt: number; nextDueAt: number }
  | { kind: 'completed' }

/** One run's step done: `sentStep` when the step was sent (the run's last sent step). */
export interface RunAdvance {
  runId: number
  step: number
  advance: Advance
  sentStep: number | null
}

export interface StepCounts {
  step: number
  outcome: 'sent' | 'skipped' | 'deferred'
  reason: string | null
  n: number
}

/** The journeys' persistence. Reads answer at once; `…Write` methods plan one commit's writes. */
export interface JourneyStore {
  list(): Promise<StoredJourney[]>
  find(id: number): Promise<StoredJourney | null>
  enabled(): Promise<StoredJourney[]>
  templateKeys(): Promise<string[]>
  createWrite(
    draft: JourneyDraftParsed,
    options: { templateKey: string | null; staffId: number | null; now: number },
  ): Write
  insertedId(): RowRef
  findCreated(staffId: number, name: string, now: number): Promise<StoredJourney | null>
  updateWrite(id: number, draft: JourneyDraftParsed, now: number): Write
  /** On / off; switching on sets where scheduled triggers start looking. */
  setEnabledWrite(id: number, enabled: boolean, cursor: number | null, now: number): Write
  /** Moves the trigger cursor forward (never back). */
  advanceCursor(id: number, cursor: number): Promise<void>

  /** Inserts runs, once per (journey, member, occurrence); returns how many were new. */
  enter(runs: NewRun[]): Promise<number>
  /** Members among `memberIds` who are following the account. */
  following(memberIds: number[]): Promise<Set<number>>
  /** Members among `memberIds` in the segment now (measured in the shop's zone). */
  inSegment(
    segmentId: number,
    memberIds: number[],
    ctx: { now: number; timeZone: string },
  ): Promise<Set<number>>
  /** Due active runs, leased for `leaseMs` (one statement: two schedulers never share one). */
  claimDue(now: number, leaseMs: number, limit: number): Promise<ClaimedRun[]>
  /** Whether anything is due (the cheap check of an idle tick). */
  anyDue(now: number): Promise<boolean>
  memberFacts(memberId: number, since: number): Promise<MemberFacts | null>
  /** The facts of many runs' members in one query (keyed by run ID; a missing member is absent). */
  memberFactsMany(
    runs: { runId: number; memberId: number; since: number }[],
  ): Promise<Map<number, MemberFacts>>
  activeRunsOf(memberId: number): Promise<ClaimedRun[]>
  /**
   * A claimed batch's step log rows in one statement (INSERT … SELECT over one JSON parameter);
   * a step is logged sent or skipped once per run (the (run, step) key), whatever the races.
   */
  logsWrite(entries: readonly StepLogEntry[]): Write
  /**
   * A batch's steps done in one statement: each run on to its next step or completed, only while
   * it is still active at its step (a re-claimed run that moved on is left alone).
   */
  advancesWrite(advances: readonly RunAdvance[], now: number): Write
  /** A batch's steps waiting until `until` (quiet hours), lease released, in one statement. */
  defersWrite(defers: readonly { runId: number; step: number; until: number }[]): Write
  /** Ends a batch's active runs (each with its reason) in one statement. */
  endsWrite(ends: readonly { runId: number; reason: string }[], now: number): Write
  /** Ends an active run (exit with a reason). */
  endWrite(runId: number, reason: string, now: number): Write

  /** Scheduled trigger sources, paged by member ID / (instant, member ID). */
  birthdayMembers(
    mmdds: string[],
    afterMemberId: number,
    limit: number,
  ): Promise<{ memberId: number }[]>
  dormantMembers(
    from: number,
    to: number,
    after: { at: number; memberId: number },
    limit: number,
  ): Promise<{ memberId: number; lastPurchaseAt: number }[]>
  cycleMembers(
    from: number,
    to: number,
    minPurchases: number,
    after: { at: number; memberId: number },
    limit: number,
  ): Promise<{ memberId: number; expectedNextAt: number; lastPurchaseAt: number }[]>

  /**
   * Members' points expiring in (from, to], one row per (expiry instant, member) with points left,
   * paged by (expiresAt, memberId) over the lots' expiry index.
   */
  expiringPoints(
    from: number,
    to: number,
    after: { at: number; memberId: number },
    limit: number,
  ): Promise<{ memberId: number; expiresAt: number; points: number }[]>
  /** Unused coupons expiring in (from, to], paged by (expiresAt, couponId) over an index. */
  expiringCoupons(
    from: number,
    to: number,
    after: { at: number; couponId: number },
    limit: number,
  ): Promise<{ memberId: number; couponId: number; expiresAt: number }[]>

  /**
   * Members whose tier drops in (from, to] (the summary's tier_drops_at), paged by
   * (dropsAt, memberId) over its index.
   */
  tierDropMembers(
    from: number,
    to: number,
    after: { at: number; memberId: number },
    limit: number,
    /** Leaves out members with a tier-drop run of this journey entered at or after `since`. */
    unlessEntered?: { journeyId: number; since: number },
  ): Promise<{ memberId: number; dropsAt: number }[]>
  /**
   * What the tier-drop instant is computed from: the threshold of the member's tier when a lower
   * tier exists (null: lowest tier or none), and their completed purchases after `since`.
   */
  tierDropFacts(
    memberId: number,
    since: number,
  ): Promise<{ thresholdYen: number | null; purchases: { at: number; yen: number }[] }>
  /** Stores the member's tier-drop instant (null: none). */
  setTierDropAt(memberId: number, dropsAt: number | null, now: number): Promise<void>
  /** The highest member ID holding a tier or a drop instant (where a recompute ends). */
  tierMemberCeiling(): Promise<number>
  /**
   * Set-based tier-drop anchors of the members with IDs in [fromId, toId): for each member whose
   * tier has a lower one below it and whose completed spend after `since` reaches its threshold,
   * the purchase whose ageing-out takes the spend below it (see `tierDropAt`).
   */
  tierDropAnchors(
    fromId: number,
    toId: number,
    since: number,
  ): Promise<{ memberId: number; purchasedAt: number }[]>
  /** Stores the drop instants of [fromId, toId): these members', null for every other one. */
  tierDropsWrites(
    fromId: number,
    toId: number,
    drops: { memberId: number; dropsAt: number }[],
    now: number,
  ): Write[]

  /** Recomputes the member's purchase rhythm from their completed purchases. */
  refreshPurchaseCycle(memberId: number, now: number): Promise<void>
  purchase(purchaseId: number): Promise<{
    memberId: number
    amountYen: number
    categories: string[]
    purchasedAt: number
  } | null>

  runCounts(journeyId: number): Promise<{ status: string; exitReason: string | null; n: number }[]>
  stepCounts(journeyId: number): Promise<StepCounts[]>
  waitingAt(journeyId: number): Promise<{ step: number; n: number }[]>
  convertedAfter(journeyId: number): Promise<{ step: number | null; n: number }[]>
  couponsRedeemed(journeyId: number): Promise<{ step: number; n: number }[]>
  /** Entered vs held-out runs: purchases within `windowMs` after each run's entry. */
  outcomes(
    journeyId: number,
    windowMs: number,
  ): Promise<{ entered: GroupOutcome; heldOut: GroupOutcome }>
  timeline(memberId: number, limit: number): Promise<JourneyTimelineEntry[]>
  memberIdByNumber(memberNumber: string): Promise<number | null>
}
