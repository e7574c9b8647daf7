import { SurveyDefinitionSchema } from '@joren/shared'
import { sql } from 'drizzle-orm'
import { expect } from 'vitest'
import { composeSupport } from '../../server/src/compose/support.ts'
import { composeSurveys } from '../../server/src/compose/surveys.ts'
import { createRepositories } from '../../server/src/db/repositories/index.ts'
import { createUnitOfWork } from '../../server/src/db/unit-of-work.ts'
import { createFaqAnswerer } from '../../server/src/domain/faq/answerer.ts'
import { silentLogger, webIds } from '../../server/src/domain/ports.ts'
import { handOver } from '../../server/src/domain/support/handover.ts'
import { followUpLowScore } from '../../server/src/domain/surveys/closed-loop.ts'
import { submitSurveyResponse } from '../../server/src/domain/surveys/submit.ts'
import type { Driver } from './event-suite.ts'

/**
 * The survey and support commands on one driver (better-sqlite3 in test/events, workerd's local
 * D1 in test/workers): every staff change commits with its audit row, and the capability's
 * domain events (survey.answered, conversation.opened) commit with the change they describe —
 * once under a replay, never when the change fails.
 */

const STAFF = { id: 1, role: 'owner' as const }
const T0 = 1_800_000_000_000

const nps = (label = 'おすすめ度') => ({ id: 'nps', type: 'nps', label })
/** A survey as staff send it, parsed by the shared schema the route validates with. */
const surveyDefinition = (overrides: Record<string, unknown> = {}) =>
  SurveyDefinitionSchema.parse({
    title: 'ご来店アンケート',
    intro: '',
    questions: [
      nps(),
      { id: 'taste', type: 'rating', label: '味' },
      { id: 'service', type: 'rating', label: '接客' },
    ],
    rewardTemplateId: null,
    policy: { kind: 'once' },
    opensAt: null,
    closesAt: null,
    alerts: { npsAtOrBelow: 6, ratingAtOrBelow: 2 },
    ...overrides,
  })

function setup(driver: Driver) {
  const clock = { ms: T0, now: () => clock.ms }
  const uow = createUnitOfWork(driver.db, driver.atomic, clock)
  const repositories = createRepositories(driver.db, uow)
  const support = composeSupport({
    db: driver.db,
    atomic: driver.atomic,
    uow,
    repositories,
    clock,
    ids: webIds,
    logger: silentLogger,
    timeZone: 'Asia/Tokyo',
    sandbox: false,
    // No image content is read here; a fetch would say LINE no longer has it.
    content: { fetchContent: async () => ({ kind: 'gone', status: 404 }), maxContentBytes: 1024 },
    kickProcessing: () => undefined,
    faqAnswerer: createFaqAnswerer(repositories.faq),
  })
  const surveys = composeSurveys({
    db: driver.db,
    atomic: driver.atomic,
    uow,
    repositories,
    ids: webIds,
    clock,
    logger: silentLogger,
    links: { liffId: null, publicUrl: 'http://127.0.0.1:8787', timeZone: 'Asia/Tokyo' },
    support: support.handover,
  })
  const count = async (from: string) =>
    (await driver.query<{ n: number }>(`select count(*) as n from ${from}`))[0]?.n
  /** The events of one type as recorded, data parsed (its keys in any order). */
  const events = async (type: string) =>
    (
      await driver.query<{ member_id: number; data: string; dedupe_key: string }>(
        'select member_id, data, dedupe_key from domain_events where type = ? order by id',
        type,
      )
    ).map((e) => ({ ...e, data: JSON.parse(e.data) as Record<string, unknown> }))
  /** A following member (and their number) as the webhook would have stored them. */
  const member = async (n: number) => {
    const lineUserId = `U${String(n).padStart(32, '0')}`
    const memberNumber = String(1_000_000_000 + n)
    await driver.db.run(
      sql.raw(`insert into members (line_user_id, member_number, display_name, follow_state, follow_state_at, created_at, updated_at)
        values ('${lineUserId}', '${memberNumber}', '会員${n}', 'following', 1, 1, 1)`),
    )
    const found = await repositories.members.findByLineUserId(lineUserId)
    if (!found) throw new Error('member not stored')
    return found
  }
  const failInserts = (table: string) =>
    driver.db.run(
      sql.raw(
        `create trigger ${table}_down before insert on ${table} begin select raise(abort, '${table} down'); end`,
      ),
    )
  const restore = (table: string) => driver.db.run(sql.raw(`drop trigger ${table}_down`))
  return { clock, support, surveys, count, events, member, failInserts, restore }
}

/**
 * With the audit insert failing, no survey, inbox, alert or FAQ command stores its change; with
 * the audit log back, each stores the change and its row together.
 */
