import {
  BUILT_IN_SEGMENT_KEYS,
  BUILT_IN_SEGMENT_NAMES,
  BuiltInThresholdsSchema,
  DEFAULT_BUILT_IN_THRESHOLDS,
  SEGMENT_SAMPLE_SIZE,
  builtInSegmentRules,
  type BuiltInSegmentKey,
  type BuiltInThresholds,
  type Segment,
  type SegmentRule,
} from '@joren/shared'
import { and, asc, desc, eq, isNotNull, isNull, sql, type SQL } from 'drizzle-orm'
import type { SegmentStore } from '../../domain/segments/store.ts'
import type { Database } from '../database.ts'
import { members, memberRfm, memberTiers, segments, tiers } from '../schema.ts'
import {
  compileSegment,
  compileSegmentCount,
  compileSegmentPerMember,
  compileReachableCount,
} from '../segments/compile.ts'
import { rowRef } from '../row-ref.ts'

type SegmentRow = typeof segments.$inferSelect

/**
 * A built-in segment's row keeps its thresholds (JSON) in `rules`; its rule tree follows from them.
 * A saved segment's row keeps its rule tree.
 */
function toSegment(row: SegmentRow): Segment {
  const stored = JSON.parse(row.rules) as unknown
  if (row.builtIn !== null) {
    const key = row.builtIn as BuiltInSegmentKey
    const parsed = BuiltInThresholdsSchema.safeParse(stored)
    const thresholds: BuiltInThresholds =
      parsed.success && parsed.data.key === key ? parsed.data : DEFAULT_BUILT_IN_THRESHOLDS[key]
    return {
      id: row.id,
      name: row.name,
      builtIn: key,
      thresholds,
      rules: builtInSegmentRules(thresholds),
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    }
  }
  return {
    id: row.id,
    name: row.name,
    builtIn: null,
    thresholds: null,
    rules: stored as SegmentRule,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  }
}

/** Broadcasts not yet finished (draft … paused, quota_stopped) whose audience is this segment. */
function activeBroadcastUsing(segmentId: number): SQL {
  return sql`status IN ('draft', 'scheduled', 'planning', 'sending', 'paused', 'quota_stopped')
    AND json_extract(audience, '$.kind') = 'segment'
    AND json_extract(audience, '$.segmentId') = ${segmentId}`
}

export function createSegmentRepository(db: Database): SegmentStore {
  return {
    async ensureBuiltIns(now) {
      await db
        .insert(segments)
        .values(
          BUILT_IN_SEGMENT_KEYS.map((key) => ({
            name: BUILT_IN_SEGMENT_NAMES[key].ja,
            rules: JSON.stringify(DEFAULT_BUILT_IN_THRESHOLDS[key]),
            builtIn: key,
            createdAt: now,
            updatedAt: now,
          })),
        )
        .onConflictDoNothing({ target: segments.builtIn })
    },

    async list() {
      const builtIns = await db.select().from(segments).where(isNotNull(segments.builtIn))
      const saved = await db
        .select()
        .from(segments)
        .where(isNull(segments.builtIn))
        .orderBy(asc(segments.name), asc(segments.id))
      const order = (row: SegmentRow) =>
        BUILT_IN_SEGMENT_KEYS.indexOf(row.builtIn as BuiltInSegmentKey)
      return [...builtIns.sort((a, b) => order(a) - order(b)), ...saved].map(toSegment)
    },

    async find(id) {
      const [row] = await db.select().from(segments).where(eq(segments.id, id))
      return row ? toSegment(row) : null
    },

    createWrite(input, now) {
      return db.insert(segments).values({
        name: input.name,
        rules: JSON.stringify(input.rules),
        builtIn: null,
        createdBy: input.createdBy,
        createdAt: now,
        updatedAt: now,
      })
    },

    insertedId: () => rowRef(sql`last_insert_rowid()`),

    async findCreated(createdBy, name, now) {
      const [row] = await db
        .select()
        .from(segments)
        .where(
          and(
            eq(segments.createdBy, createdBy),
            eq(segments.name, name),
            eq(segments.createdAt, now),
            isNull(segments.builtIn),
          ),
        )
        .orderBy(desc(segments.id))
        .limit(1)
      return row ? toSegment(row) : null
    },

    updateWrite(id, patch, now) {
      return db
        .update(segments)
        .set({
          ...(patch.name !== undefined ? { name: patch.name } : {}),
          ...(patch.stored !== undefined ? { rules: JSON.stringify(patch.stored) } : {}),
          updatedAt: now,
        })
        .where(eq(segments.id, id))
    },

    notInUseGuardWrite(id) {
      // Nulls the NOT NULL name, and so fails the commit, while an unfinished broadcast uses it.
      return db
        .update(segments)
        .set({ name: sql`NULL` })
        .where(
          sql`${segments.id} = ${id} AND EXISTS (SELECT 1 FROM broadcasts WHERE ${activeBroadcastUsing(id)})`,
        )
    },

    removeWrite(id) {
      return db.delete(segments).where(sql`${segments.id} = ${id} AND ${segments.builtIn} IS NULL`)
    },

    async activeBroadcastsUsing(id) {
      const rows = (await db.all(
        sql`SELECT id, title FROM broadcasts WHERE ${activeBroadcastUsing(id)} ORDER BY id`,
      )) as { id: number; title: string }[]
      return rows.map((r) => ({ id: Number(r.id), title: r.title }))
    },

    /**
     * How many members match, how many of those a broadcast would reach, and the first few.
     * The count comes from the driving index when the rules allow it; the sample scans members in
     * ID order with per-member lookups when matches are common, or from the IN lists when rare.
     */
    async count(rules, ctx) {
      const where = compileSegment(rules, ctx)
      const fast = compileSegmentCount(rules, ctx)
      const [counted] = fast
        ? await db.all<{ n: number }>(fast)
        : await db.all<{ n: number }>(sql`SELECT count(*) AS n FROM members WHERE ${where}`)
      const count = Number(counted?.n ?? 0)
      if (count === 0) return { count, sendableCount: 0, sample: [] }
      const [sendable] = await db.all<{ n: number }>(
        compileReachableCount(rules, ctx, { manyMatches: count > 50_000 }),
      )
      const [top] = await db.all<{ id: number | null }>(sql`SELECT max(id) AS id FROM members`)
      const common = count * 100 >= Number(top?.id ?? 0)
      const sample = await db
        .select({
          memberNumber: members.memberNumber,
          displayName: members.displayName,
          tierName: tiers.name,
          lastPurchaseAt: memberRfm.lastPurchaseAt,
          spend12mYen: sql<number>`coalesce(${memberRfm.spend12mYen}, 0)`,
          points: sql<number>`coalesce(${memberRfm.pointsBalance}, 0)`,
        })
        .from(members)
        .leftJoin(memberRfm, eq(memberRfm.memberId, members.id))
        .leftJoin(memberTiers, eq(memberTiers.memberId, members.id))
        .leftJoin(tiers, eq(tiers.id, memberTiers.tierId))
        .where(common ? compileSegmentPerMember(rules, ctx) : where)
        .orderBy(asc(members.id))
        .limit(SEGMENT_SAMPLE_SIZE)
      return {
        count,
        sendableCount: Number(sendable?.n ?? 0),
        sample: sample.map((m) => ({
          ...m,
          spend12mYen: Number(m.spend12mYen),
          points: Number(m.points),
        })),
      }
    },
  }
}
