import type { SegmentRule } from '@joren/shared'
import { builtInSegmentRules, SegmentRuleSchema } from '@joren/shared'
import { sql } from 'drizzle-orm'
import { expect } from 'vitest'
import type { Database } from '../../server/src/db/database.ts'
import { createSegmentRepository } from '../../server/src/db/repositories/segment-repository.ts'
import {
  compileReachableCount,
  compileSegment,
  compileSegmentCount,
  compileSegmentPerMember,
  sendableAudience,
} from '../../server/src/db/segments/compile.ts'
import { rebuildMemberCategories, rebuildMemberRfm } from '../../server/src/db/segments/rfm.ts'
import { monthsBefore } from '../../server/src/domain/loyalty/dates.ts'

/**
 * A hand-built shop with known answers for every rule type, run the same on better-sqlite3 and on
 * workerd's local D1. Now is 2026-06-15 12:00 in Tokyo.
 *
 * | member | follow   | consent | profile                              | purchases (days ago: yen [categories])          |
 * | 1      | yes      | yes     | female, 東京, 1990-06-20, coffee     | 5,20,40,80,120,200: 10,000 [food]                 |
 * | 2      | yes      | no      | male, 大阪, 2000-01-10               | 100: 3,000 [drink]; 10: 5,000 [toys] refunded     |
 * | 3      | blocked  | yes     | female, 東京, 1970-06-01             | 400, 410: 2,000 [food, gift]                      |
 * | 4      | yes      | —       | no profile (followed 3 days ago)     | none                                              |
 * | 5      | yes      | yes     | other, 2010-12-31                    | 10: 50,000 [gift]                                 |
 * | 6      | yes      | yes     | 1985-06-15 (41 today)                | none                                              |
 */
export const NOW = Date.parse('2026-06-15T03:00:00Z')
export const TZ = 'Asia/Tokyo'
const DAY = 86_400_000
const ago = (days: number) => NOW - days * DAY

/** An attribute value that would widen the match if it were pasted into SQL. */
export const INJECTION_VALUE = "' OR 1=1 --"

