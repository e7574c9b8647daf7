import { and, asc, desc, eq, sql } from 'drizzle-orm'
import type { InboxStore } from '../../domain/support/inbox-ports.ts'
import type { Database } from '../database.ts'
import { rowRef } from '../row-ref.ts'
import { cannedReplies } from '../schema.ts'

const cannedColumns = {
  id: cannedReplies.id,
  title: cannedReplies.title,
  body: cannedReplies.body,
  updatedAt: cannedReplies.updatedAt,
}

/** Canned replies staff pick from while replying. */
export function createInboxCannedReplies(
  db: Database,
): Pick<
  InboxStore,
  | 'listCanned'
  | 'findCanned'
  | 'createCannedWrite'
  | 'insertedId'
  | 'latestCanned'
  | 'updateCannedWrite'
  | 'deleteCannedWrite'
> {
  return {
    async listCanned() {
      return db
        .select(cannedColumns)
        .from(cannedReplies)
        .orderBy(asc(cannedReplies.title), asc(cannedReplies.id))
        .limit(500)
    },

    async findCanned(id) {
      const [row] = await db
        .select(cannedColumns)
        .from(cannedReplies)
        .where(eq(cannedReplies.id, id))
      return row ?? null
    },

    createCannedWrite(input, now) {
      return db.insert(cannedReplies).values({ ...input, createdAt: now, updatedAt: now })
    },

    insertedId: () => rowRef(sql`last_insert_rowid()`),

    async latestCanned(input) {
      const [row] = await db
        .select(cannedColumns)
        .from(cannedReplies)
        .where(and(eq(cannedReplies.title, input.title), eq(cannedReplies.body, input.body)))
        .orderBy(desc(cannedReplies.id))
        .limit(1)
      return row ?? null
    },

    updateCannedWrite(id, input, now) {
      return db
        .update(cannedReplies)
        .set({ ...input, updatedAt: now })
        .where(eq(cannedReplies.id, id))
    },

    deleteCannedWrite(id) {
      return db.delete(cannedReplies).where(eq(cannedReplies.id, id))
    },
  }
}
