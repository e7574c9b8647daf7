import type {
  SegmentCmpOp,
  SegmentDaysOp,
  SegmentLeaf,
  SegmentRule,
  SegmentWindow,
} from '@joren/shared'
import { sql, type SQL } from 'drizzle-orm'
import { addMonthsToDate, localDate } from '../../domain/loyalty/dates.ts'
import { startOfDayInZone } from '../../domain/time.ts'
import { members } from '../schema.ts'
import { reachFloor } from './reach.ts'

export interface SegmentCompileContext {
  /** The instant "days since" and "this month" are measured from (epoch ms). */
  now: number
  /** The shop's IANA time zone (birthdays, ages, dates). */
  timeZone: string
}

const DAY_MS = 86_400_000

/**
 * Tables with at most one row per member, whose conditions can be merged and can drive a count.
 * member_rfm (the segment summary) has a row for every member.
 */
type MemberTable = 'member_rfm' | 'member_profiles' | 'point_balances'

/**
 * A compiled condition before it becomes SQL:
 * - `row`: the member has a row in `table` satisfying `cond`;
 * - `rowOrNone`: the member has no row in `table`, or its row satisfies `cond` (0 / nothing counts);
 * - `set`: the member's ID is among `ids` (a SELECT of member IDs; `distinct` when it has no
 *   repeats), which can also drive a count;
 * - `sql`: any other boolean over "members".
 */
type Part =
  | { kind: 'row'; table: MemberTable; cond: SQL }
  | { kind: 'rowOrNone'; table: MemberTable; cond: SQL }
  | { kind: 'set'; ids: SQL; distinct: boolean }
  | { kind: 'sql'; sql: SQL }

const id = sql`${members.id}`

/** How parts become SQL: `IN` lists (good for counting) or correlated `EXISTS` (good for a first page). */
type Style = 'in' | 'exists'

function partSql(part: Part, style: Style): SQL {
  if (part.kind === 'sql') return part.sql
  if (part.kind === 'set') return sql`${id} IN (${part.ids})`
  const table = sql.raw(part.table)
  if (style === 'exists') {
    const row = sql`SELECT 1 FROM ${table} WHERE ${table}.member_id = ${id}`
    return part.kind === 'row'
      ? sql`EXISTS (${row} AND ${part.cond})`
      : sql`NOT EXISTS (${row} AND NOT (${part.cond}))`
  }
  return part.kind === 'row'
    ? sql`${id} IN (SELECT member_id FROM ${table} WHERE ${part.cond})`
    : sql`${id} NOT IN (SELECT member_id FROM ${table} WHERE NOT (${part.cond}))`
}

/**
 * The parts of an `all` node, with conditions on the same one-row-per-member table merged into
 * one lookup: (row ∧ c1) ∧ (row-or-none ∧ c2) = row ∧ c1 ∧ c2, and
 * (row-or-none ∧ c1) ∧ (row-or-none ∧ c2) = row-or-none ∧ c1 ∧ c2.
 */
function mergeConjunction(parts: Part[]): Part[] {
  const byTable = new Map<MemberTable, { row: boolean; conds: SQL[] }>()
  const out: Part[] = []
  for (const part of parts) {
    if (part.kind === 'sql' || part.kind === 'set') {
      out.push(part)
      continue
    }
    const entry = byTable.get(part.table) ?? { row: false, conds: [] }
    entry.row ||= part.kind === 'row'
    entry.conds.push(part.cond)
    byTable.set(part.table, entry)
  }
  const merged: Part[] = [...byTable].map(([table, { row, conds }]) => ({
    kind: row ? 'row' : 'rowOrNone',
    table,
    cond: conds.length === 1 ? conds[0]! : sql`(${sql.join(conds, sql` AND `)})`,
  }))
  return [...merged, ...out]
}

