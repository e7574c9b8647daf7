import {
  BroadcastAudienceSchema,
  ComposerMessagesSchema,
  type BroadcastAudience,
  type BroadcastStatus,
} from '@joren/shared'
import { and, desc, eq, inArray, sql, type SQL } from 'drizzle-orm'
import type { BatchItem } from 'drizzle-orm/batch'
import { MULTICAST_MAX } from '../../domain/broadcasts/engine.ts'
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
import {
  broadcastChunks,
  broadcastRecipients,
  broadcasts,
  couponTemplates,
  members,
  staff,
} from '../schema.ts'
import { compileSegment } from '../segments/compile.ts'
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
  }
}

const num = (v: unknown): number => Number(v ?? 0)

/**
 * Holdout draw: a multiplicative (Weyl) hash of member ID + per-broadcast seed, in SQL so the
 * freeze stays one set-based statement; the same formula as holdout.ts. Stays within 63 bits.
 */
function holdoutExpr(broadcastId: number, percent: number): SQL {
  const threshold = Math.floor((percent / 100) * HOLDOUT_SCALE)
  return sql`(((("members"."id" + ${holdoutSeed(broadcastId)}) * 2654435761) % 4294967296) < ${threshold})`
}

/**
 * Following and consenting to marketing: the same set as segments' sendableAudience(), written as
 * a correlated EXISTS — a primary-key probe per member, ~4× faster over a million members than
 * `id IN (SELECT …)`, which materialises the consenting set first.
 */
function sendableAudience(): SQL {
  return sql`("members"."follow_state" = 'following' AND EXISTS (SELECT 1 FROM member_profiles p
    WHERE p.member_id = "members"."id" AND p.marketing_consent = 1))`
}

