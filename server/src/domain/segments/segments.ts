import {
  builtInSegmentRules,
  type BuiltInThresholds,
  type Segment,
  type SegmentCountResponse,
  type SegmentCreate,
  type SegmentListResponse,
  type SegmentRule,
  type SegmentSampleMember,
  type SegmentUpdate,
} from '@joren/shared'
import type { StaffActor } from '../audit/audit.ts'
import type { RowRef, UnitOfWork, Write } from '../unit-of-work.ts'
import {
  BuiltInSegmentNotDeletable,
  BuiltInSegmentRulesFixed,
  SegmentInUse,
  SegmentNotFound,
  ThresholdsNotApplicable,
} from './errors.ts'

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

export interface SegmentDeps {
  segments: SegmentStore
  uow: UnitOfWork
  now(): number
  /** The shop's time zone: segment rules count days in it. */
  timeZone: string
}

/**
 * The staff console's segments: built-ins and saved ones, the live count with a sample, and the
 * commands that change them — each committed with its audit row (neither is stored without the
 * other).
 */
export function createSegmentService(deps: SegmentDeps) {
  const { segments, uow } = deps

  async function requireSegment(id: number): Promise<Segment> {
    const segment = await segments.find(id)
    if (!segment) throw new SegmentNotFound()
    return segment
  }

  return {
    async list(): Promise<SegmentListResponse> {
      await segments.ensureBuiltIns(deps.now())
      return { segments: await segments.list() }
    },

    async get(id: number): Promise<Segment> {
      await segments.ensureBuiltIns(deps.now())
      return requireSegment(id)
    },

    /** The live count of the segment builder (nothing is saved). */
    async count(rules: SegmentRule): Promise<SegmentCountResponse> {
      const now = deps.now()
      const counts = await segments.count(rules, { now, timeZone: deps.timeZone })
      return { ...counts, at: now }
    },

    async create(actor: StaffActor, input: SegmentCreate): Promise<Segment> {
      const now = deps.now()
      const id = segments.insertedId()
      await uow.commit([
        segments.createWrite({ ...input, createdBy: actor.id }, now),
        uow.audit({
          staffId: actor.id,
          action: 'segment.create',
          targetType: 'segment',
          targetId: id,
          before: null,
          after: {
            id,
            name: input.name,
            builtIn: null,
            thresholds: null,
            rules: input.rules,
            createdAt: now,
            updatedAt: now,
          } satisfies Record<keyof Segment, unknown>,
        }),
      ])
      const created = await segments.findCreated(actor.id, input.name, now)
      if (!created) throw new Error('segment committed but not found')
      return created
    },

    /** A saved segment takes a name and rules; a built-in a name and thresholds of its own key. */
    async update(actor: StaffActor, id: number, patch: SegmentUpdate): Promise<Segment> {
      const before = await requireSegment(id)
      let after: Segment
      if (before.builtIn !== null) {
        if (patch.rules !== undefined) throw new BuiltInSegmentRulesFixed()
        if (patch.thresholds !== undefined && patch.thresholds.key !== before.builtIn)
          throw new ThresholdsNotApplicable()
        const thresholds = patch.thresholds ?? before.thresholds
        after = {
          ...before,
          thresholds,
          rules: thresholds ? builtInSegmentRules(thresholds) : before.rules,
        }
      } else {
        if (patch.thresholds !== undefined) throw new ThresholdsNotApplicable()
        after = { ...before, rules: patch.rules ?? before.rules }
      }
      const now = deps.now()
      after = { ...after, name: patch.name ?? before.name, updatedAt: now }
      await uow.commit([
        segments.updateWrite(
          id,
          { name: patch.name, stored: patch.rules ?? patch.thresholds },
          now,
        ),
        uow.audit(
          {
            staffId: actor.id,
            action: 'segment.update',
            targetType: 'segment',
            targetId: String(id),
            before,
            after,
          },
          // Deleted meanwhile: nothing changed, nothing is audited (and the re-read says so).
          { onlyIfChanged: true },
        ),
      ])
      return requireSegment(id)
    },

    /** Deletes a saved segment unless a broadcast not yet finished sends to it. */
    async remove(actor: StaffActor, id: number): Promise<void> {
      const before = await requireSegment(id)
      if (before.builtIn !== null) throw new BuiltInSegmentNotDeletable()
      const using = await segments.activeBroadcastsUsing(id)
      if (using.length > 0) throw new SegmentInUse(using.map((b) => b.title))
      try {
        await uow.commit([
          segments.notInUseGuardWrite(id),
          segments.removeWrite(id),
          uow.audit(
            {
              staffId: actor.id,
              action: 'segment.delete',
              targetType: 'segment',
              targetId: String(id),
              before,
              after: null,
            },
            // Deleted by someone else meanwhile: theirs is the audited delete.
            { onlyIfChanged: true },
          ),
        ])
      } catch (error) {
        // The guard failed the commit: a broadcast started using the segment meanwhile.
        const now = await segments.activeBroadcastsUsing(id)
        if (now.length > 0) throw new SegmentInUse(now.map((b) => b.title))
        throw error
      }
    },
  }
}

export type SegmentService = ReturnType<typeof createSegmentService>