function toParts(rule: SegmentRule, ctx: SegmentCompileContext, style: Style): Part[] {
  switch (rule.type) {
    case 'all':
      return mergeConjunction(rule.rules.flatMap((r) => toParts(r, ctx, style)))
    case 'any': {
      if (rule.rules.length === 0) return [{ kind: 'sql', sql: sql`1 = 0` }]
      const alternatives = rule.rules.map((r) => joinParts(toParts(r, ctx, style), style))
      return [{ kind: 'sql', sql: sql`(${sql.join(alternatives, sql` OR `)})` }]
    }
    case 'not':
      return [{ kind: 'sql', sql: sql`(NOT ${joinParts(toParts(rule.rule, ctx, style), style)})` }]
    default:
      return [compileLeaf(rule, ctx)]
  }
}

function joinParts(parts: Part[], style: Style): SQL {
  if (parts.length === 0) return sql`1 = 1`
  if (parts.length === 1) return partSql(parts[0]!, style)
  return sql`(${sql.join(
    parts.map((p) => partSql(p, style)),
    sql` AND `,
  )})`
}

/**
 * Compiles a validated rule tree to one SQL boolean over the `members` table (referenced
 * unaliased as "members"), e.g. `SELECT … FROM members WHERE ${compileSegment(rules, ctx)}`.
 * Every value is a bound parameter; static SQL text only carries identifiers and fixed constants.
 * Each condition is a `members.id [NOT] IN (subquery)`, so SQLite drives the query from the most
 * selective index. The parameter count stays within `segmentRuleSize(rules).params` (validated by
 * `SegmentRuleSchema`).
 */
export function compileSegment(rules: SegmentRule, ctx: SegmentCompileContext): SQL {
  return joinParts(toParts(rules, ctx, 'in'), 'in')
}

/**
 * The same boolean as correlated `EXISTS` lookups per member: cheap when scanning members in ID
 * order and stopping early (a first page of a large segment), costly for a full count.
 */
export function compileSegmentPerMember(rules: SegmentRule, ctx: SegmentCompileContext): SQL {
  return joinParts(toParts(rules, ctx, 'exists'), 'exists')
}

/**
 * A `SELECT count(*)` of the segment that, when the tree requires a row in a one-row-per-member
 * table (e.g. the segment summary), counts from that table's index instead of visiting every
 * matching member: the driving subquery stands in for "members" (its IDs are members' IDs by
 * foreign key). Null when the tree has no such condition.
 */
export function compileSegmentCount(rules: SegmentRule, ctx: SegmentCompileContext): SQL | null {
  const matches = driven(toParts(rules, ctx, 'in'))
  return matches && sql`SELECT count(*) AS n FROM ${matches}`
}

/**
 * A `SELECT count(*)` of the segment's members a broadcast may reach (the summary's trigger-kept
 * copy of following + consent). Merged into the tree's own summary condition when it has one (the
 * summary's indexes end in `sendable`, so this reads the same index entries). Otherwise each match
 * of the tree's driving index is looked up in the summary: one primary-key probe per match, or,
 * with `manyMatches`, the matches collected first and probed in member order (a third of the time
 * over hundreds of thousands). With no driving condition, the summary's `sendable` index drives.
 */
export function compileReachableCount(
  rules: SegmentRule,
  ctx: SegmentCompileContext,
  options: { manyMatches?: boolean } = {},
): SQL {
  const parts = toParts(rules, ctx, 'in')
  // `+` keeps the planner on the tree's own (range) index, whose entries carry `sendable`.
  if (parts.some((p) => p.kind === 'row' && p.table === 'member_rfm'))
    return countOf(
      mergeConjunction([...parts, row('member_rfm', sql`+sendable >= ${reachFloor()}`)]),
    )
  const matches = driven(parts)
  if (!matches) return countOf([row('member_rfm', sql`sendable >= ${reachFloor()}`), ...parts])
  if (options.manyMatches)
    return sql`SELECT count(*) AS n FROM member_rfm s WHERE s.sendable >= ${reachFloor()} AND s.member_id IN (SELECT "members".id FROM ${matches})`
  return sql`SELECT count(*) AS n FROM ${matches} AND EXISTS (SELECT 1 FROM member_rfm s WHERE s.member_id = ${id} AND s.sendable >= ${reachFloor()})`
}

