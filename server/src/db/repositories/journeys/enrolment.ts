import { sql } from 'drizzle-orm'
import type { JourneyStore } from '../../../domain/journeys/store.ts'
import type { Database } from '../../database.ts'
import { journeyRuns } from '../../schema.ts'
import { compileSegment } from '../../segments/compile.ts'
import { createSegmentRepository } from '../segment-repository.ts'
import { allOf, chunks, IDS_PER_STATEMENT, num } from './rows.ts'

/** Runs entered once per (journey, member, occurrence), and who of a batch may enter. */
export function createJourneyEnrolment(
  db: Database,
): Pick<JourneyStore, 'enter' | 'following' | 'inSegment'> {
  const all = allOf(db)
  const segments = createSegmentRepository(db)
  const idList = (ids: number[]) =>
    sql.join(
      ids.map((id) => sql`${id}`),
      sql`, `,
    )
  return {
    async enter(runs) {
      let inserted = 0
      for (const part of chunks(runs, 50)) {
        const rows = await db
          .insert(journeyRuns)
          .values(
            part.map((r) => ({
              journeyId: r.journeyId,
              memberId: r.memberId,
              occurrence: r.occurrence,
              status: r.status,
              enteredAt: r.enteredAt,
              nextStep: 0,
              scheduledAt: r.scheduledAt,
              nextDueAt: r.scheduledAt,
              createdAt: r.now,
              endedAt: r.status === 'holdout' ? r.now : null,
            })),
          )
          .onConflictDoNothing()
          .returning({ id: journeyRuns.id })
        inserted += rows.length
      }
      return inserted
    },
    async following(memberIds) {
      const out = new Set<number>()
      for (const part of chunks([...new Set(memberIds)], IDS_PER_STATEMENT)) {
        const rows = await all<{ id: number }>(
          sql`SELECT id FROM members WHERE id IN (${idList(part)}) AND follow_state = 'following'`,
        )
        for (const r of rows) out.add(num(r.id))
      }
      return out
    },
    async inSegment(segmentId, memberIds, ctx) {
      const segment = await segments.find(segmentId)
      const out = new Set<number>()
      if (!segment) return out
      for (const part of chunks([...new Set(memberIds)], IDS_PER_STATEMENT)) {
        const rows = await all<{ id: number }>(
          sql`SELECT "members"."id" AS id FROM members WHERE "members"."id" IN (${idList(part)}) AND (${compileSegment(segment.rules, ctx)})`,
        )
        for (const r of rows) out.add(num(r.id))
      }
      return out
    },
  }
}
