import type { LineUnitStats } from '@joren/shared'
import { and, inArray, or, eq, sql, type SQL } from 'drizzle-orm'
import type { LineStatsStore } from '../../domain/line-stats/poll.ts'
import { parseUnit } from '../../domain/line-stats/units.ts'
import type { Atomic } from '../atomic.ts'
import type { Database } from '../database.ts'
import { lineUnitStats } from '../schema.ts'

type Row = typeof lineUnitStats.$inferSelect

const toStats = (r: Row) => ({
  kind: r.kind,
  refId: r.refId,
  unit: r.unit,
  step: r.step,
  opened: r.opened,
  clicked: r.clicked,
  from: r.fromDay,
  to: r.toDay,
  reportedAt: r.reportedAt,
})

/** LINE's per-unit statistics as polled, and the units in use (broadcasts, journey steps). */
export function createLineStatsStore(db: Database, atomic: Atomic): LineStatsStore {
  const all = async <T>(q: SQL): Promise<T[]> => (await db.all(q)) as T[]
  return {
    async broadcastsStartedSince(since) {
      const rows = await all<{ id: number; startedAt: number }>(
        sql`SELECT id, started_at AS startedAt FROM broadcasts
          WHERE started_at IS NOT NULL AND started_at >= ${since} ORDER BY id`,
      )
      return rows.map((r) => ({ id: Number(r.id), startedAt: Number(r.startedAt) }))
    },

    async journeyStepsSentSince(since) {
      // Per journey, each step with a send since `since`: the (journey_id, step, outcome) index
      // answers each probe; journeys and their steps are few.
      const journeys = await all<{ id: number }>(sql`SELECT id FROM journeys ORDER BY id`)
      const out: { journeyId: number; step: number }[] = []
      for (const j of journeys) {
        const top = await all<{ step: number | null }>(
          sql`SELECT max(step) AS step FROM journey_step_log WHERE journey_id = ${j.id}`,
        )
        const last = top[0]?.step
        if (last === null || last === undefined) continue
        for (let step = 0; step <= Number(last); step++) {
          const sent = await all<{ one: number }>(
            sql`SELECT 1 AS one FROM journey_step_log INDEXED BY journey_step_log_journey_idx
              WHERE journey_id = ${j.id} AND step = ${step} AND outcome = 'sent'
                AND at >= ${since} LIMIT 1`,
          )
          if (sent.length > 0) out.push({ journeyId: Number(j.id), step })
        }
      }
      return out
    },

    async save(rows: LineUnitStats[]) {
      const writes = rows.flatMap((r) => {
        const ref = parseUnit(r.unit)
        if (!ref) return []
        const values = {
          unit: r.unit,
          kind: ref.kind,
          refId: ref.refId,
          step: ref.step,
          opened: r.opened,
          clicked: r.clicked,
          fromDay: r.from,
          toDay: r.to,
          reportedAt: r.reportedAt,
        }
        return [
          db
            .insert(lineUnitStats)
            .values(values)
            .onConflictDoUpdate({ target: lineUnitStats.unit, set: values }),
        ]
      })
      const [head, ...rest] = writes
      if (head) await atomic([head, ...rest])
    },

    async forCampaigns(refs) {
      if (refs.length === 0) return []
      const byKind = (kind: 'broadcast' | 'journey') => {
        const ids = refs.filter((r) => r.kind === kind).map((r) => r.refId)
        return ids.length === 0
          ? undefined
          : and(eq(lineUnitStats.kind, kind), inArray(lineUnitStats.refId, ids))
      }
      const rows = await db
        .select()
        .from(lineUnitStats)
        .where(or(byKind('broadcast'), byKind('journey')))
        .orderBy(lineUnitStats.kind, lineUnitStats.refId, lineUnitStats.step)
      return rows.map(toStats)
    },
  }
}