function countOf(parts: Part[]): SQL {
  const matches = driven(parts)
  if (!matches) throw new Error('a reachable count always has a driving condition')
  return sql`SELECT count(*) AS n FROM ${matches}`
}

/**
 * `<driving subquery> AS "members" WHERE <the other conditions>` (always a WHERE, `1 = 1` when
 * nothing else), driven by the first one-row-per-member condition, else the first ID set; null
 * when there is neither.
 */
function driven(parts: Part[]): SQL | null {
  let driverIndex = parts.findIndex((p) => p.kind === 'row')
  if (driverIndex < 0) driverIndex = parts.findIndex((p) => p.kind === 'set')
  const driver = parts[driverIndex]
  if (!driver || (driver.kind !== 'row' && driver.kind !== 'set')) return null
  const rest = joinParts(
    parts.filter((_, i) => i !== driverIndex),
    'in',
  )
  const from =
    driver.kind === 'row'
      ? sql`(SELECT member_id AS id FROM ${sql.raw(driver.table)} WHERE ${driver.cond}) AS "members"`
      : sql`(SELECT ${sql.raw(driver.distinct ? '' : 'DISTINCT ')}member_id AS id FROM (${driver.ids})) AS "members"`
  return sql`${from} WHERE ${rest}`
}

/**
 * Members a marketing message may reach: following the account and not opted out (or, when the
 * shop's default is opt-in, opted in) — the summary's reach state `sendable` (see reach.ts), which
 * triggers keep from members.follow_state and member_profiles.marketing_choice in the same
 * statement, against the shop's floor read in the statement. Blocked members are never in it. A
 * correlated primary-key probe: cheap per member when scanning members (a broadcast freeze),
 * where `id IN (…)` would first materialise every reachable member.
 */
export function sendableAudience(): SQL {
  return sql`EXISTS (SELECT 1 FROM member_rfm s WHERE s.member_id = ${id} AND s.sendable >= ${reachFloor()})`
}

function inSet(subquery: SQL): Part {
  return { kind: 'sql', sql: sql`${id} IN (${subquery})` }
}

function notInSet(subquery: SQL): Part {
  return { kind: 'sql', sql: sql`${id} NOT IN (${subquery})` }
}

function row(table: MemberTable, cond: SQL): Part {
  return { kind: 'row', table, cond }
}

function cmp(column: SQL, op: SegmentCmpOp, value: number): SQL {
  switch (op) {
    case 'gte':
      return sql`${column} >= ${value}`
    case 'lte':
      return sql`${column} <= ${value}`
    case 'eq':
      return sql`${column} = ${value}`
  }
}

/** Whether a member with nothing recorded (0) satisfies `op value`. */
function admitsZero(op: SegmentCmpOp, value: number): boolean {
  return op === 'lte' || value === 0
}

/** "days since X op N" as a test on the timestamp column X. */
function daysSince(column: SQL, op: SegmentDaysOp, days: number, now: number): SQL {
  const cutoff = now - days * DAY_MS
  return op === 'gte' ? sql`${column} <= ${cutoff}` : sql`${column} >= ${cutoff}`
}

function list<T extends string | number>(values: readonly T[]): SQL {
  return sql.join(
    [...new Set(values)].map((v) => sql`${v}`),
    sql`, `,
  )
}

/** A per-member figure compared with a value, where no row means 0. */
function zeroAware(table: MemberTable, column: SQL, op: SegmentCmpOp, value: number): Part {
  const test = cmp(column, op, value)
  // Every member has a summary row, so its zeros are stored.
  if (table === 'member_rfm') return row(table, test)
  return admitsZero(op, value) ? { kind: 'rowOrNone', table, cond: test } : row(table, test)
}

