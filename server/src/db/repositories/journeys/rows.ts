import {
  JourneyGoalSchema,
  JourneyStepSchema,
  JourneyTriggerSchema,
  type GroupOutcome,
} from '@joren/shared'
import type { SQL } from 'drizzle-orm'
import type { ClaimedRun, StoredJourney } from '../../../domain/journeys/store.ts'
import type { Database } from '../../database.ts'
import type { journeyRuns, journeys } from '../../schema.ts'

/* The journeys' rows as the domain reads them, and the small tools every store module uses. */

type Row = typeof journeys.$inferSelect
type RunRow = typeof journeyRuns.$inferSelect

export function toJourney(row: Row): StoredJourney {
  return {
    id: row.id,
    templateKey: row.templateKey,
    name: row.name,
    trigger: JourneyTriggerSchema.parse(JSON.parse(row.trigger)),
    audienceSegmentId: row.audienceSegmentId,
    steps: JourneyStepSchema.array().parse(JSON.parse(row.steps)),
    goal: JourneyGoalSchema.parse(JSON.parse(row.goal)),
    holdoutPercent: row.holdoutPercent,
    priority: row.priority,
    enabled: row.enabled,
    triggerCursor: row.triggerCursor,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  }
}
export function toRun(
  row: Pick<
    RunRow,
    | 'id'
    | 'journeyId'
    | 'memberId'
    | 'occurrence'
    | 'enteredAt'
    | 'nextStep'
    | 'scheduledAt'
    | 'nextDueAt'
    | 'lockedUntil'
  >,
): ClaimedRun {
  return {
    id: row.id,
    journeyId: row.journeyId,
    memberId: row.memberId,
    occurrence: row.occurrence,
    enteredAt: row.enteredAt,
    nextStep: row.nextStep,
    scheduledAt: row.scheduledAt,
    nextDueAt: row.nextDueAt,
    token: row.lockedUntil ?? 0,
  }
}
export const num = (v: unknown): number => Number(v ?? 0)
/** Member IDs per statement (bound parameters stay well under SQLite's and D1's limits). */
export const IDS_PER_STATEMENT = 90
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}
export function group(
  members: number,
  purchasers: number,
  purchases: number,
  revenue: number,
): GroupOutcome {
  return {
    members,
    purchasers,
    purchases,
    revenueYen: revenue,
    conversion: members === 0 ? null : purchasers / members,
  }
}

/** Raw rows of a statement. */
export const allOf =
  (db: Database) =>
  async <T>(q: SQL): Promise<T[]> =>
    (await db.all(q)) as T[]
