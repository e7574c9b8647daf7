import { SEGMENT_WINDOW_DAYS } from '@joren/shared'
import { sql, type SQL } from 'drizzle-orm'
import type { Database } from '../database.ts'
import { memberCategories, memberRfm } from '../schema.ts'

/**
 * The per-member purchase summary (`member_rfm`) that segments read instead of purchases.
 * Every figure counts completed purchases only; a member whose purchases were all refunded keeps a
 * row of zeros. Both writers below recompute from purchases (never increment), so running one
 * twice, or after the other, gives the same row.
 *
 * The windowed figures (rolling 12 months; last 30 / 90 / 180 / 365 days) are as of the row's
 * last recomputation: the member's last purchase or refund, or the daily pass. Between daily
 * passes a purchase that ages out of a window still counts in it (at most a day late).
 */

const DAY_MS = 86_400_000

/** `count, spend` of purchases passing `completed` with purchased_at in [from, now]. */
function windowFigures(completed: SQL, from: number, now: number): SQL {
  const inWindow = sql`(${completed} AND purchased_at BETWEEN ${from} AND ${now})`
  return sql`coalesce(sum(${inWindow}), 0), coalesce(sum(iif(${inWindow}, amount_yen, 0)), 0)`
}

/** The windowed columns in table order: 12 months, then the last 30 / 90 / 180 / 365 days. */
function windows(completed: SQL, windowStart: number, now: number): SQL {
  return sql.join(
    [
      windowFigures(completed, windowStart, now),
      ...SEGMENT_WINDOW_DAYS.map((days) => windowFigures(completed, now - days * DAY_MS, now)),
    ],
    sql`, `,
  )
}

/** The SELECT list in member_rfm's column order, aggregating purchases (any status) per member. */
function aggregate(windowStart: number, now: number): SQL {
  const completed = sql`status = 'completed'`
  return sql`
    min(CASE WHEN ${completed} THEN purchased_at END),
    max(CASE WHEN ${completed} THEN purchased_at END),
    count(CASE WHEN ${completed} THEN 1 END),
    coalesce(sum(CASE WHEN ${completed} THEN amount_yen END), 0),
    ${windows(completed, windowStart, now)},
    ${now}`
}

/** member_rfm's figures (every column but member_id and updated_at), in table order. */
const FIGURES = [
  'first_purchase_at',
  'last_purchase_at',
  'purchase_count',
  'spend_total_yen',
  'purchase_count_12m',
  'spend_12m_yen',
  ...SEGMENT_WINDOW_DAYS.flatMap((d) => [`purchase_count_${d}d`, `spend_${d}d_yen`]),
]

/** Every column set from the proposed row, keyed by drizzle property name (snake → camel). */
const excludedSet: Record<string, SQL> = Object.fromEntries(
  [...FIGURES, 'updated_at'].map((column) => [
    column.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()),
    sql.raw(`excluded.${column}`),
  ]),
)

/** Whether the proposed row differs from the stored one in any figure. */
const figuresChanged = sql.raw(
  FIGURES.map((c) => `member_rfm.${c} IS NOT excluded.${c}`).join(' OR '),
)

/**
 * One member's summary recomputed from their purchases: a statement for the same atomic batch as
 * the purchase or refund that changes it (place it after that statement).
 * `windowStart` is where the rolling 12 months begin (shop time zone, like tiers).
 */
export function memberRfmStatement(
  db: Database,
  memberId: number,
  windowStart: number,
  now: number,
) {
  return db
    .insert(memberRfm)
    .select(
      sql`SELECT ${memberId}, ${aggregate(windowStart, now)} FROM purchases WHERE member_id = ${memberId}`,
    )
    .onConflictDoUpdate({ target: memberRfm.memberId, set: excludedSet })
}

