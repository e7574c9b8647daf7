import { and, desc, eq, gte, inArray, isNull, sql } from 'drizzle-orm'
import type { FaqAsk, FaqAskStore } from '../../domain/faq/asks.ts'
import { isRowRef } from '../../domain/unit-of-work.ts'
import type { Database } from '../database.ts'
import { rowRefSql } from '../row-ref.ts'
import { faqAsks } from '../schema.ts'

type Row = typeof faqAsks.$inferSelect

function askOf(row: Row): FaqAsk {
  return {
    id: row.id,
    memberId: row.memberId,
    text: row.text,
    outcome: row.outcome,
    entryId: row.entryId,
    confidence: row.confidence,
    feedback: row.feedback,
    learnedEntryId: row.learnedEntryId,
    dismissedAt: row.dismissedAt,
    createdAt: row.createdAt,
  }
}

/** The open hand-overs (matches the partial index faq_asks_open_idx). */
const open = and(
  eq(faqAsks.outcome, 'handed_over'),
  isNull(faqAsks.learnedAt),
  isNull(faqAsks.dismissedAt),
)

export function createFaqAskRepository(db: Database): FaqAskStore {
  // Every question the chat answers or hands over is recorded: prepared once.
  const p = sql.placeholder
  const recordStatement = db
    .insert(faqAsks)
    .values({
      memberId: p('memberId'),
      text: p('text'),
      outcome: p('outcome'),
      entryId: p('entryId'),
      confidence: p('confidence'),
      createdAt: p('at'),
    })
    .returning({ id: faqAsks.id })
    .prepare()
  return {
    async record(input) {
      const row = (await recordStatement.get({
        memberId: input.memberId,
        // LINE allows 5,000 characters; the figures need far less.
        text: Array.from(input.text).slice(0, 1000).join(''),
        outcome: input.outcome,
        entryId: input.entryId,
        confidence: input.confidence,
        at: input.at,
      })) as { id: number }
      return row.id
    },
    async find(id) {
      const [row] = await db.select().from(faqAsks).where(eq(faqAsks.id, id))
      return row ? askOf(row) : null
    },
    async feedback({ askId, memberId, feedback, at }) {
      const rows = await db
        .update(faqAsks)
        .set({ feedback, feedbackAt: at })
        .where(and(eq(faqAsks.id, askId), eq(faqAsks.memberId, memberId)))
        .returning({ id: faqAsks.id })
      return rows.length > 0
    },
    async picked({ askId, memberId, entryId }) {
      const rows = await db
        .update(faqAsks)
        .set({ outcome: 'picked', entryId })
        .where(
          and(
            eq(faqAsks.id, askId),
            eq(faqAsks.memberId, memberId),
            inArray(faqAsks.outcome, ['handed_over', 'picked']),
          ),
        )
        .returning({ id: faqAsks.id })
      return rows.length > 0
    },
    async openUnanswered({ since, limit, memberId }) {
      const rows = await db
        .select()
        .from(faqAsks)
        .where(
          and(
            open,
            gte(faqAsks.createdAt, since),
            memberId === undefined ? undefined : eq(faqAsks.memberId, memberId),
          ),
        )
        .orderBy(desc(faqAsks.createdAt), desc(faqAsks.id))
        .limit(limit)
      return rows.map(askOf)
    },
    markLearnedWrite({ askIds, entryId, at }) {
      return db
        .update(faqAsks)
        .set({ learnedEntryId: isRowRef(entryId) ? rowRefSql(entryId) : entryId, learnedAt: at })
        .where(and(inArray(faqAsks.id, [...askIds]), isNull(faqAsks.learnedAt)))
    },
    dismissWrite({ askIds, at }) {
      return db
        .update(faqAsks)
        .set({ dismissedAt: at })
        .where(and(inArray(faqAsks.id, [...askIds]), open))
    },
    async figures({ since }) {
      const rows = await db
        .select({
          entryId: faqAsks.entryId,
          answered: sql<number>`count(*)`,
          resolved: sql<number>`sum(${faqAsks.feedback} = 'resolved')`,
          escalated: sql<number>`sum(${faqAsks.feedback} = 'escalated')`,
        })
        .from(faqAsks)
        .where(and(inArray(faqAsks.outcome, ['answered', 'picked']), gte(faqAsks.createdAt, since)))
        .groupBy(faqAsks.entryId)
      return rows
        .filter((r) => r.entryId !== null)
        .map((r) => ({
          entryId: r.entryId!,
          answered: Number(r.answered),
          resolved: Number(r.resolved ?? 0),
          escalated: Number(r.escalated ?? 0),
        }))
    },
  }
}
