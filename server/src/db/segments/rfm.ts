import { SEGMENT_WINDOW_DAYS } from '@joren/shared'
import { paced, type Pace } from '../../domain/ports.ts'
import { sql, type Placeholder, type SQL } from 'drizzle-orm'
import type { Write } from '../../domain/unit-of-work.ts'
import type { Database } from '../database.ts'
import { preparedWrite } from '../prepared-write.ts'
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

/**
 * member_rfm's figures aggregated from completed purchases, in table order and named as its
 * columns (over no purchases: NULL dates and zeros).
 */
function figures(
  windowStart: Bound,
  now: Bound,
  dayStart: (days: number) => Bound = (days) => (now as number) - days * DAY_MS,
): SQL {
  return sql`min(purchased_at) AS first_purchase_at, max(purchased_at) AS last_purchase_at,
    count(*) AS purchase_count, coalesce(sum(amount_yen), 0) AS spend_total_yen,
    ${namedWindows(windowStart, now, dayStart)}`
}

/** A value of a statement: a number, or a placeholder of a prepared statement. */
type Bound = number | Placeholder

/**
 * One member's summary recomputed from their purchases: a statement for the same atomic batch as
 * the purchase or refund that changes it (place it after that statement).
 * `windowStart` is where the rolling 12 months begin (shop time zone, like tiers). The tier, tier
 * rank and sendable copies (and the points balance) are only used if the row were missing (the
 * members trigger adds it). The SELECT lists a value for every column of member_rfm, in table order.
 */
export function memberRfmStatement(
  db: Database,
  memberId: number,
  windowStart: number,
  now: number,
) {
  return rfmUpsert(db, memberId, windowStart, now)
}

function rfmUpsert(
  db: Database,
  memberId: Bound,
  windowStart: Bound,
  now: Bound,
  dayStart?: (days: number) => Bound,
) {
  return db
    .insert(memberRfm)
    .select(
      sql`SELECT ${memberId}, ${figures(windowStart, now, dayStart)},
        (SELECT t.tier_id FROM member_tiers t WHERE t.member_id = ${memberId}),
        (SELECT CASE WHEN m.follow_state = 'following' THEN coalesce(
            (SELECT CASE p.marketing_choice WHEN 'out' THEN 1 WHEN 'in' THEN 3 END
              FROM member_profiles p WHERE p.member_id = m.id), 2) ELSE 0 END
          FROM members m WHERE m.id = ${memberId}),
        coalesce((SELECT b.balance FROM point_balances b WHERE b.member_id = ${memberId}), 0),
        coalesce((SELECT tr.min_spend_yen FROM member_tiers t JOIN tiers tr ON tr.id = t.tier_id
          WHERE t.member_id = ${memberId}), -1),
        ${now}
        FROM purchases WHERE member_id = ${memberId} AND status = 'completed'`,
    )
    .onConflictDoUpdate({ target: memberRfm.memberId, set: excludedSet })
}

/**
 * memberRfmStatement and memberCategoryStatements prepared once: recording a purchase commits
 * them every time, and their SQL is long to build. Returns the three writes for one member, in
 * order, for the purchase's or refund's batch (after it).
 */
export function memberSummaryWrites(
  db: Database,
): (memberId: number, windowStart: number, now: number) => Write[] {
  const p = sql.placeholder
  const rfm = preparedWrite(
    rfmUpsert(db, p('memberId'), p('windowStart'), p('now'), (days) => p(`from${days}d`)),
  )
  const clearCategories = preparedWrite(
    db.delete(memberCategories).where(sql`${memberCategories.memberId} = ${p('memberId')}`),
  )
  const upsertCategories = preparedWrite(categoriesUpsert(db, sql`p.member_id = ${p('memberId')}`))
  return (memberId, windowStart, now) => {
    const values: Record<string, number> = { memberId, windowStart, now }
    for (const days of SEGMENT_WINDOW_DAYS) values[`from${days}d`] = now - days * DAY_MS
    return [rfm(values), clearCategories({ memberId }), upsertCategories({ memberId })]
  }
}