export async function seedSegmentWorld(db: Database): Promise<void> {
  const statements: string[] = []
  const add = (s: string) => statements.push(s)
  const follow = (id: number, state: 'following' | 'blocked', followedDaysAgo: number) =>
    add(
      `insert into members (id, line_user_id, member_number, display_name, follow_state, follow_state_at, followed_at, created_at, updated_at)
       values (${id}, 'U${String(id).padStart(32, '0')}', '10000000${String(id).padStart(2, '0')}', '会員${id}', '${state}', 1, ${ago(followedDaysAgo)}, 1, 1)`,
    )
  follow(1, 'following', 400)
  follow(2, 'following', 400)
  follow(3, 'blocked', 400)
  follow(4, 'following', 3)
  follow(5, 'following', 400)
  follow(6, 'following', 400)
  const profile = (
    id: number,
    birthday: string,
    gender: string | null,
    prefecture: string | null,
    interests: string[],
    consent: boolean,
  ) =>
    add(
      `insert into member_profiles (member_id, birthday, gender, prefecture, interests, marketing_choice, updated_at)
       values (${id}, '${birthday}', ${gender ? `'${gender}'` : 'null'}, ${prefecture ? `'${prefecture}'` : 'null'}, '${JSON.stringify(interests)}', ${consent ? `'in'` : `'out'`}, 1)`,
    )
  profile(1, '1990-06-20', 'female', '13', ['coffee'], true)
  profile(2, '2000-01-10', 'male', '27', [], false)
  profile(3, '1970-06-01', 'female', '13', [], true)
  profile(5, '2010-12-31', 'other', null, [], true)
  profile(6, '1985-06-15', null, null, [], true)
  let purchaseId = 0
  const purchase = (
    member: number,
    daysAgo: number,
    yen: number,
    categories: string[],
    status = 'completed',
  ) =>
    add(
      `insert into purchases (id, member_id, amount_yen, categories, purchased_at, source, status, created_at)
       values (${++purchaseId}, ${member}, ${yen}, '${JSON.stringify(categories)}', ${ago(daysAgo)}, 'register', '${status}', 1)`,
    )
  for (const d of [5, 20, 40, 80, 120, 200]) purchase(1, d, 10_000, ['food'])
  purchase(2, 100, 3_000, ['drink'])
  purchase(2, 10, 5_000, ['toys'], 'refunded')
  purchase(3, 400, 2_000, ['food', 'gift'])
  purchase(3, 410, 2_000, ['food', 'gift'])
  purchase(5, 10, 50_000, ['gift'])
  add(`insert into tiers (id, name, min_spend_yen, created_at) values
       (1, 'レギュラー', 0, 1), (2, 'シルバー', 30000, 1), (3, 'ゴールド', 50000, 1)`)
  add(`insert into member_tiers (member_id, tier_id, spend_12m_yen, updated_at) values
       (1, 3, 60000, 1), (2, 1, 3000, 1), (3, 1, 0, 1), (5, 3, 50000, 1)`)
  add(`insert into tags (id, name, created_at) values (1, '常連', 1), (2, 'O''Reilly "VIP" --', 1)`)
  add(
    `insert into member_tags (member_id, tag_id, created_at) values (1, 1, 1), (2, 2, 1), (3, 1, 1), (3, 2, 1)`,
  )
  add(`insert into member_attributes (member_id, key, value, source, updated_at) values
       (3, 'interests', 'wine', 'survey', 1), (3, 'visit', 'date', 'survey', 1),
       (6, 'note', '${INJECTION_VALUE.replaceAll("'", "''")}', 'survey', 1)`)
  add(`insert into chat_messages (member_id, direction, kind, text, payload, source_key, created_at) values
       (4, 'in', 'text', 'こんにちは', '{}', 'e1', ${ago(2)}),
       (1, 'in', 'text', 'hi', '{}', 'e2', ${ago(100)}),
       (2, 'out', 'text', 'hi', '{}', 'o1', ${ago(1)})`)
  add(`insert into coupon_templates (id, kind, title, validity, valid_days, created_at, updated_at)
       values (1, 'gift', 'プレゼント', 'days', 30, 1, 1)`)
  add(`insert into coupons (template_id, member_id, source, state, issued_at, expires_at) values
       (1, 4, 'manual', 'issued', ${ago(1)}, ${ago(-10)}),
       (1, 1, 'manual', 'issued', ${ago(40)}, ${ago(5)}),
       (1, 2, 'manual', 'redeemed', ${ago(3)}, ${ago(-10)})`)
  add(`insert into point_balances (member_id, balance, updated_at) values (1, 0, 1), (5, 500, 1)`)
  add(
    `insert into surveys (id, title, status, created_at, updated_at) values (1, '満足度', 'open', 1, 1)`,
  )
  add(
    `insert into survey_versions (id, survey_id, version, questions, created_at) values (1, 1, 1, '[]', 1)`,
  )
  add(`insert into survey_responses (id, survey_id, version_id, member_id, channel, answers, dedupe_key, nps_score, submitted_at) values
       (1, 1, 1, 5, 'liff', '{}', 'r1', 10, ${ago(5)}),
       (2, 1, 1, 2, 'liff', '{}', 'r2', 3, ${ago(50)}),
       (3, 1, 1, 2, 'chat', '{}', 'r3', 8, ${ago(5)})`)
  add(`insert into survey_answers (response_id, survey_id, member_id, question_id, option_id, number_value) values
       (1, 1, 5, 'q1', 'o2', null), (1, 1, 5, 'nps', null, 10), (2, 1, 2, 'q1', 'o1', null)`)
  for (const statement of statements) await db.run(sql.raw(statement))
  await rebuildMemberRfm(db, monthsBefore(NOW, 12, TZ), NOW)
  await rebuildMemberCategories(db)
}

