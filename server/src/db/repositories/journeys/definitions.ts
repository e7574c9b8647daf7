import { and, asc, eq, sql } from 'drizzle-orm'
import type { JourneyStore, StoredJourney } from '../../../domain/journeys/store.ts'
import type { Database } from '../../database.ts'
import { rowRef } from '../../row-ref.ts'
import { journeys } from '../../schema.ts'
import { toJourney } from './rows.ts'

const draftColumns = (draft: {
  name: string
  trigger: StoredJourney['trigger']
  audienceSegmentId: number | null
  steps: StoredJourney['steps']
  goal: StoredJourney['goal']
  holdoutPercent: number
  priority: number
}) => ({
  name: draft.name,
  triggerKind: draft.trigger.kind,
  trigger: JSON.stringify(draft.trigger),
  audienceSegmentId: draft.audienceSegmentId,
  steps: JSON.stringify(draft.steps),
  goal: JSON.stringify(draft.goal),
  holdoutPercent: draft.holdoutPercent,
  priority: draft.priority,
})

/** The journeys themselves: list, create, edit, on / off and the trigger cursor. */
export function createJourneyDefinitions(
  db: Database,
): Pick<
  JourneyStore,
  | 'list'
  | 'find'
  | 'enabled'
  | 'templateKeys'
  | 'createWrite'
  | 'insertedId'
  | 'findCreated'
  | 'updateWrite'
  | 'setEnabledWrite'
  | 'advanceCursor'
> {
  return {
    async list() {
      return (await db.select().from(journeys).orderBy(asc(journeys.id))).map(toJourney)
    },
    async find(id) {
      const [row] = await db.select().from(journeys).where(eq(journeys.id, id))
      return row ? toJourney(row) : null
    },
    async enabled() {
      return (await db.select().from(journeys).where(eq(journeys.enabled, true))).map(toJourney)
    },
    async templateKeys() {
      const rows = await db
        .select({ key: journeys.templateKey })
        .from(journeys)
        .where(sql`${journeys.templateKey} IS NOT NULL`)
      return rows.map((r) => r.key ?? '')
    },
    createWrite(draft, { templateKey, staffId, now }) {
      return db.insert(journeys).values({
        ...draftColumns(draft),
        templateKey,
        enabled: false,
        createdBy: staffId,
        createdAt: now,
        updatedAt: now,
      })
    },
    insertedId: () => rowRef(sql`last_insert_rowid()`),
    async findCreated(staffId, name, now) {
      const [row] = await db
        .select()
        .from(journeys)
        .where(
          and(
            eq(journeys.createdBy, staffId),
            eq(journeys.name, name),
            eq(journeys.createdAt, now),
          ),
        )
        .orderBy(sql`${journeys.id} DESC`)
        .limit(1)
      return row ? toJourney(row) : null
    },
    updateWrite(id, draft, now) {
      return db
        .update(journeys)
        .set({ ...draftColumns(draft), updatedAt: now })
        .where(eq(journeys.id, id))
    },
    setEnabledWrite(id, enabled, cursor, now) {
      return db
        .update(journeys)
        .set(
          enabled
            ? { enabled, triggerCursor: cursor, updatedAt: now }
            : { enabled, updatedAt: now },
        )
        .where(and(eq(journeys.id, id), eq(journeys.enabled, !enabled)))
    },
    async advanceCursor(id, cursor) {
      await db
        .update(journeys)
        .set({ triggerCursor: sql`max(coalesce(${journeys.triggerCursor}, 0), ${cursor})` })
        .where(eq(journeys.id, id))
    },
  }
}
