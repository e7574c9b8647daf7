import type { StaffSurvey, StaffSurveyList, SurveyResults } from '@joren/shared'
import { describe, expect, it } from 'vitest'
import { claimOwner, inviteStaff, TestClock, useWorld } from '../auth/world.ts'
import { seedMembers } from '../support/seed.ts'
import {
  createSurvey,
  DAY,
  goodAnswers,
  openSurvey,
  satisfactionSurvey,
  submit,
  type ErrorBody,
} from './survey-world.ts'

const clock = new TestClock()
const world = useWorld(clock)

type Owner = Awaited<ReturnType<typeof claimOwner>>

async function results(owner: Owner, surveyId: number, query = '') {
  return world.api<SurveyResults & ErrorBody>(
    'GET',
    `/api/staff/surveys/${surveyId}/results${query}`,
    { token: owner.token() },
  )
}

async function rawCsv(owner: Owner, surveyId: number, query = '') {
  const res = await fetch(
    `${world.joren.server.url}/api/staff/surveys/${surveyId}/export.csv${query}`,
    {
      headers: { authorization: `Bearer ${owner.token()}` },
    },
  )
  return { res, bytes: new Uint8Array(await res.arrayBuffer()) }
}

/** A small RFC 4180 reader, to prove the export round-trips. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"'
        i++
      } else if (ch === '"') quoted = false
      else field += ch
    } else if (ch === '"') quoted = true
    else if (ch === ',') {
      row.push(field)
      field = ''
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field)
      rows.push(row)
      row = []
      field = ''
      i++
    } else field += ch
  }
  if (field || row.length) rows.push([...row, field])
  return rows
}

describe('survey results', () => {
  it('computes NPS on a known set: 5 promoters, 3 passives, 2 detractors → 30', async () => {
    const owner = await claimOwner(world)
    const survey = await openSurvey(world, owner)
    // 8 more friends who do not answer: 10 responses of 18 eligible.
    seedMembers(world.joren.server.database.sqlite, 8)
    const scores = [10, 10, 9, 9, 9, 8, 7, 7, 5, 0]
    const stars = [5, 5, 4, 4, 4, 3, 3, 3, 2, 1]
    for (const [i, nps] of scores.entries()) {
      const member = await world.member(`会員${i}`)
      const res = await submit(world, member, survey.id, {
        ...goodAnswers,
        nps,
        stars: stars[i] ?? 3,
        purpose: i < 6 ? 'lunch' : 'dinner',
        interests: i % 2 === 0 ? ['wine'] : ['wine', 'coffee'],
        comment: i === 9 ? '待ち時間が長かった' : null,
      })
      expect(res.status).toBe(201)
    }
    const res = await results(owner, survey.id)
    expect(res.status).toBe(200)
    const body = res.body
    expect(body).toMatchObject({
      responseCount: 10,
      eligibleCount: 18,
      responseRate: 0.556,
      lowScoreCount: 2,
      version: 1,
    })
    const byId = Object.fromEntries(body.questions.map((q) => [q.questionId, q]))
    expect(byId.nps).toMatchObject({
      type: 'nps',
      score: 30,
      promoters: 5,
      passives: 3,
      detractors: 2,
      answeredCount: 10,
    })
    expect(byId.stars).toMatchObject({
      type: 'rating',
      average: 3.4,
      distribution: [
        { value: 1, count: 1 },
        { value: 2, count: 1 },
        { value: 3, count: 3 },
        { value: 4, count: 3 },
        { value: 5, count: 2 },
      ],
    })
    expect(byId.purpose).toMatchObject({
      type: 'single',
      options: [
        { optionId: 'lunch', label: 'ランチ', count: 6, share: 0.6 },
        { optionId: 'dinner', label: 'ディナー', count: 4, share: 0.4 },
        { optionId: 'cafe', label: 'カフェ', count: 0, share: 0 },
      ],
    })
    expect(byId.interests).toMatchObject({
      answeredCount: 10,
      options: [
        { optionId: 'wine', count: 10, share: 1 },
        { optionId: 'sweets', count: 0 },
        { optionId: 'coffee', count: 5, share: 0.5 },
      ],
    })
    expect(byId.visited).toMatchObject({
      type: 'date',
      distribution: [{ value: '2026-11-20', count: 10 }],
    })
    expect(byId.comment).toMatchObject({
      type: 'text',
      answeredCount: 1,
      matchedCount: 1,
      answers: [
        { text: '待ち時間が長かった', memberNumber: expect.stringMatching(/^\d{10}$/) as unknown },
      ],
    })
    const search = await results(owner, survey.id, `?q=${encodeURIComponent('おいしい')}`)
    expect(search.body.questions.find((q) => q.questionId === 'comment')).toMatchObject({
      matchedCount: 0,
      answers: [],
    })
  })

  it('filters by tier and by shop-local date range', async () => {
    const owner = await claimOwner(world)
    const survey = await openSurvey(world, owner)
    const sqlite = world.joren.server.database.sqlite
    sqlite
      .prepare(
        "insert into tiers (id, name, min_spend_yen, created_at) values (1, 'ゴールド', 50000, 1)",
      )
      .run()
    const gold = await world.member('ゴールド会員')
    const plain = await world.member('一般会員')
    const goldId = world.joren.rows<{ id: number }>(
      'select id from members where line_user_id = ?',
      gold.userId,
    )[0]?.id
    sqlite
      .prepare(
        'insert into member_tiers (member_id, tier_id, spend_12m_yen, updated_at) values (?, 1, 60000, 1)',
      )
      .run(goldId)
    // Shop time: 2026-11-20 10:00 JST, then three days later.
    clock.offsetMs = Date.parse('2026-11-20T01:00:00Z') - Date.now()
    expect((await submit(world, gold, survey.id, { ...goodAnswers, nps: 10 })).status).toBe(201)
    clock.advance(3 * DAY)
    expect((await submit(world, plain, survey.id, { ...goodAnswers, nps: 3 })).status).toBe(201)

    const tier = await results(owner, survey.id, '?tierId=1')
    expect(tier.body).toMatchObject({ responseCount: 1, eligibleCount: 1, responseRate: 1 })
    expect(tier.body.questions.find((q) => q.questionId === 'nps')).toMatchObject({ score: 100 })

    const firstDay = await results(owner, survey.id, '?from=2026-11-20&to=2026-11-20')
    expect(firstDay.body.responseCount).toBe(1)
    const later = await results(owner, survey.id, '?from=2026-11-21&to=2026-11-30')
    expect(later.body.responseCount).toBe(1)
    expect(later.body.questions.find((q) => q.questionId === 'nps')).toMatchObject({ score: -100 })
    const all = await results(owner, survey.id, '?from=2026-11-20&to=2026-11-23')
    expect(all.body.responseCount).toBe(2)

    const bad = await results(owner, survey.id, '?from=2026-11-30&to=2026-11-01')
    expect(bad.status).toBe(400)
    expect(bad.body.error.message).toContain('終了日は開始日以降にしてください')
  })

  it('exports CSV: BOM, Japanese headers, shop time, quoting of commas, quotes and newlines', async () => {
    const owner = await claimOwner(world)
    const survey = await openSurvey(world, owner)
    clock.offsetMs = Date.parse('2026-11-20T05:04:03Z') - Date.now()
    const a = await world.member('A')
    const b = await world.member('B')
    const tricky = '量が多い, でも"最高"\n また来ます'
    expect((await submit(world, a, survey.id, { ...goodAnswers, comment: tricky })).status).toBe(
      201,
    )
    clock.advance(60_000)
    expect(
      (
        await submit(world, b, survey.id, {
          purpose: 'cafe',
          stars: 2,
          nps: 6,
          comment: '=SUM(A1)',
        })
      ).status,
    ).toBe(201)

    const { res, bytes } = await rawCsv(owner, survey.id)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    expect(res.headers.get('content-disposition')).toContain(`survey-${survey.id}-v1.csv`)
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes)
    expect(text.startsWith('\uFEFF会員番号,回答日時,ご来店の目的は？,')).toBe(true)
    const rows = parseCsv(text.slice(1))
    const numberOf = (userId: string) =>
      world.joren.rows<{ n: string }>(
        'select member_number as n from members where line_user_id = ?',
        userId,
      )[0]?.n
    expect(rows).toEqual([
      [
        '会員番号',
        '回答日時',
        'ご来店の目的は？',
        '興味のあるもの（2つまで）',
        '料理の満足度',
        '友人におすすめする可能性は？',
        'ご意見・ご感想',
        'ご来店日',
      ],
      [
        numberOf(a.userId),
        '2026/11/20 14:04:03',
        'ランチ',
        'ワイン、スイーツ',
        '5',
        '9',
        tricky.trim(),
        '2026-11-20',
      ],
      // A formula-looking answer stays text in Excel.
      [numberOf(b.userId), '2026/11/20 14:05:03', 'カフェ', '', '2', '6', "'=SUM(A1)", ''],
    ])
    expect(text).toContain('"量が多い, でも""最高""\n また来ます"')

    const staff = await inviteStaff(world, owner, 'staff')
    const asStaff = await fetch(
      `${world.joren.server.url}/api/staff/surveys/${survey.id}/export.csv`,
      {
        headers: { authorization: `Bearer ${staff.token()}` },
      },
    )
    expect(asStaff.status).toBe(200)
    const anon = await fetch(`${world.joren.server.url}/api/staff/surveys/${survey.id}/export.csv`)
    expect(anon.status).toBe(401)
  })
})

describe('editing and versions', () => {
  it('edits an unanswered draft in place; an answered survey gets version 2; results per version', async () => {
    const owner = await claimOwner(world)
    const draft = await createSurvey(world, owner)
    const renamed = satisfactionSurvey({ title: '改題アンケート' })
    renamed.questions[2] = { id: 'stars', type: 'rating', label: '接客の満足度' }
    const edited = await world.api<StaffSurvey>('PUT', `/api/staff/surveys/${draft.id}`, {
      token: owner.token(),
      body: renamed,
    })
    expect(edited.status).toBe(200)
    expect(edited.body).toMatchObject({ title: '改題アンケート', version: 1, status: 'draft' })
    expect(edited.body.questions[2]).toMatchObject({ label: '接客の満足度' })
    expect(world.count('survey_versions')).toBe(1)

    await world.api('POST', `/api/staff/surveys/${draft.id}/open`, { token: owner.token() })
    const member = await world.member('花子')
    expect((await submit(world, member, draft.id, { ...goodAnswers, nps: 10 })).status).toBe(201)

    // Now a question changes: a new version, the answered one kept.
    const v2 = satisfactionSurvey({ title: '改題アンケート' })
    v2.questions = [
      { id: 'nps', type: 'nps', label: 'おすすめ度（新）' },
      {
        id: 'again',
        type: 'single',
        label: 'また来ますか？',
        options: [
          { id: 'y', label: 'はい' },
          { id: 'n', label: 'いいえ' },
        ],
      },
    ]
    const second = await world.api<StaffSurvey>('PUT', `/api/staff/surveys/${draft.id}`, {
      token: owner.token(),
      body: v2,
    })
    expect(second.body).toMatchObject({ version: 2, status: 'open', responseCount: 1 })
    expect(second.body.versions.map((v) => [v.version, v.responseCount])).toEqual([
      [2, 0],
      [1, 1],
    ])
    const v1Id = second.body.versions[1]?.id ?? 0

    const other = await world.member('太郎')
    const old = await submit(world, other, draft.id, goodAnswers)
    expect(old.status).toBe(400)
    const fresh = await submit(world, other, draft.id, { nps: 4, again: 'n' })
    expect(fresh.status).toBe(201)

    const current = await results(owner, draft.id)
    expect(current.body).toMatchObject({ version: 2, responseCount: 1 })
    expect(current.body.questions.map((q) => q.questionId)).toEqual(['nps', 'again'])
    expect(current.body.questions[0]).toMatchObject({ score: -100 })
    const first = await results(owner, draft.id, `?versionId=${v1Id}`)
    expect(first.body).toMatchObject({ version: 1, responseCount: 1 })
    expect(first.body.questions).toHaveLength(6)
    expect(first.body.questions.find((q) => q.questionId === 'nps')).toMatchObject({ score: 100 })
    const csv = await rawCsv(owner, draft.id, `?versionId=${v1Id}`)
    expect(new TextDecoder().decode(csv.bytes)).toContain('接客の満足度')

    // Saving the same content again makes no version.
    await world.api('PUT', `/api/staff/surveys/${draft.id}`, { token: owner.token(), body: v2 })
    expect(world.count('survey_versions')).toBe(2)
    expect(
      world.joren.rows("select action from audit_log where action like 'survey.%' order by id"),
    ).toEqual([
      { action: 'survey.create' },
      { action: 'survey.update' },
      { action: 'survey.open' },
      { action: 'survey.update' },
      { action: 'survey.update' },
    ])

    // The answer policy is part of every response's duplicate key: once answered it stays.
    const loosened = await world.api('PUT', `/api/staff/surveys/${draft.id}`, {
      token: owner.token(),
      body: { ...v2, policy: { kind: 'every_n_days', days: 30 } },
    })
    expect(loosened.status).toBe(409)
    expect(JSON.stringify(loosened.body)).toContain('回答ルール')
    expect((await submit(world, member, draft.id, { nps: 9, again: 'y' })).status).toBe(409)
    expect(world.count('survey_responses')).toBe(2)
  })

  it('moves draft → open → closed → open, and refuses what makes no sense', async () => {
    const owner = await claimOwner(world)
    const survey = await createSurvey(world, owner)
    const post = (action: string) =>
      world.api<StaffSurvey & ErrorBody>('POST', `/api/staff/surveys/${survey.id}/${action}`, {
        token: owner.token(),
      })
    const closeDraft = await post('close')
    expect(closeDraft.status).toBe(409)
    expect(closeDraft.body.error.code).toBe('survey_locked')
    expect((await post('open')).body.status).toBe('open')
    expect((await post('open')).body.status).toBe('open')
    expect((await post('close')).body.status).toBe('closed')
    expect((await post('open')).body.status).toBe('open')
    expect((await post('close')).body.status).toBe('closed')
    // Past its closing time it cannot be reopened until the dates change.
    const dated = satisfactionSurvey({ closesAt: clock.now() + DAY })
    await world.api('PUT', `/api/staff/surveys/${survey.id}`, { token: owner.token(), body: dated })
    clock.advance(2 * DAY)
    const late = await post('open')
    expect(late.status).toBe(409)
    expect(late.body.error.message).toContain('終了日時を過ぎています')
    const missing = await world.api<ErrorBody>('GET', '/api/staff/surveys/999', {
      token: owner.token(),
    })
    expect(missing.status).toBe(404)
    expect(
      world.joren.rows(
        "select action from audit_log where action in ('survey.open', 'survey.close')",
      ),
    ).toHaveLength(4)
  })

  it('lists surveys for staff and guards managing by role', async () => {
    const owner = await claimOwner(world)
    await openSurvey(world, owner)
    const survey = await openSurvey(world, owner)
    expect((await submit(world, await world.member('花子'), survey.id, goodAnswers)).status).toBe(
      201,
    )
    const staff = await inviteStaff(world, owner, 'staff')
    const list = await world.api<StaffSurveyList>('GET', '/api/staff/surveys', {
      token: staff.token(),
    })
    expect(list.body.surveys).toMatchObject([
      {
        id: survey.id,
        title: 'ご来店アンケート',
        status: 'open',
        version: 1,
        questionCount: 6,
        responseCount: 1,
      },
      { status: 'open', responseCount: 0 },
    ])
    const create = await world.api<ErrorBody>('POST', '/api/staff/surveys', {
      token: staff.token(),
      body: satisfactionSurvey(),
    })
    expect(create.status).toBe(403)
    const close = await world.api<ErrorBody>('POST', `/api/staff/surveys/${survey.id}/close`, {
      token: staff.token(),
    })
    expect(close.status).toBe(403)
    const invalid = await world.api<ErrorBody>('POST', '/api/staff/surveys', {
      token: owner.token(),
      body: { ...satisfactionSurvey(), title: '', rewardTemplateId: 999 },
    })
    expect(invalid.status).toBe(400)
    expect(invalid.body.error.details).toContainEqual({
      path: 'title',
      message: 'タイトルを入力してください',
    })
    const noTemplate = await world.api<ErrorBody>('POST', '/api/staff/surveys', {
      token: owner.token(),
      body: { ...satisfactionSurvey(), rewardTemplateId: 999 },
    })
    expect(noTemplate.status).toBe(400)
    expect(noTemplate.body.error.message).toContain('特典クーポン')
    expect(world.count('surveys')).toBe(2)
    expect(survey.liffUrl).toBe(`http://localhost:8787/liff/surveys/${survey.id}`)
  })
})