function rfmColumn(kind: 'count' | 'spend', window: 'all' | '12m'): SQL {
  if (kind === 'count')
    return window === 'all' ? sql.raw('purchase_count') : sql.raw('purchase_count_12m')
  return window === 'all' ? sql.raw('spend_total_yen') : sql.raw('spend_12m_yen')
}

function purchaseAggregate(
  kind: 'count' | 'spend',
  op: SegmentCmpOp,
  value: number,
  window: SegmentWindow,
): Part {
  if (typeof window !== 'object') return zeroAware('member_rfm', rfmColumn(kind, window), op, value)
  // The last N days, from the summary. `purchase_count_Nd > 0` selects the window's partial index
  // (members who bought in the window); members outside it have 0 for both figures.
  const bought = sql.raw(`purchase_count_${window.days}d > 0`)
  const column = sql.raw(
    kind === 'count' ? `purchase_count_${window.days}d` : `spend_${window.days}d_yen`,
  )
  const test = cmp(column, op, value)
  return admitsZero(op, value)
    ? notInSet(sql`SELECT member_id FROM member_rfm WHERE ${bought} AND NOT (${test})`)
    : row('member_rfm', sql`(${bought} AND ${test})`)
}

function compileLeaf(leaf: SegmentLeaf, ctx: SegmentCompileContext): Part {
  const { now, timeZone } = ctx
  switch (leaf.type) {
    case 'lastPurchase':
      return row('member_rfm', daysSince(sql.raw('last_purchase_at'), leaf.op, leaf.days, now))
    case 'firstPurchase':
      return row('member_rfm', daysSince(sql.raw('first_purchase_at'), leaf.op, leaf.days, now))
    case 'purchaseCount':
      return purchaseAggregate('count', leaf.op, leaf.value, leaf.window)
    case 'spend':
      return purchaseAggregate('spend', leaf.op, leaf.valueYen, leaf.window)
    case 'spendTopPercent':
      // The cut-off is the spend of the k-th best member, k = ceil(n × percent / 100); ties are in.
      // n, the members with any 12-month spend, is the triggers' running count.
      return row(
        'member_rfm',
        sql`spend_12m_yen > 0 AND spend_12m_yen >= (SELECT r.spend_12m_yen FROM member_rfm r WHERE r.spend_12m_yen > 0 ORDER BY r.spend_12m_yen DESC LIMIT 1 OFFSET (SELECT max(0, (s.spenders_12m * CAST(${leaf.percent} AS INTEGER) + 99) / 100 - 1) FROM segment_summary_stats s WHERE s.id = 1))`,
      )
    case 'category': {
      // Bought in the window ⇔ the last purchase of that category is inside it.
      const window =
        leaf.withinDays === null
          ? sql``
          : sql` AND last_purchase_at >= ${now - leaf.withinDays * DAY_MS}`
      // One row per member and category: with one category the IDs have no repeats.
      return {
        kind: 'set',
        ids: sql`SELECT member_id FROM member_categories WHERE category IN (${list(leaf.categories)})${window}`,
        distinct: new Set(leaf.categories).size === 1,
      }
    }
    // The summary's copy of member_tiers.tier_id, next to the purchase figures it is combined with.
    case 'tier':
      return leaf.op === 'exactly'
        ? row('member_rfm', sql`tier_id = ${leaf.tierId}`)
        : row(
            'member_rfm',
            sql`tier_id IN (SELECT t.id FROM tiers t WHERE t.min_spend_yen >= (SELECT t2.min_spend_yen FROM tiers t2 WHERE t2.id = ${leaf.tierId}))`,
          )
    case 'tags': {
      const tagIds = new Set(leaf.tagIds)
      const anyOf = sql`SELECT member_id FROM member_tags WHERE tag_id IN (${list(leaf.tagIds)})`
      if (leaf.match === 'none') return notInSet(anyOf)
      if (leaf.match === 'any') return { kind: 'set', ids: anyOf, distinct: tagIds.size === 1 }
      return {
        kind: 'set',
        ids: sql`${anyOf} GROUP BY member_id HAVING count(*) = ${tagIds.size}`,
        distinct: true,
      }
    }
    case 'gender':
      return row('member_profiles', sql`gender IN (${list(leaf.genders)})`)
    case 'prefecture':
      return row('member_profiles', sql`prefecture IN (${list(leaf.prefectures)})`)
    case 'age': {
      // Age ≥ min ⇔ born on or before today − min years; age ≤ max ⇔ born after today − (max+1) years.
      const today = localDate(now, timeZone)
      const tests: SQL[] = [sql`birthday IS NOT NULL`]
      if (leaf.min !== null) tests.push(sql`birthday <= ${addMonthsToDate(today, -12 * leaf.min)}`)
      if (leaf.max !== null)
        tests.push(sql`birthday > ${addMonthsToDate(today, -12 * (leaf.max + 1))}`)
      return row('member_profiles', sql`(${sql.join(tests, sql` AND `)})`)
    }
    case 'birthdayMonth': {
      const month =
        leaf.month === 'current' ? Number(localDate(now, timeZone).slice(5, 7)) : leaf.month
      return row('member_profiles', sql`birth_month = ${String(month).padStart(2, '0')}`)
    }
    case 'interests':
      return {
        kind: 'sql',
        sql: sql`(${id} IN (SELECT mp.member_id FROM member_profiles mp, json_each(mp.interests) j WHERE j.value IN (${list(leaf.interests)})) OR ${id} IN (SELECT member_id FROM member_attributes WHERE key = 'interests' AND value IN (${list(leaf.interests)})))`,
      }
    case 'attribute':
      return inSet(
        sql`SELECT member_id FROM member_attributes WHERE key = ${leaf.key} AND value = ${leaf.value}`,
      )
    // Through a subquery on members' own index, so the condition also holds where "members" is a
    // driving subquery (compileSegmentCount).
    case 'followedWithin':
      return inSet(
        sql`SELECT m.id FROM members m WHERE m.followed_at >= ${now - leaf.days * DAY_MS}`,
      )
    case 'followedBefore':
      return inSet(
        sql`SELECT m.id FROM members m WHERE m.followed_at < ${startOfDayInZone(leaf.date, timeZone)}`,
      )
    case 'surveyAnswered':
      return inSet(sql`SELECT member_id FROM survey_responses WHERE survey_id = ${leaf.surveyId}`)
    case 'surveyOption':
      return inSet(
        sql`SELECT member_id FROM survey_answers WHERE survey_id = ${leaf.surveyId} AND question_id = ${leaf.questionId} AND option_id = ${leaf.optionId}`,
      )
    case 'npsBand': {
      const band =
        leaf.band === 'promoter'
          ? sql.raw('r.nps_score >= 9')
          : leaf.band === 'passive'
            ? sql.raw('r.nps_score BETWEEN 7 AND 8')
            : sql.raw('r.nps_score <= 6')
      return inSet(
        sql`SELECT r.member_id FROM survey_responses r WHERE r.survey_id = ${leaf.surveyId} AND r.nps_score IS NOT NULL AND ${band} AND r.submitted_at = (SELECT max(r2.submitted_at) FROM survey_responses r2 WHERE r2.member_id = r.member_id AND r2.survey_id = r.survey_id AND r2.nps_score IS NOT NULL)`,
      )
    }
    case 'points':
      return zeroAware('point_balances', sql.raw('balance'), leaf.op, leaf.value)
    case 'unusedCoupon':
      return inSet(
        sql`SELECT member_id FROM coupons WHERE template_id = ${leaf.templateId} AND state = 'issued' AND expires_at > ${now}`,
      )
    case 'lastInteraction':
      return inSet(
        sql`SELECT member_id FROM chat_messages WHERE direction = 'in' GROUP BY member_id HAVING ${daysSince(sql.raw('max(created_at)'), leaf.op, leaf.days, now)}`,
      )
  }
}
