import { and, eq, inArray, lt, sql } from 'drizzle-orm'
import type {
  AttemptCounts,
  RateCounterStore,
  SecurityAlertSink,
} from '../../domain/security/rate-limit.ts'
import type { Database } from '../database.ts'
import { rateLimits, staffAlerts } from '../schema.ts'

/**
 * Fixed-window counters: one UPSERT adds the attempt to the client's and the global counter and
 * returns both, resetting a counter whose stored window is older (a clock a little behind never
 * rewinds a window).
 */
export function createRateCounterStore(db: Database): RateCounterStore {
  const countsOf = (
    rows: { key: string; count: number }[],
    keys: { client: string; global: string },
  ): AttemptCounts => {
    const count = (key: string) => rows.find((r) => r.key === key)?.count ?? 0
    return { client: count(keys.client), global: count(keys.global) }
  }
  // Every API-key request counts an attempt (and refunds it when the key was right): prepared once.
  const p = sql.placeholder
  const hitStatement = db
    .insert(rateLimits)
    .values([
      { key: p('client'), windowStart: p('windowStart'), count: 1 },
      { key: p('global'), windowStart: p('windowStart'), count: 1 },
    ])
    .onConflictDoUpdate({
      target: rateLimits.key,
      set: {
        count: sql`case when ${rateLimits.windowStart} >= excluded.window_start then ${rateLimits.count} + 1 else 1 end`,
        windowStart: sql`max(${rateLimits.windowStart}, excluded.window_start)`,
      },
    })
    .returning({ key: rateLimits.key, count: rateLimits.count })
    .prepare()
  const refundStatement = db
    .update(rateLimits)
    .set({ count: sql`max(${rateLimits.count} - 1, 0)` })
    .where(
      and(
        inArray(rateLimits.key, [p('client'), p('global')]),
        eq(rateLimits.windowStart, p('windowStart')),
      ),
    )
    .prepare()
  return {
    async hit(keys, windowStart) {
      const rows = (await hitStatement.all({ ...keys, windowStart })) as {
        key: string
        count: number
      }[]
      return countsOf(rows, keys)
    },

    async refund(keys, windowStart) {
      await refundStatement.run({ ...keys, windowStart })
    },

    async prune(before) {
      const rows = await db
        .delete(rateLimits)
        .where(lt(rateLimits.windowStart, before))
        .returning({ key: rateLimits.key })
      return rows.length
    },
  }
}

/** Security alerts are about the shop, not a member. */
export function createSecurityAlertSink(db: Database): SecurityAlertSink {
  return {
    async raise(alert) {
      const rows = await db
        .insert(staffAlerts)
        .values({
          kind: 'security',
          memberId: null,
          summary: alert.summary.slice(0, 500),
          dedupeKey: alert.dedupeKey,
          createdAt: alert.at,
        })
        .onConflictDoNothing({ target: staffAlerts.dedupeKey })
        .returning({ id: staffAlerts.id })
      return rows.length > 0
    },
  }
}
