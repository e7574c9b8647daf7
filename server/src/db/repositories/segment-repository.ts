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
  type SegmentSampleMember,
} from '@joren/shared'
import { asc, eq, isNotNull, isNull, sql } from 'drizzle-orm'
import type { Database } from '../database.ts'
import { members, memberRfm, memberTiers, segments, tiers } from '../schema.ts'
import {
  compileSegment,
  compileSegmentCount,
  compileSegmentPerMember,
  compileReachableCount,
  type SegmentCompileContext,
} from '../segments/compile.ts'

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

export interface SegmentCounts {
  count: number
  sendableCount: number
  sample: SegmentSampleMember[]
}

export function createSegmentRepository(db: Database) {
  return {
    /** Inserts the built-in segments that are missing (first writer wins). */
    async ensureBuiltIns(now: number): Promise<void> {
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

    /** Built-ins in their fixed order, then saved segments by name. */
    async list(): Promise<Segment[]> {
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

    async find(id: number): Promise<Segment | null> {
      const [row] = await db.select().from(segments).where(eq(segments.id, id))
      return row ? toSegment(row) : null
    },

    async create(
      input: { name: string; rules: SegmentRule; createdBy: number | null },
      now: number,
    ): Promise<Segment> {
      const [row] = await db
        .insert(segments)
        .values({
          name: input.name,
          rules: JSON.stringify(input.rules),
          builtIn: null,
          createdBy: input.createdBy,
          createdAt: now,
          updatedAt: now,
        })
        .returning()
      if (!row) throw new Error('segment insert returned nothing')
      return toSegment(row)
    },

    /** Saves a new name and/or the stored rules (a rule tree, or a built-in's thresholds). */
    async update(
      id: number,
      patch: { name?: string; stored?: SegmentRule | BuiltInThresholds },
      now: number,
    ): Promise<Segment | null> {
      const [row] = await db
        .update(segments)
        .set({
          ...(patch.name !== undefined ? { name: patch.name } : {}),
          ...(patch.stored !== undefined ? { rules: JSON.stringify(patch.stored) } : {}),
          updatedAt: now,
        })
        .where(eq(segments.id, id))
        .returning()
      return row ? toSegment(row) : null
    },

    /** Deletes a saved segment; built-ins are never deleted. */
    async remove(id: number): Promise<boolean> {
      const rows = await db
        .delete(segments)
        .where(sql`${segments.id} = ${id} AND ${segments.builtIn} IS NULL`)
        .returning({ id: segments.id })
      return rows.length > 0
    },

    /**
     * How many members match, how many of those a broadcast would reach, and the first few.
     * The count comes from the driving index when the rules allow it; the sample scans members in
     * ID order with per-member lookups when matches are common, or from the IN lists when rare.
     */
    async count(rules: SegmentRule, ctx: SegmentCompileContext): Promise<SegmentCounts> {
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
        sample: sample.map((m) => ({ ...m, spend12mYen: Number(m.spend12mYen) })),
      }
    },
  }
}

export type SegmentRepository = ReturnType<typeof createSegmentRepository>