export function createBroadcastRepository(db: Database, atomic: Atomic): BroadcastStore {
  const segmentRepository = createSegmentRepository(db)
  async function audienceWhere(audience: BroadcastAudience, ctx: AudienceContext): Promise<SQL> {
    switch (audience.kind) {
      case 'all':
        return sendableAudience()
      case 'segment': {
        // Built-ins keep thresholds, saved segments a rule tree: the segments repository knows.
        const segment = await segmentRepository.find(audience.segmentId)
        if (!segment) return sql`1 = 0`
        return sql`(${compileSegment(segment.rules, ctx)}) AND ${sendableAudience()}`
      }
      case 'members':
        return sql`"members"."member_number" IN (SELECT value FROM json_each(${JSON.stringify(audience.memberNumbers)})) AND ${sendableAudience()}`
    }
  }

  // Batched statements must be lazy builders on both drivers (db.run(sql) runs at once on
  // better-sqlite3), so set-based inserts are insert(…).select(sql) over every column in order.
  // Sent recipients first, in member order (the members scan's own order, no sort), then the
  // holdout: the sent ones' rowids are consecutive, so chunks are cut from rowid ranges without
  // a window function or a sort (see freezeUniform).
  function recipientsInsert(b: StoredBroadcast, where: SQL): BatchItem<'sqlite'>[] {
    const columns = (holdout: 0 | 1) =>
      sql`SELECT ${b.id}, "members"."id", ${holdout}, NULL, ${holdout ? 'holdout' : 'queued'}`
    if (b.holdoutPercent <= 0)
      return [db.insert(broadcastRecipients).select(sql`${columns(0)} FROM members WHERE ${where}`)]
    const drawn = holdoutExpr(b.id, b.holdoutPercent)
    return [
      db
        .insert(broadcastRecipients)
        .select(sql`${columns(0)} FROM members WHERE ${where} AND NOT ${drawn}`),
      db
        .insert(broadcastRecipients)
        .select(sql`${columns(1)} FROM members WHERE ${where} AND ${drawn}`),
    ]
  }

  const clearPlan = (id: number): BatchItem<'sqlite'>[] => [
    db.delete(broadcastRecipients).where(eq(broadcastRecipients.broadcastId, id)),
    db.delete(broadcastChunks).where(eq(broadcastChunks.broadcastId, id)),
  ]

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
  const commit = (items: BatchItem<'sqlite'>[]) =>
    atomic(items as [BatchItem<'sqlite'>, ...BatchItem<'sqlite'>[]])

  const holdsPlan = async (id: number, token: number | null): Promise<boolean> => {
    const [row] = await all<{ n: number }>(sql`SELECT count(*) AS n FROM broadcasts
      WHERE id = ${id} AND status = 'planning' AND locked_until IS ${token}`)
    return num(row?.n) > 0
  }
  /**
   * Commits a plan batch only while this planner still holds the claim: the leading statement
   * nulls the (NOT NULL) title — and so aborts the whole batch — when the broadcast left
   * 'planning' or another planner's token replaced ours. Works the same in a bs3 transaction and
   * a D1 batch. false: the claim was lost and nothing was written.
   */
  const commitPlan = async (
    id: number,
    token: number | null,
    items: BatchItem<'sqlite'>[],
  ): Promise<boolean> => {
    const guard = db
      .update(broadcasts)
      .set({ title: sql`NULL` })
      .where(
        and(
          eq(broadcasts.id, id),
          sql`NOT (${broadcasts.status} = 'planning' AND ${broadcasts.lockedUntil} IS ${token})`,
        ),
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
    async create(draft, staffId, now) {
      const [row] = await db
        .insert(broadcasts)
        .values({
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
        .returning()
      if (!row) throw new Error('broadcast insert returned nothing')
      return toBroadcast(row)
    },

    async update(id, draft, now) {
      const [row] = await db
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
        .returning()
      return row ? toBroadcast(row) : null
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
      const where = await audienceWhere(audience, ctx)
      const h = holdout.percent > 0 ? holdoutExpr(holdout.broadcastId, holdout.percent) : sql`0`
      const [row] = await all<{ n: number; h: number }>(
        sql`SELECT count(*) AS n, coalesce(sum(${h}), 0) AS h FROM members WHERE ${where}`,
      )
      return { audience: num(row?.n), holdout: num(row?.h) }
    },

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

    async freezeUniform(b, input) {
      const where = await audienceWhere(b.audience, input.ctx)
      const messages = JSON.stringify(input.messages)
      // Chunks of ≤ 500 in member order; the retry key is the broadcast's random base with the
      // chunk's ordinal in its last group, so it exists (and is stored) before the first attempt.
      const base = input.retryKeyBase.slice(0, 24)
      const [sent, holdout] = recipientsInsert(b, where)
      if (!sent) throw new Error('no recipients insert')
      const held = await commitPlan(b.id, input.token, [
        ...clearPlan(b.id),
        sent,
        // Chunks are cut from the sent recipients' consecutive rowids (before the holdout rows
        // exist): a recursive CTE yields each ≤ 500 range and two rowid-range scans per chunk
        // build its arrays, in rowid order — no GROUP BY, so no temp B-tree over a million rows.
        // Columns in table order: id, broadcast_id, kind, to, member_ids, recipient_count,
        // messages, retry_key, status, attempts, next_attempt_at, locked_until, line_request_id,
        // last_error, sent_at.
        db.insert(broadcastChunks).select(
          sql`SELECT NULL, ${b.id}, 'multicast',
            (SELECT json_group_array(m.line_user_id) FROM broadcast_recipients r
              JOIN members m ON m.id = r.member_id WHERE r.rowid BETWEEN k.lo AND k.hi),
            (SELECT json_group_array(r.member_id) FROM broadcast_recipients r
              WHERE r.rowid BETWEEN k.lo AND k.hi),
            k.hi - k.lo + 1, ${messages}, ${base} || printf('%012x', k.n),
            'pending', 0, ${input.now}, NULL, NULL, NULL, NULL
          FROM (WITH RECURSIVE
              bounds(lo, hi) AS (SELECT min(rowid), max(rowid) FROM broadcast_recipients
                WHERE broadcast_id = ${b.id}),
              k(n, lo, hi) AS (
                SELECT 0, lo, min(lo + ${MULTICAST_MAX - 1}, hi) FROM bounds WHERE lo IS NOT NULL
                UNION ALL
                SELECT k.n + 1, k.lo + ${MULTICAST_MAX}, min(k.lo + ${2 * MULTICAST_MAX - 1}, bounds.hi)
                FROM k, bounds WHERE k.lo + ${MULTICAST_MAX} <= bounds.hi)
            SELECT n, lo, hi FROM k) k`,
        ),
        ...(holdout ? [holdout] : []),
        startSending(b.id, input.now),
      ])
      if (!held) return null
      const [row] = await all<{ n: number }>(
        sql`SELECT count(*) AS n FROM broadcast_chunks WHERE broadcast_id = ${b.id}`,
      )
      return num(row?.n)
    },

    async freezeRecipients(b, ctx, token) {
      const where = await audienceWhere(b.audience, ctx)
      if (!(await commitPlan(b.id, token, [...clearPlan(b.id), ...recipientsInsert(b, where)])))
        return null
      const [row] = await all<{ n: number }>(
        sql`SELECT count(*) AS n FROM broadcast_recipients WHERE broadcast_id = ${b.id}`,
      )
      return num(row?.n)
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
          messages, retry_key AS retryKey, attempts`)
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
          messages, retry_key AS retryKey, attempts`)
      return rows.map(toChunk).sort((a, b) => a.id - b.id)
    },

    async completeChunk(chunk, outcome, now) {
      const status = outcome.status
      await atomic([
        db
          .update(broadcastChunks)
          .set({
            status,
            lockedUntil: null,
            sentAt: status === 'sent' ? now : null,
            lineRequestId: outcome.requestId ?? null,
            lastError: outcome.error ?? null,
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
      ])
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

    async cancelPendingChunks(broadcastId) {
      const rows = await db
        .update(broadcastChunks)
        .set({ status: 'cancelled', lockedUntil: null })
        .where(
          and(eq(broadcastChunks.broadcastId, broadcastId), eq(broadcastChunks.status, 'pending')),
        )
        .returning({ id: broadcastChunks.id })
      return rows.length
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

    async activeUsingSegment(segmentId) {
      const rows = await all<{ id: number; title: string }>(sql`SELECT id, title FROM broadcasts
        WHERE status IN ('draft', 'scheduled', 'planning', 'sending', 'paused', 'quota_stopped')
          AND json_extract(audience, '$.kind') = 'segment'
          AND json_extract(audience, '$.segmentId') = ${segmentId}
        ORDER BY id`)
      return rows.map((r) => ({ id: num(r.id), title: r.title }))
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