export async function supportAndSurveyChangesAreAtomic(driver: Driver): Promise<void> {
  const { support, surveys, count, member, failInserts, restore } = setup(driver)
  const { inbox, alerts, faq } = support.service
  await driver.db.run(
    sql.raw(`insert into staff (id, line_user_id, display_name, role, created_at, updated_at)
      values (1, 'U0000000000000000000000000000aaaa', '店長', 'owner', 1, 1)`),
  )
  const hanako = await member(1)
  const taro = await member(2)
  // Before the audit log goes down: a survey, an open conversation with an alert, a canned
  // reply, an FAQ entry and a keyword rule to change.
  const survey = await surveys.service.create(STAFF, surveyDefinition())
  const opened = await surveys.service.create(STAFF, surveyDefinition({ title: '公開中' }))
  await surveys.service.open(STAFF, opened.id)
  // The audit row names what the commit created (the new survey's and version's IDs).
  const [created] = await driver.query<{ target_id: string; after: string }>(
    "select target_id, after from audit_log where action = 'survey.create' order by id limit 1",
  )
  expect(created?.target_id).toBe(String(survey.id))
  expect(JSON.parse(created!.after)).toMatchObject({
    id: survey.id,
    currentVersionId: survey.currentVersionId,
    version: 1,
    status: 'draft',
    title: 'ご来店アンケート',
  })
  await handOver(support.handover, { member: hanako, reason: 'unanswered', at: T0 })
  const conversation = (await inbox.list(STAFF, { status: 'all', limit: 10 })).items[0]
  if (!conversation) throw new Error('no conversation')
  const canned = await inbox.createCanned(STAFF, { title: '営業時間', body: '10時から20時です' })
  const entry = await faq.createEntry(STAFF, {
    questions: ['駐車場はありますか'],
    answer: '4台分あります',
    enabled: true,
  })
  const rule = await faq.createRule(STAFF, {
    match: 'contains',
    pattern: 'wifi',
    reply: [{ type: 'text', text: 'Wi-Fi はレジ横に' }],
    priority: 0,
    enabled: true,
  })
  const [alert] = (await alerts.list({ status: 'open', limit: 10 })).items
  if (!alert) throw new Error('no alert')
  const auditRows = await count('audit_log')
  const snapshot = async () =>
    JSON.stringify(
      await Promise.all(
        [
          'select id, title, status, current_version_id from surveys order by id',
          'select id, survey_id, version, questions from survey_versions order by id',
          'select id, member_id, status, assigned_to, cycle from conversations order by id',
          'select id, title, body from canned_replies order by id',
          'select id, questions, answer, enabled from faq_entries order by id',
          'select id, pattern, reply from keyword_rules order by id',
          'select id, resolved_at, resolved_by from staff_alerts order by id',
          'select staff_id, line_alerts from staff_alert_prefs',
          "select id from domain_events where type = 'conversation.opened'",
        ].map((q) => driver.query(q)),
      ),
    )
  const before = await snapshot()

  await failInserts('audit_log')
  const refused = [
    () => surveys.service.create(STAFF, surveyDefinition({ title: '新しいアンケート' })),
    () =>
      surveys.service.update(
        STAFF,
        survey.id,
        surveyDefinition({ title: '改題', questions: [nps('おすすめしますか')] }),
      ),
    () => surveys.service.open(STAFF, survey.id),
    () => surveys.service.close(STAFF, opened.id),
    () => inbox.setStatus(STAFF, conversation.id, 'closed'),
    () => inbox.assign(STAFF, conversation.id, STAFF.id),
    () => inbox.open(STAFF, taro.memberNumber),
    () => inbox.createCanned(STAFF, { title: '定休日', body: '水曜日です' }),
    () => inbox.updateCanned(STAFF, canned.id, { title: '営業時間', body: '11時から' }),
    () => inbox.deleteCanned(STAFF, canned.id),
    () => alerts.resolve(STAFF, alert.id),
    () => alerts.savePrefs(STAFF, { lineAlerts: true, quietStart: null, quietEnd: null }),
    () =>
      faq.createEntry(STAFF, { questions: ['予約できますか'], answer: 'できます', enabled: true }),
    () =>
      faq.updateEntry(STAFF, entry.id, {
        questions: ['駐車場'],
        answer: 'ありません',
        enabled: true,
      }),
    () => faq.removeEntry(STAFF, entry.id),
    () => faq.createRule(STAFF, { ...rule, pattern: 'トイレ' }),
    () => faq.updateRule(STAFF, rule.id, { ...rule, pattern: 'wi-fi' }),
    () => faq.removeRule(STAFF, rule.id),
  ]
  // One at a time: each fails on its own audit row.
  for (const command of refused) await expect(command()).rejects.toThrow(/audit_log down/)
  expect(await snapshot()).toBe(before)
  expect(await count('audit_log')).toBe(auditRows)
  expect(await count('conversations')).toBe(1)

  // With the audit log back, the same commands store the change and its row together.
  await restore('audit_log')
  await inbox.assign(STAFF, conversation.id, STAFF.id)
  await inbox.open(STAFF, taro.memberNumber)
  await alerts.resolve(STAFF, alert.id)
  await surveys.service.close(STAFF, opened.id)
  await faq.removeRule(STAFF, rule.id)
  // A draft's questions change in place; a published (here closed) survey's make a new version.
  const edited = surveyDefinition({ questions: [nps('おすすめしますか')] })
  const draft = await surveys.service.update(STAFF, survey.id, edited)
  expect(draft).toMatchObject({ version: 1, currentVersionId: survey.currentVersionId })
  expect(draft.questions.map((q) => q.label)).toEqual(['おすすめしますか'])
  const live = await surveys.service.update(STAFF, opened.id, { ...edited, title: '公開中' })
  expect(live).toMatchObject({ version: 2, status: 'closed' })
  expect(live.currentVersionId).not.toBe(opened.currentVersionId)
  expect(live.versions.map((v) => v.version)).toEqual([2, 1])
  expect(await count('conversations')).toBe(2)
  expect(await count('keyword_rules')).toBe(0)
  expect(
    (
      await driver.query<{ action: string }>(
        `select action from audit_log where id > ${auditRows} order by id`,
      )
    ).map((r) => r.action),
  ).toEqual([
    'conversation.assign',
    'conversation.open',
    'alert.resolve',
    'survey.close',
    'keyword_rule.delete',
    'survey.update',
    'survey.update',
  ])
}

