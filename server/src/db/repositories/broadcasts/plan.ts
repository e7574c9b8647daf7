import { and, eq, sql, type SQL } from 'drizzle-orm'
import type { BatchItem } from 'drizzle-orm/batch'
import { MULTICAST_MAX } from '../../../domain/broadcasts/engine.ts'
import type {
  AudienceContext,
  BroadcastPlanStore,
  StoredBroadcast,
} from '../../../domain/broadcasts/store.ts'
import type { Database } from '../../database.ts'
import { insertSelectList } from '../../insert-select.ts'
import { broadcastChunks, broadcastRecipients, broadcasts, broadcastSkips } from '../../schema.ts'
import { cappedExpr, holdoutExpr, membersFor, type BroadcastAudienceQueries } from './audience.ts'
import type { BroadcastGuards } from './guards.ts'
import { allRows, num, yieldToEventLoop } from './rows.ts'

/** Rows of an unfinished plan dropped per statement when a plan is made again. */
const CLEAR_RECIPIENTS_PER_STATEMENT = 50_000
const CLEAR_CHUNKS_PER_STATEMENT = 250

// Called per range of member IDs (`where` holds the range; see membersFor).
// Batched statements must be lazy builders on both drivers (db.run(sql) runs at once on
// better-sqlite3), so set-based inserts are insert(…).select(sql) over every column in order
// (db/insert-select.ts builds that list from the table).
// Sent recipients first, in member order (the members scan's own order, no sort), then the
// holdout: the sent ones' rowids are consecutive, so chunks are cut from rowid ranges without
// a window function or a sort (see freezeRange).
function recipientsInsert(
  db: Database,
  b: StoredBroadcast,
  where: SQL,
  ctx: AudienceContext,
): BatchItem<'sqlite'>[] {
  const columns = (holdout: 0 | 1) =>
    sql`SELECT ${b.id}, "members"."id", ${holdout}, NULL, ${holdout ? 'holdout' : 'queued'}`
  const capped = cappedExpr(ctx)
  const drawn = b.holdoutPercent > 0 ? holdoutExpr(b.id, b.holdoutPercent) : sql`0`
  // Members over the contact policy's weekly cap (not drawn into the holdout) are left out and
  // recorded with the reason; the sent rows stay the range's first, consecutive rowids.
  const skips =
    ctx.frequencyCap && ctx.frequencyCap.weeklyCap > 0
      ? [
          db.insert(broadcastSkips).select(
            sql`SELECT ${b.id}, "members"."id", 'frequency_cap' FROM ${membersFor(b.audience)}
                WHERE ${where} AND NOT ${drawn} AND ${capped}`,
          ),
        ]
      : []
  if (b.holdoutPercent <= 0)
    return [
      db
        .insert(broadcastRecipients)
        .select(sql`${columns(0)} FROM ${membersFor(b.audience)} WHERE ${where} AND NOT ${capped}`),
      ...skips,
    ]
  return [
    db
      .insert(broadcastRecipients)
      .select(
        sql`${columns(0)} FROM ${membersFor(b.audience)} WHERE ${where} AND NOT ${drawn} AND NOT ${capped}`,
      ),
    ...skips,
    db
      .insert(broadcastRecipients)
      // The cheap draw first: the audience's probes run for the drawn tenth only.
      .select(sql`${columns(1)} FROM ${membersFor(b.audience)} WHERE ${drawn} AND ${where}`),
  ]
}

const startSending = (db: Database, id: number, now: number): BatchItem<'sqlite'> =>
  db
    .update(broadcasts)
    .set({
      status: 'sending',
      lockedUntil: null,
      startedAt: sql`coalesce(${broadcasts.startedAt}, ${now})`,
      updatedAt: now,
      recipientCount: sql`(SELECT count(*) FROM broadcast_recipients WHERE broadcast_id = ${id})`,
    })
    .where(and(eq(broadcasts.id, id), eq(broadcasts.status, 'planning')))

