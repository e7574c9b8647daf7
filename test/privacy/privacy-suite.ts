import { sql } from 'drizzle-orm'
import { expect } from 'vitest'
import { createSettingsStore } from '../../server/src/db/repositories/settings-repository.ts'
import { createPrivacyStore } from '../../server/src/db/repositories/privacy-repository.ts'
import { createPrivacyService } from '../../server/src/domain/privacy/service.ts'
import type { Driver } from '../events/event-suite.ts'
import { kpiWorld } from '../kpis/kpi-suite.ts'

/**
 * Members' data rights, written once and run on better-sqlite3 (test/privacy/) and on workerd's
 * local D1 (test/workers/privacy-d1.test.ts): a member with data in every corner of the schema,
 * and another member beside them. The export holds everything about the first and nothing about
 * the second; the erasure leaves no trace of the first's personal data in ANY table (the scan
 * reads every table sqlite_master lists, so a table added later is covered) while the second's
 * data and the shop's figures stay exactly as they were.
 */

const OWNER = { id: 1, role: 'owner' as const }

/** Distinctive personal values, so a substring scan finds every copy. */
function person(tag: string, n: number) {
  return {
    uid: `U${tag.repeat(32).slice(0, 32)}`,
    number: String(1000000000 + n),
    name: `個人情報${tag}太郎`,
    picture: `https://profile.line-scdn.example/pic-${tag}.png`,
    status: `ステータス${tag}ひみつ`,
    birthday: n === 1 ? '1990-04-17' : '1985-11-23',
    freeText: `自由回答${tag}ひみつです`,
    dateAnswer: n === 1 ? '1990-04-18' : '1985-11-24',
    message: `トーク本文${tag}ひみつ`,
    note: `スタッフメモ${tag}ひみつ`,
    faq: `質問文${tag}ひみつ`,
    reason: `調整理由${tag}ひみつ`,
  }
}
type Person = ReturnType<typeof person>
const needles = (p: Person) => [
  p.uid,
  p.name,
  p.picture,
  p.status,
  p.birthday,
  p.freeText,
  p.dateAnswer,
  p.message,
  p.note,
  p.faq,
  p.reason,
]

export const A = person('a', 1)
export const B = person('b', 2)