/**
 * conversation.opened is written with the opening (hand-over, 「スタッフに聞く」, a low score, staff
 * starting one), once per cycle however often the opening is replayed, and not at all when the
 * opening fails.
 */
export async function conversationOpenedGoesWithTheOpening(driver: Driver): Promise<void> {
  const world = setup(driver)
  const { clock, support, count, events, member, failInserts, restore } = world
  const { inbox } = support.service
  const hanako = await member(1)

  // The hand-over, and the same webhook event processed again (a crash before it was marked done).
  await handOver(support.handover, { member: hanako, reason: 'unanswered', at: T0 })
  await handOver(support.handover, { member: hanako, reason: 'unanswered', at: T0 })
  const [conversation] = await driver.query<{ id: number; cycle: number }>(
    'select id, cycle from conversations',
  )
  expect(conversation?.cycle).toBe(1)
  expect(await events('conversation.opened')).toEqual([
    {
      member_id: hanako.id,
      data: { conversationId: conversation?.id, reason: 'unanswered' },
      dedupe_key: `conversation.opened:member:${hanako.id}:cycle:1`,
    },
  ])
  expect(
    await driver.query('select kind, conversation_id, dedupe_key from staff_alerts order by id'),
  ).toEqual([
    {
      kind: 'new_conversation',
      conversation_id: conversation?.id,
      dedupe_key: `conversation:${conversation?.id}:cycle:1`,
    },
  ])

  // Closed by staff, then 「スタッフに聞く」: a new cycle, a new event.
  await inbox.setStatus(STAFF, conversation!.id, 'closed')
  clock.ms += 60_000
  await handOver(support.handover, { member: hanako, reason: 'ask_staff', at: clock.ms })
  await handOver(support.handover, { member: hanako, reason: 'ask_staff', at: clock.ms })
  expect((await events('conversation.opened')).map((e) => e.data)).toEqual([
    { conversationId: conversation?.id, reason: 'unanswered' },
    { conversationId: conversation?.id, reason: 'ask_staff' },
  ])
  expect(await count('staff_alerts')).toBe(2)

  // The event cannot be stored: the opening is not stored either (one commit).
  const saburo = await member(4)
  await failInserts('domain_events')
  await expect(
    handOver(support.handover, { member: saburo, reason: 'unanswered', at: clock.ms }),
  ).rejects.toThrow(/domain_events down/)
  expect(await count(`conversations where member_id = ${saburo.id}`)).toBe(0)
  expect(await count(`staff_alerts where member_id = ${saburo.id}`)).toBe(0)
  await restore('domain_events')

  // The opening fails (its alert cannot be stored): no conversation, no event.
  const taro = await member(2)
  await failInserts('staff_alerts')
  await expect(
    handOver(support.handover, { member: taro, reason: 'unanswered', at: clock.ms }),
  ).rejects.toThrow(/staff_alerts down/)
  expect(await count(`conversations where member_id = ${taro.id}`)).toBe(0)
  expect(await count(`domain_events where member_id = ${taro.id}`)).toBe(0)
  // Likewise a low score's follow-up (retried later by the periodic job).
  expect(await followUp(world, taro.id, 41, clock.ms)).toBe(false)
  expect(await count(`domain_events where member_id = ${taro.id}`)).toBe(0)
  await restore('staff_alerts')
  expect(await followUp(world, taro.id, 41, clock.ms)).toBe(true)
  expect(await followUp(world, taro.id, 41, clock.ms)).toBe(true)
  expect((await events('conversation.opened')).filter((e) => e.member_id === taro.id)).toEqual([
    {
      member_id: taro.id,
      data: { conversationId: expect.any(Number) as unknown, reason: 'low_score' },
      dedupe_key: `conversation.opened:member:${taro.id}:cycle:1`,
    },
  ])

  // Staff start one: 201 once (with the event and the audit row), then it is simply open.
  const jiro = await member(3)
  const first = await inbox.open(STAFF, jiro.memberNumber)
  const again = await inbox.open(STAFF, jiro.memberNumber)
  expect([first.created, again.created]).toEqual([true, false])
  expect(first.conversation).toMatchObject({
    memberId: jiro.id,
    status: 'open',
    openReason: 'staff',
  })
  expect((await events('conversation.opened')).filter((e) => e.member_id === jiro.id)).toEqual([
    {
      member_id: jiro.id,
      data: { conversationId: first.conversation.id, reason: 'staff' },
      dedupe_key: `conversation.opened:member:${jiro.id}:cycle:1`,
    },
  ])
  expect(
    await driver.query(
      "select staff_id, target_id from audit_log where action = 'conversation.open'",
    ),
  ).toEqual([{ staff_id: STAFF.id, target_id: String(first.conversation.id) }])
}

