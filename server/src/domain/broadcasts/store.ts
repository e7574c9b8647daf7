import type {
  BroadcastAttribution,
  BroadcastAudience,
  BroadcastDraftParsed,
  BroadcastProgress,
  BroadcastResult,
  FailedRecipient,
  BroadcastStatus,
  ComposerMessage,
} from '@joren/shared'
import type { RowRef, Write } from '../unit-of-work.ts'
import type { RecipientValues, RenderedMessage } from './render.ts'

export interface StoredBroadcast {
  id: number
  title: string
  messages: ComposerMessage[]
  audience: BroadcastAudience
  status: BroadcastStatus
  scheduledAt: number | null
  holdoutPercent: number
  attributionDays: number
  couponTemplateId: number | null
  createdBy: number | null
  recipientCount: number
  error: string | null
  /** While planning: the end of the planner's lease, which is also its claim token. */
  lockedUntil: number | null
  createdAt: number
  updatedAt: number
  startedAt: number | null
  finishedAt: number | null
}

export interface StoredChunk {
  id: number
  broadcastId: number
  kind: 'multicast' | 'push'
  to: string[]
  memberIds: number[]
  messages: RenderedMessage[]
  retryKey: string
  attempts: number
  /** The last attempt's error (LINE's message), null before any. */
  lastError?: string | null
}

export interface NewChunk {
  kind: 'multicast' | 'push'
  to: string[]
  memberIds: number[]
  messages: RenderedMessage[]
  retryKey: string
}

export interface RecipientForRender extends RecipientValues {
  memberId: number
  lineUserId: string
}

/** Where an audience is evaluated (segment rules are measured from `now` in the shop's zone). */
export interface AudienceContext {
  now: number
  timeZone: string
  /**
   * The contact policy's weekly cap: members with `weeklyCap` marketing pushes at or after
   * `since` are left out (recorded in the plan with reason 'frequency_cap'). Absent: no cap.
   */
  frequencyCap?: { since: number; weeklyCap: number } | null
}

/** How a chunk ended: sent (LINE accepted it) or failed for good. */
export type ChunkOutcome =
  | { status: 'sent'; requestId?: string }
  | { status: 'failed'; error: string }

/** What a broadcast's status may change by, besides the status itself. */
export interface TransitionPatch {
  error?: string | null
  startedAt?: number
  finishedAt?: number
  lockedUntil?: number | null
  scheduledAt?: number | null
}

/**
 * The broadcasts' persistence, as the engine and the staff commands see it. Reads and the
 * engine's own steps run at once; `…Write` methods plan statements for a commit with the audit
 * row or event that goes with them (see UnitOfWork).
 */