async function seedMember(driver: Driver, id: number, p: Person, other: { id: number; p: Person }) {
  const at = Date.parse('2026-03-01T01:00:00Z')
  const run = (q: ReturnType<typeof sql>) => driver.db.run(q)
  await run(sql`UPDATE members SET display_name = ${p.name}, picture_url = ${p.picture},
    status_message = ${p.status}, language = 'ja', line_user_id = ${p.uid}, member_number = ${p.number}
    WHERE id = ${id}`)
  await run(sql`INSERT INTO member_profiles (member_id, birthday, gender, prefecture, interests,
    marketing_consent, marketing_choice, consent_updated_at, updated_at)
    VALUES (${id}, ${p.birthday}, 'female', '東京都', '["coffee"]', 1, 'in', ${at}, ${at})`)
  await run(sql`INSERT INTO chat_messages (id, member_id, direction, kind, text, payload, source_key, created_at)
    VALUES (${id * 10}, ${id}, 'in', 'text', ${p.message}, ${JSON.stringify({ text: p.message, userId: p.uid })}, ${`in:${id}`}, ${at}),
           (${id * 10 + 1}, ${id}, 'out', 'text', ${`${p.name}さん、ありがとうございます`}, '{}', ${`out:${id}`}, ${at})`)
  await run(sql`INSERT INTO message_contents (chat_message_id, line_message_id, status, bytes, updated_at)
    VALUES (${id * 10}, ${`lm${id}`}, 'stored', ${Buffer.from(p.message)}, ${at})`)
  await run(sql`INSERT INTO conversations (id, member_id, status, open_reason, last_message_at, opened_at, updated_at, reply_token)
    VALUES (${id}, ${id}, 'open', 'unanswered', ${at}, ${at}, ${at}, ${`rt-${p.uid}`})`)
  await run(sql`INSERT INTO staff_alerts (kind, member_id, conversation_id, summary, dedupe_key, created_at)
    VALUES ('new_conversation', ${id}, ${id}, ${`${p.name}: ${p.message}`}, ${`conv:${id}`}, ${at})`)
  await run(sql`INSERT INTO webhook_events (event_id, type, line_user_id, reply_token, event_at, is_redelivery, payload, received_at, next_attempt_at, status)
    VALUES (${`ev-${id}`}, 'message', ${p.uid}, 'rt', ${at}, 0, ${JSON.stringify({ source: { userId: p.uid }, message: { text: p.message } })}, ${at}, ${at}, 'done')`)
  await run(sql`INSERT INTO outbox (dedupe_key, line_user_id, retry_key, messages, status, next_attempt_at, created_at)
    VALUES (${`push:${p.uid}:later`}, ${p.uid}, ${`rk-${id}-1`}, ${JSON.stringify([{ type: 'text', text: `${p.name}さんへ` }])}, 'pending', ${at}, ${at}),
           (${`reply:${id}`}, ${p.uid}, ${`rk-${id}-2`}, ${JSON.stringify([{ type: 'text', text: `${p.name}さん` }])}, 'sent', ${at}, ${at})`)
  await run(sql`INSERT INTO point_ledger (member_id, kind, points, reason, staff_id, created_at)
    VALUES (${id}, 'adjust', 50, ${p.reason}, 1, ${at})`)
  await run(
    sql`INSERT INTO point_balances (member_id, balance, updated_at) VALUES (${id}, 50, ${at})`,
  )
  await run(sql`INSERT INTO coupons (template_id, member_id, source, issued_at, expires_at, dedupe_key)
    VALUES (1, ${id}, 'welcome', ${at}, ${at + 86_400_000 * 30}, ${`welcome:${p.uid}`})`)
  await run(sql`INSERT INTO survey_responses (id, survey_id, version_id, member_id, channel, answers, dedupe_key, nps_score, submitted_at)
    VALUES (${id}, 1, 1, ${id}, 'liff', ${JSON.stringify({ q1: 9, q2: p.freeText, q3: ['o1'], q4: p.dateAnswer })}, ${`survey:1:member:${id}`}, 9, ${at})`)
  await run(sql`INSERT INTO survey_answers (response_id, survey_id, member_id, question_id, option_id, number_value, text_value) VALUES
    (${id}, 1, ${id}, 'q1', NULL, 9, NULL), (${id}, 1, ${id}, 'q2', NULL, NULL, ${p.freeText}),
    (${id}, 1, ${id}, 'q3', 'o1', NULL, NULL), (${id}, 1, ${id}, 'q4', NULL, NULL, ${p.dateAnswer})`)
  await run(sql`INSERT INTO survey_sessions (survey_id, member_id, version_id, channel, answers, updated_at)
    VALUES (1, ${id}, 1, 'liff', ${JSON.stringify({ q2: p.freeText })}, ${at})`)
  await run(sql`INSERT INTO member_attributes (member_id, key, value, source, updated_at)
    VALUES (${id}, 'interest', ${`趣味${p.freeText}`}, 'survey', ${at})`)
  await run(sql`INSERT INTO member_tags (member_id, tag_id, created_at) VALUES (${id}, 1, ${at})`)
  await run(
    sql`INSERT INTO member_notes (member_id, staff_id, body, created_at) VALUES (${id}, 1, ${p.note}, ${at})`,
  )
  await run(sql`INSERT INTO faq_asks (member_id, text, outcome, confidence, created_at)
    VALUES (${id}, ${p.faq}, 'handed_over', 0.2, ${at})`)
  await run(
    sql`INSERT INTO referral_codes (member_id, code, created_at) VALUES (${id}, ${`code${id}`}, ${at})`,
  )
  // This member was referred by the other one.
  await run(sql`INSERT INTO referrals (referrer_member_id, newcomer_line_user_id, newcomer_member_id, status, claimed_at, joined_at, created_at, updated_at)
    VALUES (${other.id}, ${p.uid}, ${id}, 'joined', ${at}, ${at}, ${at}, ${at})`)
  await run(sql`INSERT INTO journey_runs (journey_id, member_id, occurrence, status, entered_at, next_due_at, created_at)
    VALUES (1, ${id}, 'follow', 'active', ${at}, ${at + 3_600_000}, ${at})`)
  await run(sql`INSERT INTO stamp_ledger (member_id, kind, stamps, purchase_id, dedupe_key, created_at)
    VALUES (${id}, 'earn', 1, NULL, ${`earn:seed:${id}`}, ${at})`)
  await run(sql`INSERT INTO member_agreements (member_id, document, version, agreed_at)
    VALUES (${id}, 'privacy', 'default-1', ${at}), (${id}, 'terms', 'default-1', ${at})`)
  await run(sql`INSERT INTO audit_log (staff_id, action, target_type, target_id, before, after, at)
    VALUES (1, 'member.note', 'member', ${String(id)}, NULL, ${JSON.stringify({ body: p.note })}, ${at})`)
  // A push chunk for this member alone, already sent, with their name in it.
  await run(sql`INSERT INTO broadcast_chunks (broadcast_id, kind, "to", member_ids, recipient_count, messages, retry_key, status, next_attempt_at, sent_at)
    VALUES (1, 'push', ${JSON.stringify([p.uid])}, ${JSON.stringify([id])}, 1, ${JSON.stringify([{ type: 'text', text: `${p.name}さんへ特別なお知らせ` }])}, ${`brk-${id}`}, 'sent', ${at}, ${at})`)
}