/**
 * The daily pass: every member's summary recomputed from purchases, set-based.
 * It aggregates completed purchases only (cheaper than per-status CASEs): a member whose every
 * purchase was refunded got their row of zeros in the refund's own batch, and the rolling windows
 * cannot change it. Rows whose figures did not change are left alone (no index churn).
 * Both forms read purchases_member_idx only (it covers member, time, status and amount), in member
 * order, so the grouping needs no sort.
 *
 * With `membersPerStatement` the pass runs as one statement per range of member IDs, yielding to
 * the event loop between ranges: on Node a statement blocks the process, and a multi-second one
 * would hold up webhook acknowledgements. Without it, one statement (the fastest full rebuild).
 */
export async function rebuildMemberRfm(
  db: Database,
  windowStart: number,
  now: number,
  options: { membersPerStatement?: number } = {},
): Promise<void> {
  const upsert = (range: SQL) =>
    db
      .insert(memberRfm)
      .select(
        sql`SELECT member_id, min(purchased_at), max(purchased_at), count(*), sum(amount_yen),
          ${windows(sql`1`, windowStart, now)}, ${now}
          FROM purchases INDEXED BY purchases_member_idx
          WHERE ${range} status = 'completed' GROUP BY member_id`,
      )
      .onConflictDoUpdate({
        target: memberRfm.memberId,
        set: excludedSet,
        setWhere: figuresChanged,
      })
  const step = options.membersPerStatement
  if (step === undefined) {
    await upsert(sql``)
    return
  }
  const [range]: { lo: number | null; hi: number | null }[] = await db.all(
    sql`SELECT min(member_id) AS lo, max(member_id) AS hi FROM purchases`,
  )
  if (range?.lo == null || range.hi == null) return
  for (let from = Number(range.lo); from <= Number(range.hi); from += step) {
    await upsert(sql`member_id >= ${from} AND member_id < ${from + step} AND`)
    await new Promise((resolve) => setTimeout(resolve, 0))
  }
}

/** Per (member, category) the last completed purchase, from the purchases `source` selects. */
function categoriesUpsert(db: Database, where: SQL) {
  return db
    .insert(memberCategories)
    .select(
      sql`SELECT p.member_id, j.value, max(p.purchased_at) FROM purchases p, json_each(p.categories) j
        WHERE ${where} AND p.status = 'completed' GROUP BY p.member_id, j.value`,
    )
    .onConflictDoUpdate({
      target: [memberCategories.memberId, memberCategories.category],
      set: { lastPurchaseAt: sql`excluded.last_purchase_at` },
      setWhere: sql`member_categories.last_purchase_at IS NOT excluded.last_purchase_at`,
    })
}

/**
 * One member's categories recomputed from their purchases (two statements, in order, for the same
 * atomic batch as the purchase or refund, after it): a refund can take a category away.
 */
export function memberCategoryStatements(db: Database, memberId: number) {
  return [
    db.delete(memberCategories).where(sql`${memberCategories.memberId} = ${memberId}`),
    categoriesUpsert(db, sql`p.member_id = ${memberId}`),
  ] as const
}

/**
 * Every member's categories upserted from purchases (a repair and backfill: the per-member
 * statements above keep the table exact, including removals on refunds), one statement per range
 * of member IDs with `membersPerStatement`, yielding between them.
 */
export async function rebuildMemberCategories(
  db: Database,
  options: { membersPerStatement?: number } = {},
): Promise<void> {
  const step = options.membersPerStatement
  if (step === undefined) {
    await categoriesUpsert(db, sql`1`)
    return
  }
  const [range]: { lo: number | null; hi: number | null }[] = await db.all(
    sql`SELECT min(member_id) AS lo, max(member_id) AS hi FROM purchases`,
  )
  if (range?.lo == null || range.hi == null) return
  for (let from = Number(range.lo); from <= Number(range.hi); from += step) {
    await categoriesUpsert(db, sql`p.member_id >= ${from} AND p.member_id < ${from + step}`)
    await new Promise((resolve) => setTimeout(resolve, 0))
  }
}