export interface BroadcastStore {
  /** A new draft (by `staffId`). */
  createWrite(draft: BroadcastDraftParsed, staffId: number | null, now: number): Write
  /** The ID the create of the same commit assigned. */
  insertedId(): RowRef
  /** The newest broadcast this staff member created under this title at `now` (after its commit). */
  findCreated(staffId: number, title: string, now: number): Promise<StoredBroadcast | null>
  /** Replaces a draft or a scheduled broadcast (back to draft); no row changes otherwise. */
  updateWrite(id: number, draft: BroadcastDraftParsed, now: number): Write
  /**
   * Fails the whole commit unless the broadcast's status is one of `from` when it runs: the
   * conditional change after it then always applies (or nothing of the commit does).
   */
  statusGuardWrite(id: number, from: BroadcastStatus[]): Write
  /** From one of `from` to `to` (no row changes when the status is elsewhere). */
  transitionWrite(
    id: number,
    from: BroadcastStatus[],
    to: BroadcastStatus,
    now: number,
    patch?: TransitionPatch,
  ): Write
  find(id: number): Promise<StoredBroadcast | null>
  list(status: BroadcastStatus | undefined, limit: number): Promise<StoredBroadcast[]>
  /**
   * The audience's members (`segment`), the reachable ones (`audience`), how many of those the
   * holdout draw takes, and the unreached by reason.
   */
  countAudience(
    audience: BroadcastAudience,
    holdout: { broadcastId: number; percent: number },
    ctx: AudienceContext,
  ): Promise<{
    segment: number
    audience: number
    holdout: number
    /** Reachable, not drawn, but over the weekly cap (left out). */
    frequencyCap: number
    blocked: number
    optedOut: number
    notOptedIn: number
  }>
  /** One conditional UPDATE: from one of `from` to `to`; false when the status was elsewhere. */
  transition(
    id: number,
    from: BroadcastStatus[],
    to: BroadcastStatus,
    now: number,
    patch?: TransitionPatch,
  ): Promise<boolean>
  /**
   * Scheduled broadcasts due, and plans a crash left unfinished (lease expired) → planning.
   * Each claim's token is its new locked_until; every plan write below takes it and writes
   * nothing (returning null/false) once the broadcast left 'planning' or was claimed again.
   */
  claimForPlanning(now: number, leaseMs: number): Promise<{ id: number; token: number }[]>
  /** Moves the lease on to `until` while still held by `token`; false: the claim is lost. */
  extendPlanLease(id: number, token: number | null, until: number): Promise<boolean>
  /** false when the audience's saved segment no longer exists. */
  audienceAvailable(audience: BroadcastAudience): Promise<boolean>
  /**
   * Sendable members not drawn into the holdout, counted up to `limit` (the count stops there):
   * one statement per range of member IDs, yielding to the event loop between them.
   */
  countRecipients(
    audience: BroadcastAudience,
    holdout: { broadcastId: number; percent: number },
    ctx: AudienceContext,
    limit: number,
  ): Promise<number>
  /** The lowest and highest member ID (null: no members): the span a plan is frozen over. */
  memberIdSpan(): Promise<{ lo: number; hi: number } | null>
  /**
   * Drops what an earlier, unfinished plan wrote (recipients and chunks), in bounded statements
   * each guarded by `token`. false: the claim was lost.
   */
  clearPlan(broadcastId: number, token: number | null): Promise<boolean>
  /**
   * Freezes the audience members with IDs in [fromId, toId): recipients, the holdout draw and —
   * for a uniform message — the multicast chunks (≤ 500) of this range with their retry keys
   * (`retryKeyBase` + a per-range ordinal), one atomic batch guarded by `token`. The range must
   * not have been frozen in this plan before (clearPlan first). false: the claim was lost.
   */
  freezeRange(
    broadcast: StoredBroadcast,
    range: { fromId: number; toId: number },
    input: {
      ctx: AudienceContext
      token: number | null
      uniform: { messages: RenderedMessage[]; retryKeyBase: string; now: number } | null
    },
  ): Promise<boolean>
  /** Personalised, step 2: recipients (not holdout) with their placeholder values, by member ID. */
  recipientsPage(
    broadcastId: number,
    afterMemberId: number,
    limit: number,
  ): Promise<RecipientForRender[]>
  insertChunks(
    broadcastId: number,
    chunks: NewChunk[],
    now: number,
    token: number | null,
  ): Promise<boolean>
  /** Planning → sending with the frozen count (the plan's last write). */
  finishPlanning(broadcastId: number, now: number, token: number | null): Promise<boolean>
  /** Claims one chunk if it is due, unleased and its broadcast is sending. */
  claimChunk(id: number, now: number, leaseMs: number): Promise<StoredChunk | null>
  claimDueChunks(now: number, leaseMs: number, limit: number): Promise<StoredChunk[]>
  /** The chunk and its recipients are sent (or failed for good): writes for one commit. */
  completeChunkWrites(chunk: StoredChunk, outcome: ChunkOutcome, now: number): Write[]
  /**
   * Cuts a claimed chunk that LINE never accepted in two: the chunk keeps its first `keep`
   * recipients under retryKeys[0] (still claimed), the rest becomes a new pending chunk under
   * retryKeys[1], in one commit. null: the claim was lost meanwhile (nothing changed).
   */
  splitChunk(
    chunk: StoredChunk,
    keep: number,
    retryKeys: [string, string],
    now: number,
  ): Promise<StoredChunk | null>
  /** Back to pending: due at `nextAttemptAt` (retry), lease dropped. */
  releaseChunk(id: number, nextAttemptAt: number, error: string | null): Promise<void>
  /** sending → done when no chunk is left pending or in flight. */
  finishIfDone(broadcastId: number, now: number): Promise<boolean>
  /** Due, unleased chunks of sending broadcasts (for the Workers queue fan-out). */
  dueChunkIds(now: number, limit: number, broadcastId?: number): Promise<number[]>
  /**
   * Like dueChunkIds, but each chunk returned is held (pending, locked_until = now + holdMs) so
   * the next sweep does not enqueue it again while its queue message waits; claimChunk ignores
   * the hold. For the Workers queue fan-out.
   */
  holdDueChunks(now: number, holdMs: number, limit: number, broadcastId?: number): Promise<number[]>
  /** The chunks not yet handed to LINE are cancelled (with the broadcast's own cancel). */
  cancelPendingChunksWrite(broadcastId: number): Write
  /** Node at start: chunks and plans leased by the previous process are due again. */
  releaseInterrupted(now: number): Promise<number>
  progress(
    id: number,
  ): Promise<Omit<BroadcastProgress, 'status' | 'error' | 'startedAt' | 'finishedAt'>>
  result(id: number): Promise<Omit<BroadcastResult, 'status' | 'startedAt' | 'finishedAt' | 'line'>>
  /**
   * Recipients of failed chunks with the chunk's reason, in (chunk, position) order after the
   * keyset position; `limit` rows at most.
   */
  failedRecipients(
    broadcastId: number,
    after: { chunkId: number; position: number } | null,
    limit: number,
  ): Promise<(FailedRecipient & { chunkId: number; position: number })[]>
  attribution(
    broadcast: Pick<StoredBroadcast, 'id' | 'startedAt' | 'attributionDays'>,
  ): Promise<Omit<BroadcastAttribution, 'lift' | 'relativeLift' | 'liftInterval95' | 'days'>>
  /** Placeholder values for given members (test sends). */
  valuesForLineUser(lineUserId: string): Promise<RecipientForRender | null>
  /** Staff with their LINE user ID and whether they are a friend of the account (LINE drops pushes to others). */
  staffLineUsers(
    staffIds: number[],
  ): Promise<{ id: number; lineUserId: string; following: boolean }[]>
  couponTitle(templateId: number): Promise<string | null>
}