/** Two members with data everywhere, purchases (KPI rollups drained), a shared pending chunk. */
export async function twoMembers(driver: Driver) {
  const w = kpiWorld(driver)
  await w.member(1, 'following')
  await w.member(2, 'following')
  const at = Date.parse('2026-03-01T01:00:00Z')
  await driver.db
    .run(sql`INSERT INTO staff (id, line_user_id, display_name, role, created_at, updated_at)
    VALUES (1, 'Ustaff000000000000000000000000000', '店長', 'owner', ${at}, ${at})`)
  await driver.db.run(sql`INSERT INTO tags (id, name, created_at) VALUES (1, '常連', ${at})`)
  await driver.db
    .run(sql`INSERT INTO coupon_templates (id, kind, title, validity, valid_days, created_at, updated_at)
    VALUES (1, 'yen_off', 'ようこそクーポン', 'days', 30, ${at}, ${at})`)
  await driver.db
    .run(sql`INSERT INTO surveys (id, title, status, current_version_id, created_at, updated_at)
    VALUES (1, 'ご来店アンケート', 'open', 1, ${at}, ${at})`)
  await driver.db
    .run(sql`INSERT INTO survey_versions (id, survey_id, version, questions, created_at)
    VALUES (1, 1, 1, '[]', ${at})`)
  await driver.db
    .run(sql`INSERT INTO journeys (id, name, trigger_kind, "trigger", steps, goal, created_at, updated_at)
    VALUES (1, 'ようこそ', 'follow', '{}', '[]', '{}', ${at}, ${at})`)
  await driver.db
    .run(sql`INSERT INTO broadcasts (id, title, messages, audience, status, created_at, updated_at)
    VALUES (1, '春のお知らせ', '[]', '{"kind":"all"}', 'sending', ${at}, ${at})`)
  await seedMember(driver, 1, A, { id: 2, p: B })
  await seedMember(driver, 2, B, { id: 1, p: A })
  // A multicast chunk not yet sent, to both.
  await driver.db
    .run(sql`INSERT INTO broadcast_chunks (id, broadcast_id, kind, "to", member_ids, recipient_count, messages, retry_key, status, next_attempt_at)
    VALUES (100, 1, 'multicast', ${JSON.stringify([A.uid, B.uid])}, '[1,2]', 2, '[{"type":"text","text":"春です"}]', 'brk-multi', 'pending', ${at})`)
  await w.purchase(1, '2026-02-10 12:00', 1200)
  await w.purchase(1, '2026-03-05 12:00', 800)
  await w.purchase(2, '2026-03-06 12:00', 3000)
  await w.drain()
  const service = createPrivacyService({
    store: createPrivacyStore(driver.db),
    settings: createSettingsStore(driver.db),
    uow: w.uow,
    now: () => w.clock.now(),
    uuid: () => crypto.randomUUID(),
  })
  return { w, service }
}

