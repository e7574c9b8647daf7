import type { CouponList, MemberSurvey, MemberSurveyList } from '@joren/shared'
import { describe, expect, it } from 'vitest'
import { claimOwner, TestClock, useWorld } from '../auth/world.ts'
import { createTemplate } from '../coupons/coupon-world.ts'
import { seedMembers } from '../support/seed.ts'
import {
  createSurvey,
  DAY,
  goodAnswers,
  openSurvey,
  satisfactionSurvey,
  submit,
  writes,
  type ErrorBody,
} from './survey-world.ts'

const clock = new TestClock()
const world = useWorld(clock)

describe('submitting a survey in the mini-app', () => {
  it('stores the response and its answers and issues the reward coupon into the member’s list', async () => {
    const owner = await claimOwner(world)
    const template = await createTemplate(world, owner, { title: 'アンケート特典 ドリンク1杯' })
    const survey = await openSurvey(
      world,
      owner,
      satisfactionSurvey({ rewardTemplateId: template.id }),
    )
    const member = await world.member('花子')

    const res = await submit(world, member, survey.id, goodAnswers)
    expect(res.status).toBe(201)
    expect(res.body.reward).toMatchObject({
      templateId: template.id,
      title: 'アンケート特典 ドリンク1杯',
      source: 'survey',
      state: 'issued',
    })
    expect(res.body.rewardUnavailable).toBeNull()

    const coupons = await world.api<CouponList>('GET', '/api/liff/coupons', {
      token: member.token(),
    })
    expect(coupons.body.coupons.map((c) => c.id)).toEqual([res.body.reward?.id])
    expect(
      world.joren.rows('select source, source_ref from coupons where id = ?', res.body.reward?.id),
    ).toEqual([{ source: 'survey', source_ref: String(res.body.responseId) }])
    expect(
      world.joren.rows(
        'select channel, nps_score, low_score, reward_coupon_id from survey_responses where id = ?',
        res.body.responseId,
      ),
    ).toEqual([
      { channel: 'liff', nps_score: 9, low_score: 0, reward_coupon_id: res.body.reward?.id },
    ])
    // One row per answered option / value.
    expect(
      world.joren.rows(
        `select question_id, option_id, number_value, text_value from survey_answers
         where response_id = ? order by id`,
        res.body.responseId,
      ),
    ).toEqual([
      { question_id: 'purpose', option_id: 'lunch', number_value: null, text_value: null },
      { question_id: 'interests', option_id: 'wine', number_value: null, text_value: null },
      { question_id: 'interests', option_id: 'sweets', number_value: null, text_value: null },
      { question_id: 'stars', option_id: null, number_value: 5, text_value: null },
      { question_id: 'nps', option_id: null, number_value: 9, text_value: null },
      {
        question_id: 'comment',
        option_id: null,
        number_value: null,
        text_value: 'とてもおいしかったです',
      },
      { question_id: 'visited', option_id: null, number_value: null, text_value: '2026-11-20' },
    ])
  })

  it('applies option mappings: tags (created when missing) and member attributes', async () => {
    const owner = await claimOwner(world)
    const survey = await openSurvey(world, owner)
    // One of the two tags exists already (made by staff); the other is created.
    world.joren.server.database.sqlite
      .prepare("insert into tags (name, created_at) values ('ワイン好き', 1)")
      .run()
    const member = await world.member('花子')
    const res = await submit(world, member, survey.id, goodAnswers)
    expect(res.status).toBe(201)
    const memberId = world.joren.rows<{ id: number }>(
      'select id from members where line_user_id = ?',
      member.userId,
    )[0]?.id
    expect(
      world.joren.rows(
        `select t.name from member_tags mt join tags t on t.id = mt.tag_id
         where mt.member_id = ? order by t.name`,
        memberId,
      ),
    ).toEqual([{ name: 'ランチ利用' }, { name: 'ワイン好き' }])
    expect(world.count('tags')).toBe(2)
    expect(
      world.joren.rows(
        'select key, value, source from member_attributes where member_id = ? order by key, value',
        memberId,
      ),
    ).toEqual([
      // SQLite orders by UTF-8 bytes: 来 (E6) before 興 (E8).
      { key: '来店目的', value: 'ランチ', source: `survey:${survey.id}` },
      { key: '興味', value: 'スイーツ', source: `survey:${survey.id}` },
      { key: '興味', value: 'ワイン', source: `survey:${survey.id}` },
    ])
  })

  it('under 5 concurrent submits by one member: one response, one reward, four 409s', async () => {
    const owner = await claimOwner(world)
    const template = await createTemplate(world, owner, { perMemberLimit: 5 })
    const survey = await openSurvey(
      world,
      owner,
      satisfactionSurvey({ rewardTemplateId: template.id }),
    )
    const member = await world.member('花子')
    const results = await Promise.all(
      Array.from({ length: 5 }, () => submit(world, member, survey.id, goodAnswers)),
    )
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409])
    for (const r of results.filter((r) => r.status === 409))
      expect(r.body.error.code).toBe('survey_already_answered')
    expect(writes(world)).toMatchObject({ responses: 1, answers: 7, coupons: 1 })
    expect(world.joren.rows('select issued_count from coupon_templates')).toEqual([
      { issued_count: 1 },
    ])
    // And a later, sequential second submit is refused the same way.
    const again = await submit(world, member, survey.id, goodAnswers)
    expect(again.status).toBe(409)
    expect(again.body.error.message).toContain('回答済み')
    expect(writes(world)).toMatchObject({ responses: 1, coupons: 1 })
  })

  it('different members submitting at once each get their own response and reward', async () => {
    const owner = await claimOwner(world)
    const template = await createTemplate(world, owner)
    const survey = await openSurvey(
      world,
      owner,
      satisfactionSurvey({ rewardTemplateId: template.id }),
    )
    const members = await Promise.all(['A', 'B', 'C', 'D', 'E', 'F'].map((n) => world.member(n)))
    const results = await Promise.all(members.map((m) => submit(world, m, survey.id, goodAnswers)))
    expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201, 201, 201])
    expect(new Set(results.map((r) => r.body.responseId)).size).toBe(6)
    expect(writes(world)).toMatchObject({ responses: 6, coupons: 6, answers: 42 })
  })

  it('40 members submitting at the same moment: 40 responses, 40 rewards, no errors', async () => {
    const owner = await claimOwner(world)
    const template = await createTemplate(world, owner)
    const survey = await openSurvey(
      world,
      owner,
      satisfactionSurvey({ rewardTemplateId: template.id }),
    )
    seedMembers(world.joren.server.database.sqlite, 40)
    const tokens = Array.from({ length: 40 }, (_, i) => {
      const userId = `U${(i + 1).toString(16).padStart(32, '0')}`
      return { token: () => world.standIn.issueIdToken(userId) }
    })
    const results = await Promise.all(tokens.map((m) => submit(world, m, survey.id, goodAnswers)))
    expect(results.filter((r) => r.status === 201)).toHaveLength(40)
    expect(new Set(results.map((r) => r.body.responseId)).size).toBe(40)
    expect(writes(world)).toMatchObject({ responses: 40, coupons: 40, answers: 280 })
    expect(
      world.joren.rows<{ n: number }>(
        'select count(*) as n from survey_responses r join coupons c on c.source_ref = cast(r.id as text)',
      ),
    ).toEqual([{ n: 40 }])
  })

  it('every_n_days: once per period of N days, again in the next period', async () => {
    const owner = await claimOwner(world)
    const survey = await openSurvey(
      world,
      owner,
      satisfactionSurvey({ policy: { kind: 'every_n_days', days: 7 } }),
    )
    const member = await world.member('花子')
    expect((await submit(world, member, survey.id, goodAnswers)).status).toBe(201)
    const second = await submit(world, member, survey.id, goodAnswers)
    expect(second.status).toBe(409)
    expect(second.body.error.code).toBe('survey_already_answered')
    const nextAt = second.body.error.nextAvailableAt ?? 0
    expect(nextAt).toBeGreaterThan(clock.now())
    expect(nextAt - clock.now()).toBeLessThanOrEqual(7 * DAY)

    const list = await world.api<MemberSurveyList>('GET', '/api/liff/surveys', {
      token: member.token(),
    })
    expect(list.body.surveys).toMatchObject([
      { id: survey.id, answered: true, nextAvailableAt: nextAt },
    ])

    clock.advance(nextAt - clock.now() + 1000)
    const next = await submit(world, member, survey.id, { ...goodAnswers, purpose: 'dinner' })
    expect(next.status).toBe(201)
    expect(world.count('survey_responses')).toBe(2)
    // This survey's earlier answer for 来店目的 is replaced, not piled up.
    expect(world.joren.rows("select value from member_attributes where key = '来店目的'")).toEqual([
      { value: 'ディナー' },
    ])
    expect(
      world.joren.rows<{ k: string }>('select dedupe_key as k from survey_responses order by id'),
    ).toEqual([
      { k: expect.stringMatching(/^survey:\d+:member:\d+:period:0$/) as unknown },
      { k: expect.stringMatching(/^survey:\d+:member:\d+:period:1$/) as unknown },
    ])
  })

  it('keeps a draft between visits and removes it once submitted', async () => {
    const owner = await claimOwner(world)
    const survey = await openSurvey(world, owner)
    const member = await world.member('花子')
    const saved = await world.api('PUT', `/api/liff/surveys/${survey.id}/draft`, {
      token: member.token(),
      body: { answers: { purpose: 'dinner', comment: '途中まで' } },
    })
    expect(saved.status).toBe(200)
    const got = await world.api<MemberSurvey>('GET', `/api/liff/surveys/${survey.id}`, {
      token: member.token(),
    })
    expect(got.body).toMatchObject({
      id: survey.id,
      title: 'ご来店アンケート',
      answered: false,
      hasDraft: true,
      draft: { purpose: 'dinner', comment: '途中まで' },
    })
    // Members never see the mappings.
    expect(JSON.stringify(got.body.questions)).not.toContain('mapping')
    expect(got.body.questions).toHaveLength(6)

    const badDraft = await world.api<ErrorBody>('PUT', `/api/liff/surveys/${survey.id}/draft`, {
      token: member.token(),
      body: { answers: { stars: 9 } },
    })
    expect(badDraft.status).toBe(400)
    expect(badDraft.body.error.details).toEqual([
      { path: 'answers.stars', message: '1〜5 の中から選んでください' },
    ])

    expect((await submit(world, member, survey.id, goodAnswers)).status).toBe(201)
    expect(world.count('survey_sessions')).toBe(0)
    const after = await world.api<MemberSurvey>('GET', `/api/liff/surveys/${survey.id}`, {
      token: member.token(),
    })
    expect(after.body).toMatchObject({ answered: true, draft: null })
  })

  it('refuses drafts (404), closed surveys and surveys outside their dates (409)', async () => {
    const owner = await claimOwner(world)
    const member = await world.member('花子')
    const draft = await createSurvey(world, owner)
    const notFound = await submit(world, member, draft.id, goodAnswers)
    expect(notFound.status).toBe(404)
    expect(notFound.body.error.code).toBe('survey_not_found')

    const open = await openSurvey(world, owner)
    await world.api('POST', `/api/staff/surveys/${open.id}/close`, { token: owner.token() })
    const closed = await submit(world, member, open.id, goodAnswers)
    expect(closed.status).toBe(409)
    expect(closed.body.error).toMatchObject({ code: 'survey_not_open' })

    const later = await openSurvey(
      world,
      owner,
      satisfactionSurvey({ opensAt: clock.now() + DAY, closesAt: clock.now() + 2 * DAY }),
    )
    const early = await submit(world, member, later.id, goodAnswers)
    expect(early.status).toBe(409)
    expect(early.body.error.message).toContain('まだ始まっていません')
    clock.advance(DAY + 1000)
    expect((await submit(world, member, later.id, goodAnswers)).status).toBe(201)

    const list = await world.api<MemberSurveyList>('GET', '/api/liff/surveys', {
      token: member.token(),
    })
    expect(list.body.surveys.map((s) => [s.id, s.answered])).toEqual([[later.id, true]])
    expect(writes(world)).toMatchObject({ responses: 1 })
  })

  it('accepts the answers without a reward when the reward is out of stock', async () => {
    const owner = await claimOwner(world)
    const template = await createTemplate(world, owner, { totalLimit: 1 })
    const survey = await openSurvey(
      world,
      owner,
      satisfactionSurvey({ rewardTemplateId: template.id }),
    )
    const first = await submit(world, await world.member('A'), survey.id, goodAnswers)
    expect(first.body.reward).not.toBeNull()
    const second = await submit(world, await world.member('B'), survey.id, goodAnswers)
    expect(second.status).toBe(201)
    expect(second.body.reward).toBeNull()
    expect(second.body.rewardUnavailable).toContain('配布上限')
    expect(writes(world)).toMatchObject({ responses: 2, coupons: 1 })
  })
})
