import type { FaqEntry, FaqEntryInput } from '@joren/shared'
import { and, asc, desc, eq, sql } from 'drizzle-orm'
import type { FaqStore } from '../../domain/faq/store.ts'
import type { Database } from '../database.ts'
import { rowRef } from '../row-ref.ts'
import { faqEntries } from '../schema.ts'

type Row = typeof faqEntries.$inferSelect

function entryOf(row: Row): FaqEntry {
  return {
    id: row.id,
    questions: JSON.parse(row.questions) as string[],
    answer: row.answer,
    enabled: row.enabled,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  }
}

/** Every write moves updated_at past the newest one, so (count, max(updated_at)) is a version. */
const nextStamp = (now: number) =>
  sql<number>`max(${now}, (select coalesce(max(${faqEntries.updatedAt}), 0) + 1 from ${faqEntries}))`

export function createFaqRepository(db: Database): FaqStore {
  // Read before every question is answered (is the matcher's index current?): prepared once.
  const versionQuery = db
    .select({
      count: sql<number>`count(*)`,
      newest: sql<number>`coalesce(max(${faqEntries.updatedAt}), 0)`,
    })
    .from(faqEntries)
    .prepare()
  return {
    async version() {
      const row = (await versionQuery.get()) as { count: number; newest: number } | undefined
      return `${row?.count ?? 0}:${row?.newest ?? 0}`
    },
    async listEnabled() {
      const rows = await db
        .select()
        .from(faqEntries)
        .where(eq(faqEntries.enabled, true))
        .orderBy(asc(faqEntries.id))
      return rows.map(entryOf)
    },
    async list() {
      return (await db.select().from(faqEntries).orderBy(asc(faqEntries.id))).map(entryOf)
    },
    async find(id) {
      const [row] = await db.select().from(faqEntries).where(eq(faqEntries.id, id))
      return row ? entryOf(row) : null
    },
    createWrite(input: FaqEntryInput, now) {
      return db.insert(faqEntries).values({
        questions: JSON.stringify(input.questions),
        answer: input.answer,
        enabled: input.enabled,
        createdAt: now,
        updatedAt: nextStamp(now),
      })
    },
    inserted: () => ({
      id: rowRef(sql`last_insert_rowid()`),
      updatedAt: rowRef(
        sql`(select ${faqEntries.updatedAt} from ${faqEntries} where ${faqEntries.id} = last_insert_rowid())`,
      ),
    }),
    async latestMatching(input) {
      const [row] = await db
        .select()
        .from(faqEntries)
        .where(
          and(
            eq(faqEntries.questions, JSON.stringify(input.questions)),
            eq(faqEntries.answer, input.answer),
            eq(faqEntries.enabled, input.enabled),
          ),
        )
        .orderBy(desc(faqEntries.id))
        .limit(1)
      return row ? entryOf(row) : null
    },
    updateWrite(id, input, now) {
      return db
        .update(faqEntries)
        .set({
          questions: JSON.stringify(input.questions),
          answer: input.answer,
          enabled: input.enabled,
          updatedAt: nextStamp(now),
        })
        .where(eq(faqEntries.id, id))
    },
    updatedAtOf: (id) =>
      rowRef(
        sql`(select ${faqEntries.updatedAt} from ${faqEntries} where ${faqEntries.id} = ${id})`,
      ),
    removeWrite(id) {
      return db.delete(faqEntries).where(eq(faqEntries.id, id))
    },
  }
}
