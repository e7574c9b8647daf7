import {
  BroadcastAudienceSchema,
  ComposerMessagesSchema,
  type BroadcastAudience,
  type BroadcastStatus,
} from '@joren/shared'
import { and, desc, eq, inArray, sql, type SQL } from 'drizzle-orm'
import type { BatchItem } from 'drizzle-orm/batch'
import { FREEZE_MEMBERS_PER_STATEMENT, MULTICAST_MAX } from '../../domain/broadcasts/engine.ts'
import { holdoutSeed, HOLDOUT_SCALE } from '../../domain/broadcasts/holdout.ts'
import type { RenderedMessage } from '../../domain/broadcasts/render.ts'
import type {
  AudienceContext,
  BroadcastStore,
  StoredBroadcast,
  StoredChunk,
} from '../../domain/broadcasts/store.ts'
import type { Atomic } from '../atomic.ts'
import type { Database } from '../database.ts'
import { rowRef } from '../row-ref.ts'
import {
  broadcastChunks,
  broadcastRecipients,
  broadcasts,
  broadcastSkips,
  couponTemplates,
  marketingContacts,
  members,
  staff,
} from '../schema.ts'
import { compileSegment, sendableAudience } from '../segments/compile.ts'
import { REACH_STATE, reachFloor } from '../segments/reach.ts'
import { createSegmentRepository } from './segment-repository.ts'

type Row = typeof broadcasts.$inferSelect

function toBroadcast(row: Row): StoredBroadcast {
  return {
    id: row.id,
    title: row.title,
    messages: ComposerMessagesSchema.parse(JSON.parse(row.messages)),
    audience: BroadcastAudienceSchema.parse(JSON.parse(row.audience)),
    status: row.status,
    scheduledAt: row.scheduledAt,
    holdoutPercent: row.holdoutPercent,
    attributionDays: row.attributionDays,
    couponTemplateId: row.couponTemplateId,
    createdBy: row.createdBy,
    recipientCount: row.recipientCount,
    error: row.error,
    lockedUntil: row.lockedUntil,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
  }
}

type ChunkRow = typeof broadcastChunks.$inferSelect

function toChunk(row: ChunkRow): StoredChunk {
  return {
    id: row.id,
    broadcastId: row.broadcastId,
    kind: row.kind,
    to: JSON.parse(row.to) as string[],
    memberIds: JSON.parse(row.memberIds) as number[],
    messages: JSON.parse(row.messages) as RenderedMessage[],
    retryKey: row.retryKey,
    attempts: row.attempts,
    lastError: row.lastError ?? null,
  }
}

const num = (v: unknown): number => Number(v ?? 0)

/** On Node a statement blocks the process: other work runs between a long pass's statements. */
const yieldToEventLoop = () => new Promise<void>((resolve) => setTimeout(resolve, 0))

/** Rows of an unfinished plan dropped per statement when a plan is made again. */
const CLEAR_RECIPIENTS_PER_STATEMENT = 50_000
const CLEAR_CHUNKS_PER_STATEMENT = 250

/**
 * Holdout draw: a multiplicative (Weyl) hash of member ID + per-broadcast seed, in SQL so the
 * freeze stays one set-based statement; the same formula as holdout.ts. Stays within 63 bits.
 */
function holdoutExpr(broadcastId: number, percent: number): SQL {
  const threshold = Math.floor((percent / 100) * HOLDOUT_SCALE)
  return sql`(((("members"."id" + ${holdoutSeed(broadcastId)}) * 2654435761) % 4294967296) < ${threshold})`
}

/**
 * The contact policy's frequency cap in SQL: the member already had `weeklyCap` marketing pushes
 * (journeys and broadcasts, marketing_contacts) since `since`. One probe of
 * marketing_contacts_member_idx (member_id, at) per member, stopping at the cap; `0` when no cap.
 */