/** The closed loop's follow-up for one low-score response (as the submit and the retry run it). */
function followUp(
  world: ReturnType<typeof setup>,
  memberId: number,
  responseId: number,
  at: number,
): Promise<boolean> {
  return followUpLowScore(world.surveys.deps, {
    responseId,
    memberId,
    surveyTitle: 'ご来店アンケート',
    reasons: ['「おすすめ度」NPS 2'],
    comments: [],
    at,
  })
}

/**
 * survey.answered is written with the response (from the mini-app and from chat) with the lowest
 * NPS and rating, once however often the answer is replayed, and not when the response fails.
 */
export async function surveyAnsweredGoesWithTheResponse(driver: Driver): Promise<void> {
  const { clock, surveys, count, events, member, failInserts, restore } = setup(driver)
  const survey = await surveys.service.create(STAFF, surveyDefinition())
  await surveys.service.open(STAFF, survey.id)
  const hanako = await member(1)
  const taro = await member(2)
  clock.ms += 1_000

  // The mini-app submit: the lowest rating of two, the NPS.
  const answers = { nps: 3, taste: 4, service: 2 }
  const result = await surveys.service.submit(hanako.id, survey.id, answers)
  await expect(surveys.service.submit(hanako.id, survey.id, answers)).rejects.toMatchObject({
    code: 'survey_already_answered',
  })
  expect(await events('survey.answered')).toEqual([
    {
      member_id: hanako.id,
      data: {
        surveyId: survey.id,
        responseId: result.responseId,
        npsScore: 3,
        ratingScore: 2,
      },
      dedupe_key: `survey.answered:survey:${survey.id}:member:${hanako.id}`,
    },
  ])
  // Its low score opened the conversation: that event too, once.
  expect((await events('conversation.opened')).map((e) => e.data.reason)).toEqual(['low_score'])

  // The response fails (its answer rows cannot be stored): nothing, and no event.
  await failInserts('survey_answers')
  await expect(
    submitSurveyResponse(surveys.deps, {
      surveyId: survey.id,
      member: { id: taro.id },
      answers: { nps: 10, taste: 5, service: 5 },
      channel: 'chat',
    }),
  ).rejects.toThrow(/survey_answers down/)
  expect(await count('survey_responses')).toBe(1)
  expect(await count("domain_events where type = 'survey.answered'")).toBe(1)

  // The event cannot be stored: neither is the response (one commit).
  await restore('survey_answers')
  await failInserts('domain_events')
  await expect(surveys.service.submit(taro.id, survey.id, answers)).rejects.toThrow(
    /domain_events down/,
  )
  expect(await count('survey_responses')).toBe(1)
  expect(await count('survey_answers')).toBe(3)
  await restore('domain_events')

  // From chat, once it can be stored.
  const chat = await submitSurveyResponse(surveys.deps, {
    surveyId: survey.id,
    member: { id: taro.id },
    answers: { nps: 10, taste: 5, service: 5 },
    channel: 'chat',
  })
  expect((await events('survey.answered')).map((e) => [e.member_id, e.data])).toEqual([
    [hanako.id, expect.objectContaining({ npsScore: 3, ratingScore: 2 })],
    [taro.id, { surveyId: survey.id, responseId: chat.responseId, npsScore: 10, ratingScore: 5 }],
  ])
}