/** Every value of every row of every table, as text (blobs decoded). */
async function everyValue(driver: Driver): Promise<{ table: string; text: string }[]> {
  const tables = await driver.query<{ name: string }>(
    `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name NOT IN ('d1_migrations', '__drizzle_migrations')`,
  )
  expect(tables.length).toBeGreaterThan(50)
  const out: { table: string; text: string }[] = []
  for (const { name } of tables) {
    const rows = await driver.query<Record<string, unknown>>(`SELECT * FROM "${name}"`)
    for (const row of rows)
      for (const value of Object.values(row)) {
        if (value === null || value === undefined) continue
        const text =
          value instanceof Uint8Array || value instanceof ArrayBuffer
            ? new TextDecoder().decode(value)
            : Array.isArray(value)
              ? new TextDecoder().decode(new Uint8Array(value as number[]))
              : String(value)
        out.push({ table: name, text })
      }
  }
  return out
}

export async function tracesOf(driver: Driver, p: Person): Promise<string[]> {
  const values = await everyValue(driver)
  const found = new Set<string>()
  for (const needle of needles(p))
    for (const v of values) if (v.text.includes(needle)) found.add(`${v.table}: ${needle}`)
  return [...found].sort()
}

export async function exportHoldsTheMemberAndNobodyElse(driver: Driver) {
  const { service } = await twoMembers(driver)
  const data = await service.exportMember(OWNER, A.number)
  const json = JSON.stringify(data)
  for (const needle of needles(A)) expect(json, needle).toContain(needle)
  for (const needle of needles(B)) expect(json, needle).not.toContain(needle)
  expect(json).not.toContain(B.number)
  expect(data.tables.purchases.map((p) => p.amount_yen)).toEqual([1200, 800])
  expect(data.tables.coupons).toHaveLength(1)
  expect(data.tables.journeys).toMatchObject([{ journey: 'ようこそ', status: 'active' }])
  // Referred by B, and referrer of B: their own side of each, never B's ID (checked above).
  expect(data.tables.referrals).toMatchObject([
    { role: 'newcomer', status: 'joined' },
    { role: 'referrer', status: 'joined' },
  ])
  expect(data.tables.consent).toMatchObject([{ marketing_choice: 'in' }])
  expect(data.tables.agreements).toHaveLength(2)
  expect(data.tables.conversation).toHaveLength(2)
  // Every table of the export has something for this member.
  for (const [table, rows] of Object.entries(data.tables))
    expect(rows.length, table).toBeGreaterThan(0)
  // CSV: UTF-8 with BOM, header then rows; the audit log saw each export without its content.
  const csv = await service.exportMemberCsv(OWNER, A.number, 'conversation')
  expect(csv.startsWith('\uFEFFmessage_id,')).toBe(true)
  expect(csv).toContain(A.message)
  const audits = await driver.query<{ action: string; after: string }>(
    `SELECT action, after FROM audit_log WHERE action = 'member.export'`,
  )
  expect(audits).toHaveLength(2)
  for (const a of audits) for (const needle of needles(A)) expect(a.after).not.toContain(needle)
}