export interface RuleCase {
  name: string
  rules: SegmentRule
  /** Matching member IDs. */
  members: number[]
}

const female: SegmentRule = { type: 'gender', genders: ['female'] }

export const RULE_CASES: RuleCase[] = [
  {
    name: 'no purchase for ≥ 90 days',
    rules: { type: 'lastPurchase', op: 'gte', days: 90 },
    members: [2, 3],
  },
  {
    name: 'purchase within 30 days',
    rules: { type: 'lastPurchase', op: 'lte', days: 30 },
    members: [1, 5],
  },
  {
    name: 'first purchase within 30 days (refunds ignored)',
    rules: { type: 'firstPurchase', op: 'lte', days: 30 },
    members: [5],
  },
  {
    name: '≥ 5 purchases in 12 months',
    rules: { type: 'purchaseCount', op: 'gte', value: 5, window: '12m' },
    members: [1],
  },
  {
    name: '≤ 1 purchase in 12 months includes members who never bought',
    rules: { type: 'purchaseCount', op: 'lte', value: 1, window: '12m' },
    members: [2, 3, 4, 5, 6],
  },
  {
    name: 'exactly 2 purchases ever',
    rules: { type: 'purchaseCount', op: 'eq', value: 2, window: 'all' },
    members: [3],
  },
  {
    name: 'exactly 0 purchases in the last 30 days',
    rules: { type: 'purchaseCount', op: 'eq', value: 0, window: { days: 30 } },
    members: [2, 3, 4, 6],
  },
  {
    name: 'spend ≥ ¥50,000 in the last 30 days',
    rules: { type: 'spend', op: 'gte', valueYen: 50_000, window: { days: 30 } },
    members: [5],
  },
  {
    name: 'spend ≤ ¥5,000 ever (refund excluded)',
    rules: { type: 'spend', op: 'lte', valueYen: 5_000, window: 'all' },
    members: [2, 3, 4, 6],
  },
  {
    name: 'spend ≥ ¥60,000 in 12 months',
    rules: { type: 'spend', op: 'gte', valueYen: 60_000, window: '12m' },
    members: [1],
  },
  {
    name: 'top 20 % by 12-month spend',
    rules: { type: 'spendTopPercent', percent: 20 },
    members: [1],
  },
  {
    name: 'top 50 % by 12-month spend',
    rules: { type: 'spendTopPercent', percent: 50 },
    members: [1, 5],
  },
  {
    name: 'bought gift ever',
    rules: { type: 'category', categories: ['gift'], withinDays: null },
    members: [3, 5],
  },
  {
    name: 'bought gift within 30 days',
    rules: { type: 'category', categories: ['gift'], withinDays: 30 },
    members: [5],
  },
  {
    name: 'refunded purchases do not count for categories',
    rules: { type: 'category', categories: ['toys'], withinDays: null },
    members: [],
  },
  {
    name: 'tier at least シルバー',
    rules: { type: 'tier', op: 'atLeast', tierId: 2 },
    members: [1, 5],
  },
  {
    name: 'tier exactly レギュラー',
    rules: { type: 'tier', op: 'exactly', tierId: 1 },
    members: [2, 3],
  },
  {
    name: 'unknown tier matches nobody',
    rules: { type: 'tier', op: 'atLeast', tierId: 99 },
    members: [],
  },
  { name: 'has any of tag 1', rules: { type: 'tags', match: 'any', tagIds: [1] }, members: [1, 3] },
  {
    name: 'has all of tags 1 and 2',
    rules: { type: 'tags', match: 'all', tagIds: [1, 2, 2] },
    members: [3],
  },
  {
    name: 'has none of tag 1',
    rules: { type: 'tags', match: 'none', tagIds: [1] },
    members: [2, 4, 5, 6],
  },
  { name: 'female', rules: female, members: [1, 3] },
  { name: 'lives in 東京都', rules: { type: 'prefecture', prefectures: ['13'] }, members: [1, 3] },
  { name: 'age 30–40', rules: { type: 'age', min: 30, max: 40 }, members: [1] },
  { name: 'age ≤ 17', rules: { type: 'age', min: null, max: 17 }, members: [5] },
  { name: 'turns 41 today', rules: { type: 'age', min: 41, max: 41 }, members: [6] },
  {
    name: 'birthday this month (June in Tokyo)',
    rules: { type: 'birthdayMonth', month: 'current' },
    members: [1, 3, 6],
  },
  { name: 'birthday in January', rules: { type: 'birthdayMonth', month: 1 }, members: [2] },
  {
    name: 'interests from profile or attributes',
    rules: { type: 'interests', interests: ['coffee', 'wine'] },
    members: [1, 3],
  },
  {
    name: 'attribute visit = date',
    rules: { type: 'attribute', key: 'visit', value: 'date' },
    members: [3],
  },
  {
    name: 'an injection attempt in a value stays data',
    rules: { type: 'attribute', key: 'note', value: INJECTION_VALUE },
    members: [6],
  },
  {
    name: 'an injection attempt in a key stays data',
    rules: { type: 'attribute', key: "x' OR '1'='1", value: "y') OR 1=1 --" },
    members: [],
  },
  { name: 'followed within 7 days', rules: { type: 'followedWithin', days: 7 }, members: [4] },
  {
    name: 'followed before 2026-01-01',
    rules: { type: 'followedBefore', date: '2026-01-01' },
    members: [1, 2, 3, 5, 6],
  },
  { name: 'answered survey 1', rules: { type: 'surveyAnswered', surveyId: 1 }, members: [2, 5] },
  {
    name: 'chose option o2 of q1',
    rules: { type: 'surveyOption', surveyId: 1, questionId: 'q1', optionId: 'o2' },
    members: [5],
  },
  { name: 'NPS promoter', rules: { type: 'npsBand', surveyId: 1, band: 'promoter' }, members: [5] },
  {
    name: 'NPS passive (latest response counts)',
    rules: { type: 'npsBand', surveyId: 1, band: 'passive' },
    members: [2],
  },
  {
    name: 'NPS detractor (superseded response does not count)',
    rules: { type: 'npsBand', surveyId: 1, band: 'detractor' },
    members: [],
  },
  { name: 'points ≥ 100', rules: { type: 'points', op: 'gte', value: 100 }, members: [5] },
  {
    name: 'points ≤ 0 includes members with no balance row',
    rules: { type: 'points', op: 'lte', value: 0 },
    members: [1, 2, 3, 4, 6],
  },
  {
    name: 'unused coupon of template 1 (expired and redeemed excluded)',
    rules: { type: 'unusedCoupon', templateId: 1 },
    members: [4],
  },
  {
    name: 'sent a message within 7 days',
    rules: { type: 'lastInteraction', op: 'lte', days: 7 },
    members: [4],
  },
  {
    name: 'silent for ≥ 30 days (outbound does not count)',
    rules: { type: 'lastInteraction', op: 'gte', days: 30 },
    members: [1],
  },
  {
    name: 'all of nothing is everyone',
    rules: { type: 'all', rules: [] },
    members: [1, 2, 3, 4, 5, 6],
  },
  { name: 'not female', rules: { type: 'not', rule: female }, members: [2, 4, 5, 6] },
  {
    name: 'dormant and not female',
    rules: {
      type: 'all',
      rules: [
        { type: 'lastPurchase', op: 'gte', days: 90 },
        { type: 'not', rule: female },
      ],
    },
    members: [2],
  },
  {
    name: 'new friend or promoter',
    rules: {
      type: 'any',
      rules: [
        { type: 'followedWithin', days: 7 },
        { type: 'npsBand', surveyId: 1, band: 'promoter' },
      ],
    },
    members: [4, 5],
  },
  {
    name: 'casual: 1–4 purchases in 12 months and active within 90 days (merged lookups)',
    rules: builtInSegmentRules({
      key: 'casual',
      minPurchases12m: 1,
      maxPurchases12m: 4,
      activeWithinDays: 90,
    }),
    members: [5],
  },
  {
    name: 'two zero-admitting conditions on one table',
    rules: {
      type: 'all',
      rules: [
        { type: 'points', op: 'lte', value: 400 },
        { type: 'points', op: 'lte', value: 1000 },
      ],
    },
    members: [1, 2, 3, 4, 6],
  },
  {
    name: 'a zero-admitting and a row-requiring condition on one table',
    rules: {
      type: 'all',
      rules: [
        { type: 'spend', op: 'lte', valueYen: 5000, window: 'all' },
        { type: 'lastPurchase', op: 'gte', days: 90 },
      ],
    },
    members: [2, 3],
  },
  {
    name: 'dormant ≥ 90 days and tier ≥ シルバー',
    rules: {
      type: 'all',
      rules: [
        { type: 'lastPurchase', op: 'gte', days: 90 },
        { type: 'tier', op: 'atLeast', tierId: 2 },
      ],
    },
    members: [],
  },
]