/** Planning: claim a due broadcast, freeze its audience into recipients and chunks, start sending. */
export function createBroadcastPlan(
  db: Database,
  guards: BroadcastGuards,
  audience: BroadcastAudienceQueries,
): BroadcastPlanStore {
  const all = allRows(db)
  const { commitPlan, holdsPlan } = guards
  return {
    async claimForPlanning(now, leaseMs) {
      // The new locked_until is the claim's token: a re-claim happens only after the old lease
      // ran out, so it is always larger than any token handed out before.
      const rows = await all<{ id: number; token: number }>(sql`UPDATE broadcasts
        SET status = 'planning', locked_until = ${now + leaseMs}, updated_at = ${now}
        WHERE (status = 'scheduled' AND scheduled_at <= ${now})
           OR (status = 'planning' AND (locked_until IS NULL OR locked_until < ${now}))
        RETURNING id, locked_until AS token`)
      return rows.map((r) => ({ id: num(r.id), token: num(r.token) }))
    },

    async extendPlanLease(id, token, until) {
      const rows = await all<{ id: number }>(sql`UPDATE broadcasts SET locked_until = ${until}
        WHERE id = ${id} AND status = 'planning' AND locked_until IS ${token} RETURNING id`)
      return rows.length > 0
    },

    async clearPlan(id, token) {
      // Only after an interrupted plan is there anything to drop; each statement is bounded.
      for (;;) {
        const [left] = await all<{ r: number; c: number; s: number }>(sql`SELECT
          EXISTS (SELECT 1 FROM broadcast_recipients WHERE broadcast_id = ${id}) AS r,
          EXISTS (SELECT 1 FROM broadcast_chunks WHERE broadcast_id = ${id}) AS c,
          EXISTS (SELECT 1 FROM broadcast_skips WHERE broadcast_id = ${id}) AS s`)
        if (!num(left?.r) && !num(left?.c) && !num(left?.s)) return holdsPlan(id, token)
        const dropped = await commitPlan(id, token, [
          db.delete(broadcastRecipients).where(
            sql`rowid IN (SELECT rowid FROM broadcast_recipients WHERE broadcast_id = ${id}
              LIMIT ${CLEAR_RECIPIENTS_PER_STATEMENT})`,
          ),
          db.delete(broadcastChunks).where(
            sql`id IN (SELECT id FROM broadcast_chunks WHERE broadcast_id = ${id}
              LIMIT ${CLEAR_CHUNKS_PER_STATEMENT})`,
          ),
          db.delete(broadcastSkips).where(
            sql`rowid IN (SELECT rowid FROM broadcast_skips WHERE broadcast_id = ${id}
              LIMIT ${CLEAR_RECIPIENTS_PER_STATEMENT})`,
          ),
        ])
        if (!dropped) return false
        await yieldToEventLoop()
      }
    },

    async freezeRange(b, range, input) {
      const where = await audience.audienceWhere(b.audience, input.ctx)
      const inRange = sql`"members"."id" >= ${range.fromId} AND "members"."id" < ${range.toId} AND (${where})`
      const [sent, ...rest] = recipientsInsert(db, b, inRange, input.ctx)
      if (!sent) throw new Error('no recipients insert')
      const items: BatchItem<'sqlite'>[] = [sent]
      const uniform = input.uniform
      if (uniform) {
        const messages = JSON.stringify(uniform.messages)
        // The retry key is the plan's random base with the range's first member ID + the chunk's
        // ordinal in the range in its last group (fewer chunks than IDs in a range, so unique),
        // stored before the first attempt.
        const base = uniform.retryKeyBase.slice(0, 24)
        items.push(
          // Chunks of ≤ 500 are cut from this range's sent recipients' consecutive rowids (the
          // holdout rows come after; inserted in member order, so the range's first and last
          // member hold its lowest and highest rowid — two index seeks): a recursive CTE yields
          // each ≤ 500 rowid range and two rowid-range scans per chunk build its arrays, in rowid
          // order — no GROUP BY, no sort.
          db.insert(broadcastChunks).select(
            sql`${insertSelectList(broadcastChunks, {
              broadcastId: b.id,
              kind: 'multicast',
              to: sql`(SELECT json_group_array(m.line_user_id) FROM broadcast_recipients r
                JOIN members m ON m.id = r.member_id WHERE r.rowid BETWEEN k.lo AND k.hi)`,
              memberIds: sql`(SELECT json_group_array(r.member_id) FROM broadcast_recipients r
                WHERE r.rowid BETWEEN k.lo AND k.hi)`,
              recipientCount: sql`k.hi - k.lo + 1`,
              messages,
              retryKey: sql`${base} || printf('%012x', ${range.fromId} + k.n)`,
              nextAttemptAt: uniform.now,
            })}
            FROM (WITH RECURSIVE
                bounds(lo, hi) AS (SELECT
                  (SELECT rowid FROM broadcast_recipients WHERE broadcast_id = ${b.id}
                    AND member_id >= ${range.fromId} AND member_id < ${range.toId}
                    ORDER BY member_id LIMIT 1),
                  (SELECT rowid FROM broadcast_recipients WHERE broadcast_id = ${b.id}
                    AND member_id >= ${range.fromId} AND member_id < ${range.toId}
                    ORDER BY member_id DESC LIMIT 1)),
                k(n, lo, hi) AS (
                  SELECT 0, lo, min(lo + ${MULTICAST_MAX - 1}, hi) FROM bounds WHERE lo IS NOT NULL
                  UNION ALL
                  SELECT k.n + 1, k.lo + ${MULTICAST_MAX}, min(k.lo + ${2 * MULTICAST_MAX - 1}, bounds.hi)
                  FROM k, bounds WHERE k.lo + ${MULTICAST_MAX} <= bounds.hi)
              SELECT n, lo, hi FROM k) k`,
          ),
        )
      }
      items.push(...rest)
      return commitPlan(b.id, input.token, items)
    },

    async recipientsPage(broadcastId, afterMemberId, limit) {
      const rows = await all<{
        member_id: number
        line_user_id: string
        display_name: string | null
        balance: number | null
        tier: string | null
      }>(sql`SELECT r.member_id, m.line_user_id, m.display_name, pb.balance, t.name AS tier
        FROM broadcast_recipients r
        JOIN members m ON m.id = r.member_id
        LEFT JOIN point_balances pb ON pb.member_id = r.member_id
        LEFT JOIN member_tiers mt ON mt.member_id = r.member_id
        LEFT JOIN tiers t ON t.id = mt.tier_id
        WHERE r.broadcast_id = ${broadcastId} AND r.holdout = 0 AND r.member_id > ${afterMemberId}
        ORDER BY r.member_id LIMIT ${limit}`)
      return rows.map((r) => ({
        memberId: num(r.member_id),
        lineUserId: r.line_user_id,
        name: r.display_name,
        points: r.balance === null ? 0 : num(r.balance),
        tier: r.tier,
        coupon: null,
      }))
    },

    async insertChunks(broadcastId, chunks, now, token) {
      // 9 bound values a row: 10 rows a statement stays under D1's 100 parameters.
      const statements: BatchItem<'sqlite'>[] = []
      for (let i = 0; i < chunks.length; i += 10) {
        statements.push(
          db.insert(broadcastChunks).values(
            chunks.slice(i, i + 10).map((c) => ({
              broadcastId,
              kind: c.kind,
              to: JSON.stringify(c.to),
              memberIds: JSON.stringify(c.memberIds),
              recipientCount: c.memberIds.length,
              messages: JSON.stringify(c.messages),
              retryKey: c.retryKey,
              status: 'pending' as const,
              nextAttemptAt: now,
            })),
          ),
        )
      }
      for (let i = 0; i < statements.length; i += 50) {
        const batch = statements.slice(i, i + 50)
        if (batch.length > 0 && !(await commitPlan(broadcastId, token, batch))) return false
      }
      return true
    },

    async finishPlanning(broadcastId, now, token) {
      return commitPlan(broadcastId, token, [startSending(db, broadcastId, now)])
    },
  }
}