/** The store by lifecycle: what composing, the audience, planning, delivering and reporting use. */
export type BroadcastDraftStore = Pick<
  BroadcastStore,
  | 'createWrite'
  | 'insertedId'
  | 'findCreated'
  | 'updateWrite'
  | 'statusGuardWrite'
  | 'transitionWrite'
  | 'find'
  | 'list'
  | 'transition'
  | 'valuesForLineUser'
  | 'staffLineUsers'
  | 'couponTitle'
>
export type BroadcastAudienceStore = Pick<
  BroadcastStore,
  'countAudience' | 'countRecipients' | 'memberIdSpan' | 'audienceAvailable'
>
export type BroadcastPlanStore = Pick<
  BroadcastStore,
  | 'claimForPlanning'
  | 'extendPlanLease'
  | 'clearPlan'
  | 'freezeRange'
  | 'recipientsPage'
  | 'insertChunks'
  | 'finishPlanning'
>
export type BroadcastDeliveryStore = Pick<
  BroadcastStore,
  | 'claimChunk'
  | 'claimDueChunks'
  | 'completeChunkWrites'
  | 'splitChunk'
  | 'releaseChunk'
  | 'finishIfDone'
  | 'dueChunkIds'
  | 'holdDueChunks'
  | 'cancelPendingChunksWrite'
  | 'releaseInterrupted'
>
export type BroadcastReportStore = Pick<
  BroadcastStore,
  'progress' | 'result' | 'failedRecipients' | 'attribution'
>