export async function erasureLeavesNoTraceAndKeepsTheFigures(driver: Driver) {
  const { w, service } = await twoMembers(driver)
  expect(await tracesOf(driver, A)).not.toEqual([])
  const bBefore = await tracesOf(driver, B)
  const kpisBefore = await w.kpisFor('2026-02-01', '2026-03-31')
  const rollupsBefore = await w.rollups()
  const counts = async () =>
    (
      await driver.query<Record<string, number>>(`SELECT
        (SELECT count(*) FROM members) AS members,
        (SELECT count(*) FROM purchases) AS purchases,
        (SELECT coalesce(sum(amount_yen), 0) FROM purchases WHERE status = 'completed') AS revenue,
        (SELECT count(*) FROM survey_responses) AS responses,
        (SELECT coalesce(sum(nps_score), 0) FROM survey_responses) AS nps,
        (SELECT count(*) FROM coupons) AS coupons,
        (SELECT coalesce(sum(points), 0) FROM point_ledger) AS points,
        (SELECT count(*) FROM stamp_ledger) AS stamps,
        (SELECT count(*) FROM journey_runs) AS runs,
        (SELECT count(*) FROM referrals) AS referrals,
        (SELECT purchase_count FROM member_rfm WHERE member_id = 1) AS rfm_count`)
    )[0]
  const countsBefore = await counts()

  const expectCode = async (p: Promise<unknown>, code: string) =>
    expect(
      await p.then(
        () => 'ok',
        (e: { code?: string }) => e.code,
      ),
    ).toBe(code)
  await expectCode(service.eraseMember(OWNER, A.number, B.number), 'confirm_mismatch')
  expect(await tracesOf(driver, A)).not.toEqual([])

  w.clock.ms += 60_000
  const result = await service.eraseMember(OWNER, A.number, A.number)
  // Their pending push and their place in the pending multicast chunk.
  expect(result).toMatchObject({ memberNumber: A.number, cancelledMessages: 2 })

  // No personal value of theirs left anywhere; the other member's untouched.
  expect(await tracesOf(driver, A)).toEqual([])
  expect(await tracesOf(driver, B)).toEqual(bBefore)
  // The shop's figures are unchanged, and a full rebuild of the rollups agrees.
  expect(await w.kpisFor('2026-02-01', '2026-03-31')).toEqual(kpisBefore)
  expect(await w.rollups()).toEqual(rollupsBefore)
  expect(await counts()).toEqual(countsBefore)
  // Choice / NPS answers remain for the results; free text and dates are gone.
  const [resp] = await driver.query<{ answers: string }>(
    'SELECT answers FROM survey_responses WHERE member_id = 1',
  )
  expect(JSON.parse(resp!.answers)).toEqual({ q1: 9, q3: ['o1'] })

  // Never messaged again: nothing pending for them; the chunk goes to the other member only.
  const [chunk] = await driver.query<{
    to: string
    member_ids: string
    recipient_count: number
    status: string
  }>('SELECT "to", member_ids, recipient_count, status FROM broadcast_chunks WHERE id = 100')
  expect(chunk).toEqual({
    to: JSON.stringify([B.uid]),
    member_ids: '[2]',
    recipient_count: 1,
    status: 'pending',
  })
  expect(
    await driver.query(
      `SELECT 1 FROM outbox WHERE status = 'pending' AND line_user_id NOT LIKE ?`,
      B.uid,
    ),
  ).toEqual([])
  const [m] = await driver.query<{ follow_state: string; erased_at: number; line_user_id: string }>(
    'SELECT follow_state, erased_at, line_user_id FROM members WHERE id = 1',
  )
  expect(m).toMatchObject({ follow_state: 'blocked', erased_at: w.clock.ms })
  expect(m!.line_user_id.startsWith('erased:1:')).toBe(true)
  const [sendable] = await driver.query<{ sendable: number }>(
    'SELECT sendable FROM member_rfm WHERE member_id = 1',
  )
  expect(sendable!.sendable).toBe(0)
  expect(
    await driver.query(`SELECT 1 FROM journey_runs WHERE member_id = 1 AND status = 'active'`),
  ).toEqual([])

  // Audited once, without personal data; a second erasure is refused.
  const audits = await driver.query<{ target_id: string; after: string; staff_id: number }>(
    `SELECT target_id, after, staff_id FROM audit_log WHERE action = 'member.erase'`,
  )
  expect(audits).toEqual([
    {
      target_id: '1',
      staff_id: 1,
      after: JSON.stringify({ erasedAt: w.clock.ms, cancelledMessages: 2 }),
    },
  ])
  await expectCode(service.eraseMember(OWNER, A.number, A.number), 'member_erased')
}
