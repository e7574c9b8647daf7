import type { MemberContext } from '@joren/shared'
import { describe, expect, it } from 'vitest'
import { claimOwner, TestClock, useWorld } from '../auth/world.ts'
import { createTemplate, issueTo, memberNumberOf } from '../coupons/coupon-world.ts'
import { conversationOf, memberIdOf, settled } from './inbox-world.ts'

const clock = new TestClock()
const world = useWorld(clock)

/** A survey response as the survey feature stores it (its tables are written directly here). */
function storeSurveyResponse(memberId: number) {
  const sqlite = world.joren.server.database.sqlite
  const now = clock.now()
  const survey = sqlite
    .prepare(
      `insert into surveys (title, status, created_at, updated_at) values ('ご来店アンケート', 'open', ?, ?)`,
    )
    .run(now, now)
  const questions = [
    { id: 'q1', type: 'nps', label: 'おすすめ度', required: true },
    {
      id: 'q2',
      type: 'single',
      label: 'ご来店の目的',
      required: true,
      options: [
        { id: 'o1', label: 'ランチ' },
        { id: 'o2', label: 'カフェ' },
      ],
    },
    { id: 'q3', type: 'text', label: 'ご意見', required: false, maxLength: 500, multiline: true },
  ]
  const version = sqlite
    .prepare(
      `insert into survey_versions (survey_id, version, questions, created_at) values (?, 1, ?, ?)`,
    )
    .run(survey.lastInsertRowid, JSON.stringify(questions), now)
  sqlite
    .prepare(
      `insert into survey_responses (survey_id, version_id, member_id, channel, answers, dedupe_key, nps_score, low_score, submitted_at)
       values (?, ?, ?, 'liff', ?, ?, 3, 1, ?)`,
    )
    .run(
      survey.lastInsertRowid,
      version.lastInsertRowid,
      memberId,
      JSON.stringify({ q1: 3, q2: 'o1', q3: '待ち時間が長かったです' }),
      `survey:${String(survey.lastInsertRowid)}:member:${memberId}`,
      now,
    )
}

describe("the member's context beside the thread", () => {
  it('shows tier, points, purchases, coupons held, survey answers, tags and notes', async () => {
    const owner = await claimOwner(world)
    const member = await world.member('高橋 美咲')
    await world.standIn.sendImage(member.userId)
    await settled(world)
    const conversation = conversationOf(world, member.userId)
    if (!conversation) throw new Error('no conversation')
    const memberNumber = memberNumberOf(world, member.userId)

    const purchase = await world.api('POST', '/api/staff/register/purchases', {
      token: owner.token(),
      body: { memberNumber, amountYen: 3200 },
    })
    expect(purchase.status).toBe(201)
    const template = await createTemplate(world, owner, { title: '次回 200円引き', value: 200 })
    expect((await issueTo(world, owner, memberNumber, template.id)).status).toBe(201)
    const tag = await world.api<{ id: number }>('POST', '/api/staff/tags', {
      token: owner.token(),
      body: { name: '常連' },
    })
    await world.api('PUT', `/api/staff/members/${memberNumber}/tags/${tag.body.id}`, {
      token: owner.token(),
    })
    await world.api('POST', `/api/staff/members/${memberNumber}/notes`, {
      token: owner.token(),
      body: { body: '窓際の席がお好み' },
    })
    storeSurveyResponse(memberIdOf(world, member.userId))

    const res = await world.api<MemberContext>(
      'GET',
      `/api/staff/inbox/conversations/${conversation.id}/context`,
      { token: owner.token() },
    )
    expect(res.status).toBe(200)
    const context = res.body
    expect(context.member).toMatchObject({ memberNumber, displayName: '高橋 美咲' })
    expect(context.pointsBalance).toBeGreaterThan(0)
    expect(context.tier).not.toBeUndefined()
    expect(context.purchases).toEqual([expect.objectContaining({ amountYen: 3200 })])
    expect(context.coupons).toEqual([expect.objectContaining({ title: '次回 200円引き' })])
    expect(context.tags).toEqual([expect.objectContaining({ name: '常連' })])
    expect(context.notes).toEqual([expect.objectContaining({ body: '窓際の席がお好み' })])
    expect(context.surveys).toEqual([
      expect.objectContaining({
        surveyTitle: 'ご来店アンケート',
        npsScore: 3,
        lowScore: true,
        answers: [
          { question: 'おすすめ度', answer: '3' },
          { question: 'ご来店の目的', answer: 'ランチ' },
          { question: 'ご意見', answer: '待ち時間が長かったです' },
        ],
      }),
    ])
    const missing = await world.api('GET', '/api/staff/inbox/conversations/424242/context', {
      token: owner.token(),
    })
    expect(missing.status).toBe(404)
  })
})