function cappedExpr(ctx: AudienceContext, memberId: SQL = sql`"members"."id"`): SQL {
  const cap = ctx.frequencyCap
  if (!cap || cap.weeklyCap <= 0) return sql`0`
  return sql`((SELECT count(*) FROM (SELECT 1 FROM marketing_contacts c
    WHERE c.member_id = ${memberId} AND c.at >= ${cap.since} LIMIT ${cap.weeklyCap})) >= ${cap.weeklyCap})`
}

/**
 * The members table as a per-range statement reads it. NOT INDEXED: a rowid range scan, so each
 * statement costs its range only — with members_follow_state_idx the planner would walk every
 * following member for each range. A CSV audience keeps the member_number index (a short list
 * is a few probes, not a scan of the range).
 */
function membersFor(audience: BroadcastAudience): SQL {
  return audience.kind === 'members' ? sql`members` : sql`members NOT INDEXED`
}

export function createBroadcastRepository(db: Database, atomic: Atomic): BroadcastStore {
  const segmentRepository = createSegmentRepository(db)
  /** The audience's members before reachability (segment, everyone or a list). */
  async function audienceMatch(audience: BroadcastAudience, ctx: AudienceContext): Promise<SQL> {
    switch (audience.kind) {
      case 'all':
        return sql`1 = 1`
      case 'segment': {
        // Built-ins keep thresholds, saved segments a rule tree: the segments repository knows.
        const segment = await segmentRepository.find(audience.segmentId)
        if (!segment) return sql`1 = 0`
        return sql`(${compileSegment(segment.rules, ctx)})`
      }
      case 'members':
        return sql`"members"."member_number" IN (SELECT value FROM json_each(${JSON.stringify(audience.memberNumbers)}))`
    }
  }

  async function audienceWhere(audience: BroadcastAudience, ctx: AudienceContext): Promise<SQL> {
    if (audience.kind === 'all') return sendableAudience()
    return sql`${await audienceMatch(audience, ctx)} AND ${sendableAudience()}`
  }

  // Called per range of member IDs (`where` holds the range; see membersFor).
  // Batched statements must be lazy builders on both drivers (db.run(sql) runs at once on
  // better-sqlite3), so set-based inserts are insert(…).select(sql) over every column in order.
  // Sent recipients first, in member order (the members scan's own order, no sort), then the
  // holdout: the sent ones' rowids are consecutive, so chunks are cut from rowid ranges without
  // a window function or a sort (see freezeRange).
  function recipientsInsert(
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
          .select(
            sql`${columns(0)} FROM ${membersFor(b.audience)} WHERE ${where} AND NOT ${capped}`,
          ),
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

  const startSending = (id: number, now: number): BatchItem<'sqlite'> =>
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
  const all = async <T>(q: SQL): Promise<T[]> => (await db.all(q)) as T[]
  const memberIdSpan = async (): Promise<{ lo: number; hi: number } | null> => {
    const [row] = await all<{ lo: number | null; hi: number | null }>(
      // Two subqueries: each is one B-tree seek (min and max together would scan the table).
      sql`SELECT (SELECT min(id) FROM members) AS lo, (SELECT max(id) FROM members) AS hi`,
    )
    return row?.lo == null || row.hi == null ? null : { lo: num(row.lo), hi: num(row.hi) }
  }
  /**
   * Runs `step` per range of member IDs (a condition on "members"."id"), yielding between. Range
   * queries read membersFor(audience): a rowid range, so a statement costs its range only.
   */
  const eachMemberRange = async (step: (range: SQL) => Promise<boolean>): Promise<void> => {
    const span = await memberIdSpan()
    if (!span) return
    for (let from = span.lo; from <= span.hi; from += FREEZE_MEMBERS_PER_STATEMENT) {
      const more = await step(
        sql`"members"."id" >= ${from} AND "members"."id" < ${from + FREEZE_MEMBERS_PER_STATEMENT}`,
      )
      if (!more) return
      if (from + FREEZE_MEMBERS_PER_STATEMENT <= span.hi) await yieldToEventLoop()
    }
  }
  const commit = (items: BatchItem<'sqlite'>[]) =>
    atomic(items as [BatchItem<'sqlite'>, ...BatchItem<'sqlite'>[]])

  /**
   * Fails the whole commit (the NOT NULL title is nulled) when `unless` holds for the broadcast:
   * the same in a bs3 transaction and a D1 batch.
   */
  const statusGuard = (id: number, unless: SQL) =>
    db
      .update(broadcasts)
      .set({ title: sql`NULL` })
      .where(and(eq(broadcasts.id, id), unless))

  const holdsPlan = async (id: number, token: number | null): Promise<boolean> => {
    const [row] = await all<{ n: number }>(sql`SELECT count(*) AS n FROM broadcasts
      WHERE id = ${id} AND status = 'planning' AND locked_until IS ${token}`)
    return num(row?.n) > 0
  }
  /**
   * Commits a plan batch only while this planner still holds the claim: the leading guard aborts
   * the whole batch when the broadcast left 'planning' or another planner's token replaced ours.
   * false: the claim was lost and nothing was written.
   */
  const commitPlan = async (
    id: number,
    token: number | null,
    items: BatchItem<'sqlite'>[],
  ): Promise<boolean> => {
    const guard = statusGuard(
      id,
      sql`NOT (${broadcasts.status} = 'planning' AND ${broadcasts.lockedUntil} IS ${token})`,
    )
    try {
      await commit([guard, ...items])
      return true
    } catch (error) {
      // A claim once lost never comes back (tokens only grow), so this answer is final.
      if (!(await holdsPlan(id, token))) return false
      throw error
    }
  }

  return {
    createWrite(draft, staffId, now) {
      return db.insert(broadcasts).values({
        title: draft.title,
        messages: JSON.stringify(draft.messages),
        audience: JSON.stringify(draft.audience),
        status: 'draft',
        scheduledAt: draft.scheduledAt,
        holdoutPercent: draft.holdoutPercent,
        attributionDays: draft.attributionDays,
        couponTemplateId: draft.messages.find((m) => m.type === 'coupon')?.templateId ?? null,
        createdBy: staffId,
        createdAt: now,
        updatedAt: now,
      })
    },

    insertedId: () => rowRef(sql`last_insert_rowid()`),

    async findCreated(staffId, title, now) {
      const [row] = await db
        .select()
        .from(broadcasts)
        .where(
          and(
            eq(broadcasts.createdBy, staffId),
            eq(broadcasts.title, title),
            eq(broadcasts.createdAt, now),
          ),
        )
        .orderBy(desc(broadcasts.id))
        .limit(1)
      return row ? toBroadcast(row) : null
    },

    updateWrite(id, draft, now) {
      return db
        .update(broadcasts)
        .set({
          title: draft.title,
          messages: JSON.stringify(draft.messages),
          audience: JSON.stringify(draft.audience),
          status: 'draft',
          scheduledAt: draft.scheduledAt,
          holdoutPercent: draft.holdoutPercent,
          attributionDays: draft.attributionDays,
          couponTemplateId: draft.messages.find((m) => m.type === 'coupon')?.templateId ?? null,
          updatedAt: now,
        })
        .where(and(eq(broadcasts.id, id), inArray(broadcasts.status, ['draft', 'scheduled'])))
    },

    statusGuardWrite(id, from) {
      return statusGuard(id, sql`NOT (${inArray(broadcasts.status, from)})`)
    },

    transitionWrite(id, from, to, now, patch = {}) {
      return db
        .update(broadcasts)
        .set({ status: to, updatedAt: now, ...patch })
        .where(and(eq(broadcasts.id, id), inArray(broadcasts.status, from)))
    },

    async find(id) {
      const [row] = await db.select().from(broadcasts).where(eq(broadcasts.id, id))
      return row ? toBroadcast(row) : null
    },

    async list(status, limit) {
      const rows = await db
        .select()
        .from(broadcasts)
        .where(status ? eq(broadcasts.status, status) : undefined)
        .orderBy(desc(broadcasts.id))
        .limit(limit)
      return rows.map(toBroadcast)
    },

    async countAudience(audience, holdout, ctx) {
      // Per range: the audience's members by reach state (one primary-key probe each), so the
      // composer can say why fewer are reached than match.
      const match = await audienceMatch(audience, ctx)
      const h = holdout.percent > 0 ? holdoutExpr(holdout.broadcastId, holdout.percent) : sql`0`
      const floor = reachFloor()
      // Outside the members subquery: its member ID is the column `mid`.
      const capped = cappedExpr(ctx, sql`mid`)
      const t = {
        segment: 0,
        audience: 0,
        holdout: 0,
        frequencyCap: 0,
        blocked: 0,
        optedOut: 0,
        notOptedIn: 0,
      }
      await eachMemberRange(async (range) => {
        const [row] = await all<Record<'seg' | 'n' | 'h' | 'k' | 'b' | 'o' | 'u', number | null>>(
          // The cap's probe only for reachable members not drawn (CASE: evaluated only then).
          sql`SELECT count(*) AS seg, sum(st >= f) AS n, sum(st >= f AND h) AS h,
              sum(CASE WHEN st >= f AND NOT h THEN ${capped} ELSE 0 END) AS k,
              sum(st = ${REACH_STATE.blocked}) AS b, sum(st = ${REACH_STATE.optedOut}) AS o,
              sum(st = ${REACH_STATE.undecided} AND f > ${REACH_STATE.undecided}) AS u
            FROM (SELECT coalesce((SELECT s.sendable FROM member_rfm s WHERE s.member_id = "members"."id"), 0) AS st,
                ${h} AS h, ${floor} AS f, "members"."id" AS mid
              FROM ${membersFor(audience)} WHERE ${range} AND (${match}))`,
        )
        t.segment += num(row?.seg)
        t.audience += num(row?.n)
        t.holdout += num(row?.h)
        t.frequencyCap += num(row?.k)
        t.blocked += num(row?.b)
        t.optedOut += num(row?.o)
        t.notOptedIn += num(row?.u)
        return true
      })
      return t
    },

    async countRecipients(audience, holdout, ctx, limit) {
      const where = await audienceWhere(audience, ctx)
      const drawn =
        holdout.percent > 0
          ? sql`AND NOT ${holdoutExpr(holdout.broadcastId, holdout.percent)}`
          : sql``
      const capped = cappedExpr(ctx)
      let n = 0
      await eachMemberRange(async (range) => {
        const cap = Number.isFinite(limit) ? sql`LIMIT ${limit - n}` : sql``
        const [row] = await all<{
          n: number
        }>(sql`SELECT count(*) AS n FROM (SELECT 1 FROM ${membersFor(audience)}
          WHERE ${range} AND (${where}) ${drawn} AND NOT ${capped} ${cap})`)
        n += num(row?.n)
        return n < limit
      })
      return n
    },

    memberIdSpan,

    async transition(id, from, to, now, patch = {}) {
      const rows = await db
        .update(broadcasts)
        .set({ status: to, updatedAt: now, ...patch })
        .where(and(eq(broadcasts.id, id), inArray(broadcasts.status, from)))
        .returning({ id: broadcasts.id })
      return rows.length > 0
    },

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

    async audienceAvailable(audience) {
      if (audience.kind !== 'segment') return true
      return (await segmentRepository.find(audience.segmentId)) !== null
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
      const where = await audienceWhere(b.audience, input.ctx)
      const inRange = sql`"members"."id" >= ${range.fromId} AND "members"."id" < ${range.toId} AND (${where})`
      const [sent, ...rest] = recipientsInsert(b, inRange, input.ctx)
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
          // Columns in table order: id, broadcast_id, kind, to, member_ids, recipient_count,
          // messages, retry_key, status, attempts, next_attempt_at, locked_until,
          // line_request_id, last_error, sent_at.
          db.insert(broadcastChunks).select(
            sql`SELECT NULL, ${b.id}, 'multicast',
              (SELECT json_group_array(m.line_user_id) FROM broadcast_recipients r
                JOIN members m ON m.id = r.member_id WHERE r.rowid BETWEEN k.lo AND k.hi),
              (SELECT json_group_array(r.member_id) FROM broadcast_recipients r
                WHERE r.rowid BETWEEN k.lo AND k.hi),
              k.hi - k.lo + 1, ${messages}, ${base} || printf('%012x', ${range.fromId} + k.n),
              'pending', 0, ${uniform.now}, NULL, NULL, NULL, NULL
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
      return commitPlan(broadcastId, token, [startSending(broadcastId, now)])
    },

    async claimChunk(id, now, leaseMs) {
      // A pending chunk's locked_until is only ever a queue hold (holdDueChunks): the consumer
      // of its message may claim it; a sending chunk's is a sender's lease and is respected.
      const rows = await all<ChunkRow>(sql`UPDATE broadcast_chunks
        SET status = 'sending', locked_until = ${now + leaseMs}, attempts = attempts + 1
        WHERE id = ${id} AND status IN ('pending', 'sending') AND next_attempt_at <= ${now}
          AND (status = 'pending' OR locked_until IS NULL OR locked_until < ${now})
          AND broadcast_id IN (SELECT id FROM broadcasts WHERE status = 'sending')
        RETURNING id, broadcast_id AS broadcastId, kind, "to", member_ids AS memberIds,
          messages, retry_key AS retryKey, attempts, last_error AS lastError`)
      return rows[0] ? toChunk(rows[0]) : null
    },

    async claimDueChunks(now, leaseMs, limit) {
      const rows = await all<ChunkRow>(sql`UPDATE broadcast_chunks
        SET status = 'sending', locked_until = ${now + leaseMs}, attempts = attempts + 1
        WHERE id IN (SELECT c.id FROM broadcast_chunks c JOIN broadcasts b ON b.id = c.broadcast_id
            WHERE c.status IN ('pending', 'sending') AND c.next_attempt_at <= ${now}
              AND (c.locked_until IS NULL OR c.locked_until < ${now}) AND b.status = 'sending'
            ORDER BY c.id LIMIT ${limit})
        RETURNING id, broadcast_id AS broadcastId, kind, "to", member_ids AS memberIds,
          messages, retry_key AS retryKey, attempts, last_error AS lastError`)
      return rows.map(toChunk).sort((a, b) => a.id - b.id)
    },

    completeChunkWrites(chunk, outcome, now) {
      const status = outcome.status
      // A broadcast's accepted send counts toward each recipient's weekly cap (the contact
      // policy's store, which journeys read too); once per broadcast and member.
      const contacts =
        status === 'sent'
          ? [
              db
                .insert(marketingContacts)
                .select(
                  sql`SELECT NULL, value, ${now}, 'broadcast', 'broadcast:' || ${chunk.broadcastId} || ':' || value
                    FROM json_each(${JSON.stringify(chunk.memberIds)}) WHERE true`,
                )
                .onConflictDoNothing(),
            ]
          : []
      return [
        ...contacts,
        db
          .update(broadcastChunks)
          .set({
            status,
            lockedUntil: null,
            sentAt: status === 'sent' ? now : null,
            lineRequestId: outcome.status === 'sent' ? (outcome.requestId ?? null) : null,
            lastError: outcome.status === 'failed' ? outcome.error : null,
          })
          .where(eq(broadcastChunks.id, chunk.id)),
        db
          .update(broadcastRecipients)
          .set({ status })
          .where(
            and(
              eq(broadcastRecipients.broadcastId, chunk.broadcastId),
              sql`${broadcastRecipients.memberId} IN (SELECT value FROM json_each(${JSON.stringify(chunk.memberIds)}))`,
            ),
          ),
      ]
    },

    async splitChunk(chunk, keep, retryKeys, now) {
      const first = { to: chunk.to.slice(0, keep), memberIds: chunk.memberIds.slice(0, keep) }
      const rest = { to: chunk.to.slice(keep), memberIds: chunk.memberIds.slice(keep) }
      // The split applies only while this sender still holds the chunk as claimed: otherwise the
      // NOT NULL kind fails the batch and nothing changes.
      const guard = db
        .update(broadcastChunks)
        .set({ kind: sql`NULL` })
        .where(
          and(
            eq(broadcastChunks.id, chunk.id),
            sql`NOT (${broadcastChunks.status} = 'sending' AND ${broadcastChunks.attempts} = ${chunk.attempts})`,
          ),
        )
      try {
        await commit([
          guard,
          db
            .update(broadcastChunks)
            .set({
              kind: first.to.length === 1 ? 'push' : chunk.kind,
              to: JSON.stringify(first.to),
              memberIds: JSON.stringify(first.memberIds),
              recipientCount: first.memberIds.length,
              retryKey: retryKeys[0],
            })
            .where(eq(broadcastChunks.id, chunk.id)),
          db.insert(broadcastChunks).values({
            broadcastId: chunk.broadcastId,
            kind: rest.to.length === 1 ? 'push' : chunk.kind,
            to: JSON.stringify(rest.to),
            memberIds: JSON.stringify(rest.memberIds),
            recipientCount: rest.memberIds.length,
            messages: JSON.stringify(chunk.messages),
            retryKey: retryKeys[1],
            status: 'pending',
            nextAttemptAt: now,
            lastError: null,
          }),
        ])
      } catch (error) {
        const [row] = await db
          .select({ status: broadcastChunks.status, attempts: broadcastChunks.attempts })
          .from(broadcastChunks)
          .where(eq(broadcastChunks.id, chunk.id))
        if (row?.status !== 'sending' || row.attempts !== chunk.attempts) return null
        throw error
      }
      return {
        ...chunk,
        kind: first.to.length === 1 ? 'push' : chunk.kind,
        ...first,
        retryKey: retryKeys[0],
      }
    },

    async releaseChunk(id, nextAttemptAt, error) {
      await db
        .update(broadcastChunks)
        .set({ status: 'pending', lockedUntil: null, nextAttemptAt, lastError: error })
        .where(and(eq(broadcastChunks.id, id), eq(broadcastChunks.status, 'sending')))
    },

    async finishIfDone(broadcastId, now) {
      const rows = await all<{ id: number }>(sql`UPDATE broadcasts
        SET status = 'done', finished_at = ${now}, updated_at = ${now}
        WHERE id = ${broadcastId} AND status = 'sending' AND NOT EXISTS (
          SELECT 1 FROM broadcast_chunks WHERE broadcast_id = ${broadcastId}
            AND status IN ('pending', 'sending'))
        RETURNING id`)
      return rows.length > 0
    },

    async dueChunkIds(now, limit, broadcastId) {
      const rows = await all<{ id: number }>(sql`SELECT c.id FROM broadcast_chunks c
        JOIN broadcasts b ON b.id = c.broadcast_id
        WHERE c.status IN ('pending', 'sending') AND c.next_attempt_at <= ${now}
          AND (c.locked_until IS NULL OR c.locked_until < ${now}) AND b.status = 'sending'
          ${broadcastId === undefined ? sql`` : sql`AND c.broadcast_id = ${broadcastId}`}
        ORDER BY c.id LIMIT ${limit}`)
      return rows.map((r) => num(r.id))
    },

    async holdDueChunks(now, holdMs, limit, broadcastId) {
      // An abandoned sending chunk (lease ran out) is pending again, held like the others.
      const rows = await all<{ id: number }>(sql`UPDATE broadcast_chunks
        SET status = 'pending', locked_until = ${now + holdMs}
        WHERE id IN (SELECT c.id FROM broadcast_chunks c JOIN broadcasts b ON b.id = c.broadcast_id
            WHERE c.status IN ('pending', 'sending') AND c.next_attempt_at <= ${now}
              AND (c.locked_until IS NULL OR c.locked_until < ${now}) AND b.status = 'sending'
              ${broadcastId === undefined ? sql`` : sql`AND c.broadcast_id = ${broadcastId}`}
            ORDER BY c.id LIMIT ${limit})
        RETURNING id`)
      return rows.map((r) => num(r.id)).sort((a, b) => a - b)
    },

    cancelPendingChunksWrite(broadcastId) {
      return db
        .update(broadcastChunks)
        .set({ status: 'cancelled', lockedUntil: null })
        .where(
          and(eq(broadcastChunks.broadcastId, broadcastId), eq(broadcastChunks.status, 'pending')),
        )
    },

    async releaseInterrupted(now) {
      const chunks = await all<{ id: number }>(sql`UPDATE broadcast_chunks
        SET status = 'pending', locked_until = NULL
        WHERE status = 'sending' RETURNING id`)
      const plans = await all<{ id: number }>(sql`UPDATE broadcasts SET locked_until = NULL,
        updated_at = ${now} WHERE status = 'planning' RETURNING id`)
      return chunks.length + plans.length
    },

    async progress(id) {
      const recipients = await all<{ status: string; n: number }>(
        sql`SELECT status, count(*) AS n FROM broadcast_recipients WHERE broadcast_id = ${id} GROUP BY status`,
      )
      const chunks = await all<{ status: string; kind: string; n: number }>(
        sql`SELECT status, kind, count(*) AS n FROM broadcast_chunks WHERE broadcast_id = ${id} GROUP BY status, kind`,
      )
      const r = (s: string) => num(recipients.find((x) => x.status === s)?.n)
      const c = (s: string) =>
        chunks.filter((x) => x.status === s).reduce((a, x) => a + num(x.n), 0)
      const k = (s: string) => chunks.filter((x) => x.kind === s).reduce((a, x) => a + num(x.n), 0)
      return {
        recipients: {
          total: recipients.reduce((a, x) => a + num(x.n), 0),
          queued: r('queued'),
          sending: r('sending'),
          sent: r('sent'),
          failed: r('failed'),
          holdout: r('holdout'),
        },
        chunks: {
          total: chunks.reduce((a, x) => a + num(x.n), 0),
          pending: c('pending'),
          sending: c('sending'),
          sent: c('sent'),
          failed: c('failed'),
          cancelled: c('cancelled'),
          multicast: k('multicast'),
          push: k('push'),
        },
      }
    },

    async result(id) {
      const [counts] = await all<{ sent: number; failed: number; holdout: number; other: number }>(
        sql`SELECT coalesce(sum(status = 'sent'), 0) AS sent, coalesce(sum(status = 'failed'), 0) AS failed,
          coalesce(sum(status = 'holdout'), 0) AS holdout,
          coalesce(sum(status IN ('queued', 'sending')), 0) AS other
        FROM broadcast_recipients WHERE broadcast_id = ${id}`,
      )
      const failures = await all<{ reason: string | null; n: number }>(
        sql`SELECT last_error AS reason, sum(recipient_count) AS n FROM broadcast_chunks
          WHERE broadcast_id = ${id} AND status = 'failed' GROUP BY last_error ORDER BY n DESC`,
      )
      const [coupons] = await all<{ n: number }>(
        sql`SELECT count(*) AS n FROM coupons WHERE source = 'broadcast' AND source_ref = ${`broadcast:${id}`}`,
      )
      return {
        accepted: num(counts?.sent),
        failed: num(counts?.failed),
        failures: failures.map((f) => ({
          reason: f.reason ?? '不明なエラー',
          recipients: num(f.n),
        })),
        holdout: num(counts?.holdout),
        notSent: num(counts?.other),
        couponsIssued: num(coupons?.n),
      }
    },

    async failedRecipients(broadcastId, after, limit) {
      // Failed chunks in order (broadcast_chunks_broadcast_idx), each expanded to its members.
      const rows = await all<{
        chunkId: number
        position: number
        memberId: number
        memberNumber: string
        memberName: string | null
        reason: string | null
      }>(
        sql`SELECT c.id AS chunkId, CAST(j.key AS INTEGER) AS position, m.id AS memberId,
            m.member_number AS memberNumber, m.display_name AS memberName, c.last_error AS reason
          FROM broadcast_chunks c, json_each(c.member_ids) j
          JOIN members m ON m.id = j.value
          WHERE c.broadcast_id = ${broadcastId} AND c.status = 'failed'
            ${after ? sql`AND (c.id > ${after.chunkId} OR (c.id = ${after.chunkId} AND CAST(j.key AS INTEGER) > ${after.position}))` : sql``}
          ORDER BY c.id, CAST(j.key AS INTEGER)
          LIMIT ${limit}`,
      )
      return rows.map((r) => ({
        chunkId: num(r.chunkId),
        position: num(r.position),
        memberId: num(r.memberId),
        memberNumber: r.memberNumber,
        memberName: r.memberName,
        reason: r.reason ?? '不明なエラー',
      }))
    },

    async attribution(b) {
      const start = b.startedAt
      const end = start === null ? null : start + b.attributionDays * 86_400_000
      const outcome = async (holdout: boolean) => {
        const [row] = await all<{
          members: number
          purchasers: number
          purchases: number
          revenue: number
        }>(
          sql`SELECT count(*) AS members, coalesce(sum(p.n > 0), 0) AS purchasers,
              coalesce(sum(p.n), 0) AS purchases, coalesce(sum(p.yen), 0) AS revenue
            FROM broadcast_recipients r
            LEFT JOIN (SELECT member_id, count(*) AS n, sum(amount_yen) AS yen FROM purchases
                WHERE status = 'completed' AND purchased_at >= ${start ?? 0} AND purchased_at < ${end ?? 0}
                GROUP BY member_id) p ON p.member_id = r.member_id
            WHERE r.broadcast_id = ${b.id} AND r.holdout = ${holdout ? 1 : 0}
              ${holdout ? sql`` : sql`AND r.status = 'sent'`}`,
        )
        const members = num(row?.members)
        const purchasers = num(row?.purchasers)
        return {
          members,
          purchasers,
          purchases: num(row?.purchases),
          revenueYen: num(row?.revenue),
          conversion: members === 0 ? null : purchasers / members,
        }
      }
      const [coupons] = await all<{ issued: number; redeemed: number }>(
        sql`SELECT count(*) AS issued, coalesce(sum(state = 'redeemed' AND redeemed_at < ${end ?? 0}), 0) AS redeemed
          FROM coupons WHERE source = 'broadcast' AND source_ref = ${`broadcast:${b.id}`}`,
      )
      return {
        windowStart: start,
        windowEnd: end,
        recipients: await outcome(false),
        holdout: await outcome(true),
        coupons: { issued: num(coupons?.issued), redeemed: num(coupons?.redeemed) },
      }
    },

    async valuesForLineUser(lineUserId) {
      const rows = await all<{
        id: number
        display_name: string | null
        balance: number | null
        tier: string | null
      }>(sql`SELECT m.id, m.display_name, pb.balance, t.name AS tier FROM members m
        LEFT JOIN point_balances pb ON pb.member_id = m.id
        LEFT JOIN member_tiers mt ON mt.member_id = m.id
        LEFT JOIN tiers t ON t.id = mt.tier_id
        WHERE m.line_user_id = ${lineUserId}`)
      const r = rows[0]
      if (!r) return null
      return {
        memberId: num(r.id),
        lineUserId,
        name: r.display_name,
        points: num(r.balance),
        tier: r.tier,
        coupon: null,
      }
    },

    async staffLineUsers(staffIds) {
      if (staffIds.length === 0) return []
      const rows = await db
        .select({ id: staff.id, lineUserId: staff.lineUserId, followState: members.followState })
        .from(staff)
        .leftJoin(members, eq(members.lineUserId, staff.lineUserId))
        .where(inArray(staff.id, staffIds))
      return rows.map((r) => ({
        id: r.id,
        lineUserId: r.lineUserId,
        following: r.followState === 'following',
      }))
    },

    async couponTitle(templateId) {
      const [row] = await db
        .select({ title: couponTemplates.title })
        .from(couponTemplates)
        .where(eq(couponTemplates.id, templateId))
      return row?.title ?? null
    },
  }
}

export type { BroadcastStatus }