/** Completed purchases aggregated per member, named as member_rfm's figure columns. */
function figuresByMember(windowStart: number, now: number, range: SQL): SQL {
  return sql`SELECT member_id, ${figures(windowStart, now)}
    FROM purchases INDEXED BY purchases_completed_idx
    WHERE ${range} status = 'completed' GROUP BY member_id`
}

/** Rows of "a" (figuresByMember) whose figures differ from the stored row "r". */
const differs = sql.raw(FIGURES.map((c) => `r.${c} IS NOT a.${c}`).join(' OR '))

/**
 * The full rebuild as set-based SQL (the D1 path; Node uses worker threads, rfm-threads.ts): every
 * member's figures re-aggregated from completed purchases and written only where they changed (no
 * index churn). A member whose every purchase was refunded got their zeros in the refund's own
 * batch, and time cannot change them. It reads purchases_completed_idx only (completed purchases:
 * member, time and amount), in member order, so the grouping needs no sort.
 *
 * With `membersPerStatement` it runs as one statement per range of member IDs, yielding to the
 * event loop between ranges; without it, one statement.
 */
export async function rebuildMemberRfm(
  db: Database,
  windowStart: number,
  now: number,
  options: { membersPerStatement?: number } = {},
): Promise<void> {
  const assignments = sql.raw([...FIGURES].map((c) => `${c} = a.${c}`).join(', '))
  const update = (range: SQL) =>
    db.run(
      sql`UPDATE member_rfm AS r SET ${assignments}, updated_at = ${now}
        FROM (${figuresByMember(windowStart, now, range)}) AS a
        WHERE r.member_id = a.member_id AND (${differs})`,
    )
  const step = options.membersPerStatement
  if (step === undefined) await update(sql``)
  else
    await inMemberRanges(db, step, (from, to) =>
      update(sql`member_id >= ${from} AND member_id < ${to} AND`),
    )
}

/**
 * The lowest and highest member ID with purchases: two subqueries, each one index probe (min()
 * and max() in one SELECT scan every row).
 */
export const purchaseMemberSpan = sql`SELECT (SELECT min(member_id) FROM purchases) AS lo, (SELECT max(member_id) FROM purchases) AS hi`

/**
 * Runs `run` over the member IDs with purchases in ranges of `size`, yielding between them (to
 * `pace` when given: it shares the thread's budget with the other background work).
 */
async function inMemberRanges(
  db: Database,
  size: number,
  run: (from: number, to: number) => Promise<unknown>,
  pace?: Pace,
): Promise<void> {
  const [span]: { lo: number | null; hi: number | null }[] = await db.all(purchaseMemberSpan)
  if (span?.lo == null || span.hi == null) return
  for (let from = Number(span.lo); from <= Number(span.hi); from += size) {
    await run(from, from + size)
    if (pace) await paced(pace)
    else await new Promise((resolve) => setTimeout(resolve, 0))
  }
}

/**
 * Members in [from, to) whose stored figures differ from their completed purchases — the read half
 * of a rebuild that can run on another connection (Node's worker threads). Write each row with
 * `summaryWrite`: the row carries the stored `updated_at`, `purchase_count` and `spend_total_yen`,
 * checked when writing so a purchase or refund committed after this read is never overwritten by
 * figures computed before it, and whether only the windowed figures changed (the daily case).
 */
export function changedSummaryRows(
  windowStart: number,
  now: number,
  range: { from: number; to: number },
): SQL {
  const figures = FIGURES.map((c) => sql.raw(`a.${c}`))
  const members = sql`member_id >= ${range.from} AND member_id < ${range.to} AND`
  // Which figures changed: -1 for an all-time one, else one bit per window (count and spend).
  const allTimeSame = ALL_TIME.map((c) => `r.${c} IS a.${c}`).join(' AND ')
  const windowBits = WINDOW_PAIRS.map(
    ([count, spend], i) =>
      `iif(r.${count} IS NOT a.${count} OR r.${spend} IS NOT a.${spend}, ${1 << i}, 0)`,
  ).join(' + ')
  const changed = sql.raw(`iif(${allTimeSame}, ${windowBits}, -1)`)
  return sql`SELECT a.member_id, ${sql.join(figures, sql`, `)}, r.updated_at, r.purchase_count, r.spend_total_yen, ${changed}
    FROM (${figuresByMember(windowStart, now, members)}) AS a
    JOIN member_rfm r ON r.member_id = a.member_id
    WHERE ${differs}`
}