/** Member IDs matching `rules` (and the sendable audience when asked), straight from SQL. */
export async function matchingIds(
  db: Database,
  rules: SegmentRule,
  options: { sendable?: boolean; now?: number; timeZone?: string } = {},
): Promise<number[]> {
  const where = compileSegment(SegmentRuleSchema.parse(rules), {
    now: options.now ?? NOW,
    timeZone: options.timeZone ?? TZ,
  })
  const filter = options.sendable ? sql`${sendableAudience()} AND ${where}` : where
  const rows: { id: number }[] = await db.all(
    sql`SELECT id FROM members WHERE ${filter} ORDER BY id`,
  )
  return rows.map((r) => Number(r.id))
}

/** Every case through compileSegment, and through the repository's count with its sample. */
export async function checkAllCases(db: Database): Promise<void> {
  const repo = createSegmentRepository(db)
  for (const c of RULE_CASES) {
    expect({ name: c.name, ids: await matchingIds(db, c.rules) }).toEqual({
      name: c.name,
      ids: c.members,
    })
    // The per-member (EXISTS) form and the index-driven count agree with the IN form.
    const ctx = { now: NOW, timeZone: TZ }
    const perMember: { id: number }[] = await db.all(
      sql`SELECT id FROM members WHERE ${compileSegmentPerMember(c.rules, ctx)} ORDER BY id`,
    )
    expect({ name: c.name, ids: perMember.map((r) => Number(r.id)) }).toEqual({
      name: c.name,
      ids: c.members,
    })
    const fast = compileSegmentCount(c.rules, ctx)
    if (fast) {
      const [row] = await db.all<{ n: number }>(fast)
      expect({ name: c.name, fast: Number(row?.n) }).toEqual({
        name: c.name,
        fast: c.members.length,
      })
    }
    const counted = await repo.count(c.rules, ctx)
    expect({ name: c.name, count: counted.count }).toEqual({
      name: c.name,
      count: c.members.length,
    })
    expect(counted.sample.map((m) => Number(m.memberNumber.slice(-2)))).toEqual(c.members)
    // The reachable count, also in the form for segments with many matches (collected, then
    // probed in member order): every friend who has not opted out (1, 4 never chose, 5, 6), and
    // with the shop's default switched to opt-in only those who opted in (1, 5, 6).
    for (const [marketingDefault, ids] of [
      ['everyone', [1, 4, 5, 6]],
      ['opt_in', [1, 5, 6]],
    ] as const) {
      await db.run(
        sql`INSERT INTO settings (key, value, updated_at) VALUES ('messaging', ${JSON.stringify({ marketingDefault })}, 1)
          ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
      )
      const counted = await repo.count(c.rules, ctx)
      const [many] = await db.all<{ n: number }>(
        compileReachableCount(c.rules, ctx, { manyMatches: true }),
      )
      const reachable = c.members.filter((id) => (ids as readonly number[]).includes(id)).length
      expect({
        name: c.name,
        marketingDefault,
        sendable: counted.sendableCount,
        many: Number(many?.n),
      }).toEqual({
        name: c.name,
        marketingDefault,
        sendable: reachable,
        many: reachable,
      })
    }
    await db.run(sql`DELETE FROM settings WHERE key = 'messaging'`)
  }
}

const summaryCopies = (db: Database) =>
  db.all<{ member_id: number; tier_id: number | null; sendable: number }>(
    sql`SELECT member_id, tier_id, sendable FROM member_rfm ORDER BY member_id`,
  )

/**
 * The segment summary has a row per member (also one added later) whose tier and reachable flag
 * follow follow / block, consent and tier writes (triggers), and the 12-month spender count.
 */
export async function checkSummaryCopies(db: Database): Promise<void> {
  // The reach state: 0 blocked, 1 opted out, 2 following and never chose, 3 opted in.
  // 1: following + in, 2: opted out, 3: blocked, 4: no profile (never chose), 5 / 6: following + in.
  expect(await summaryCopies(db)).toEqual([
    { member_id: 1, tier_id: 3, sendable: 3 },
    { member_id: 2, tier_id: 1, sendable: 1 },
    { member_id: 3, tier_id: 1, sendable: 0 },
    { member_id: 4, tier_id: null, sendable: 2 },
    { member_id: 5, tier_id: 3, sendable: 3 },
    { member_id: 6, tier_id: null, sendable: 3 },
  ])
  await db.run(sql`UPDATE members SET follow_state = 'blocked' WHERE id = 1`)
  await db.run(sql`UPDATE member_profiles SET marketing_choice = 'in' WHERE member_id = 2`)
  await db.run(sql`UPDATE members SET follow_state = 'following' WHERE id = 3`)
  await db.run(
    sql`INSERT INTO member_profiles (member_id, marketing_choice, updated_at) VALUES (4, 'in', 1)`,
  )
  await db.run(sql`UPDATE member_profiles SET marketing_choice = 'out' WHERE member_id = 6`)
  await db.run(
    sql`INSERT INTO member_tiers (member_id, tier_id, spend_12m_yen, updated_at) VALUES (6, 2, 30000, 1)
          ON CONFLICT (member_id) DO UPDATE SET tier_id = excluded.tier_id`,
  )
  await db.run(sql`UPDATE member_tiers SET tier_id = 2 WHERE member_id = 1`)
  await db.run(
    sql`INSERT INTO members (id, line_user_id, member_number, follow_state, follow_state_at, created_at, updated_at)
          VALUES (7, 'U7', '1000000007', 'following', 1, 1, 1)`,
  )
  expect(await summaryCopies(db)).toEqual([
    { member_id: 1, tier_id: 2, sendable: 0 },
    { member_id: 2, tier_id: 1, sendable: 3 },
    { member_id: 3, tier_id: 1, sendable: 3 },
    { member_id: 4, tier_id: null, sendable: 3 },
    { member_id: 5, tier_id: 3, sendable: 3 },
    { member_id: 6, tier_id: 2, sendable: 1 },
    { member_id: 7, tier_id: null, sendable: 2 },
  ])
  const [stats] = await db.all<{ spenders: number; counted: number }>(
    sql`SELECT (SELECT spenders_12m FROM segment_summary_stats WHERE id = 1) AS spenders,
        (SELECT count(*) FROM member_rfm WHERE spend_12m_yen > 0) AS counted`,
  )
  expect(Number(stats?.spenders)).toBe(Number(stats?.counted))
  expect(Number(stats?.spenders)).toBe(3)
}
