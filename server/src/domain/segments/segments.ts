import type {
  Segment,
  SegmentCountResponse,
  SegmentCreate,
  SegmentListResponse,
  SegmentRule,
  SegmentUpdate,
} from '@joren/shared'
import type { StaffActor } from '../audit/audit.ts'
import type { UnitOfWork } from '../unit-of-work.ts'
import { SegmentInUse, SegmentNotFound } from './errors.ts'
import { assertDeletable, updatedSegment } from './rules.ts'
import type { SegmentStore } from './store.ts'

export type { SegmentContext, SegmentCounts, SegmentStore } from './store.ts'

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
      const now = deps.now()
      const after = updatedSegment(before, patch, now)
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
      assertDeletable(before)
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