/** The figures that do not depend on the date (first four of FIGURES). */
const ALL_TIME = FIGURES.slice(0, 4)

/** The windowed figures in pairs (count, spend): 12 months, then SEGMENT_WINDOW_DAYS. */
const WINDOW_PAIRS: [string, string][] = []
for (let i = ALL_TIME.length; i < FIGURES.length; i += 2)
  WINDOW_PAIRS.push([FIGURES[i]!, FIGURES[i + 1]!])

/**
 * The guarded UPDATE for one kind of change (`summaryWrite` says which): `all` sets every figure;
 * a window mask sets only the windows that moved, so only their indexes are rewritten (on a daily
 * rebuild most members cross one window's edge).
 */
export function summaryWriteSql(kind: 'all' | number): string {
  const columns = kind === 'all' ? FIGURES : WINDOW_PAIRS.filter((_, i) => kind & (1 << i)).flat()
  return `UPDATE member_rfm SET ${[...columns, 'updated_at'].map((c) => `${c} = ?`).join(', ')}
  WHERE member_id = ? AND updated_at = ? AND purchase_count = ? AND spend_total_yen = ?`
}

/** The kind of `summaryWriteSql` that writes a row of `changedSummaryRows`, and its parameters. */
export function summaryWrite(
  row: readonly (number | null)[],
  now: number,
): { kind: 'all' | number; params: (number | null)[] } {
  const memberId = row[0] ?? null
  const figures = row.slice(1, 1 + FIGURES.length)
  const guard = row.slice(1 + FIGURES.length, 4 + FIGURES.length)
  const mask = Number(row[4 + FIGURES.length])
  if (mask < 0) return { kind: 'all', params: [...figures, now, memberId, ...guard] }
  const windows = figures.slice(ALL_TIME.length)
  const params = WINDOW_PAIRS.flatMap((_, i) =>
    mask & (1 << i) ? [windows[2 * i] ?? null, windows[2 * i + 1] ?? null] : [],
  )
  return { kind: mask, params: [...params, now, memberId, ...guard] }
}

/** The windowed figures of completed purchases, named as member_rfm's columns. */
function namedWindows(windowStart: Bound, now: Bound, dayStart: (days: number) => Bound): SQL {
  // FILTER skips the aggregate step for purchases outside the window (most of them, for the
  // shorter windows): ~40 % less work than summing a 0/1 expression per purchase.
  const named = (from: Bound, count: string, spend: string) => {
    const inWindow = sql`FILTER (WHERE purchased_at BETWEEN ${from} AND ${now})`
    return sql`count(*) ${inWindow} AS ${sql.raw(count)}, coalesce(sum(amount_yen) ${inWindow}, 0) AS ${sql.raw(spend)}`
  }
  return sql.join(
    [
      named(windowStart, 'purchase_count_12m', 'spend_12m_yen'),
      ...SEGMENT_WINDOW_DAYS.map((d) =>
        named(dayStart(d), `purchase_count_${d}d`, `spend_${d}d_yen`),
      ),
    ],
    sql`, `,
  )
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
  options: { membersPerStatement?: number; pace?: Pace } = {},
): Promise<void> {
  const step = options.membersPerStatement
  if (step === undefined) await categoriesUpsert(db, sql`1`)
  else
    await inMemberRanges(
      db,
      step,
      (from, to) => categoriesUpsert(db, sql`p.member_id >= ${from} AND p.member_id < ${to}`),
      options.pace,
    )
}
