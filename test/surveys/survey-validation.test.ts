import { describe, expect, it } from 'vitest'
import { claimOwner, TestClock, useWorld } from '../auth/world.ts'
import { createTemplate } from '../coupons/coupon-world.ts'
import {
  goodAnswers,
  openSurvey,
  satisfactionSurvey,
  submit,
  writes,
  type ErrorBody,
} from './survey-world.ts'

const clock = new TestClock()
const world = useWorld(clock)

const nothingStored = {
  responses: 0,
  answers: 0,
  coupons: 0,
  memberTags: 0,
  attributes: 0,
  alerts: 0,
}

describe('answers are validated against the survey version', () => {
  it('answers 400 with one Japanese message per wrong question and stores nothing', async () => {
    const owner = await claimOwner(world)
    const template = await createTemplate(world, owner)
    const survey = await openSurvey(
      world,
      owner,
      satisfactionSurvey({ rewardTemplateId: template.id }),
    )
    const member = await world.member('花子')

    const cases: [string, Record<string, unknown>, string, string][] = [
      ['wrong choice ID (single)', { purpose: 'brunch' }, 'purpose', '選択肢が正しくありません'],
      [
        'wrong choice ID (multiple)',
        { interests: ['wine', 'beer'] },
        'interests',
        '選択肢が正しくありません',
      ],
      [
        'too many choices',
        { interests: ['wine', 'sweets', 'coffee'] },
        'interests',
        '2つまで選べます',
      ],
      ['rating out of range', { stars: 6 }, 'stars', '1〜5 の中から選んでください'],
      ['rating not an integer', { stars: 3.5 }, 'stars', '1〜5 の中から選んでください'],
      ['NPS out of range', { nps: 11 }, 'nps', '0〜10 の中から選んでください'],
      ['NPS below range', { nps: -1 }, 'nps', '0〜10 の中から選んでください'],
      [
        'text too long',
        { comment: 'あ'.repeat(101) },
        'comment',
        '100文字以内で入力してください（今は101文字）',
      ],
      [
        'impossible date',
        { visited: '2026-02-30' },
        'visited',
        '日付を正しく入力してください（例: 2026-04-01）',
      ],
      ['missing required', { stars: null }, 'stars', 'この質問は回答必須です'],
      ['blank required choice', { purpose: '' }, 'purpose', 'この質問は回答必須です'],
      ['unknown question', { extra: 'x' }, 'extra', 'この質問はアンケートにありません'],
    ]
    for (const [name, patch, questionId, message] of cases) {
      const res = await submit(world, member, survey.id, { ...goodAnswers, ...patch } as never)
      expect(res.status, name).toBe(400)
      const body = res.body as ErrorBody
      expect(body.error.code, name).toBe('invalid_answers')
      expect(body.error.details, name).toEqual([{ path: `answers.${questionId}`, message }])
    }
    expect(writes(world)).toEqual(nothingStored)
  })

  it('names every wrong question at once', async () => {
    const owner = await claimOwner(world)
    const survey = await openSurvey(world, owner)
    const member = await world.member('花子')
    const res = await submit(world, member, survey.id, { purpose: 'x', nps: 99 })
    expect(res.status).toBe(400)
    expect(res.body.error.message).toBe('回答に誤りが3か所あります。赤字の質問を確認してください。')
    expect(res.body.error.details).toEqual([
      { path: 'answers.purpose', message: '選択肢が正しくありません' },
      { path: 'answers.stars', message: 'この質問は回答必須です' },
      { path: 'answers.nps', message: '0〜10 の中から選んでください' },
    ])
    expect(writes(world)).toEqual(nothingStored)
  })

  it('refuses a malformed body and a non-member before anything is read', async () => {
    const owner = await claimOwner(world)
    const survey = await openSurvey(world, owner)
    const member = await world.member('花子')
    const shape = await world.api<ErrorBody>('POST', `/api/liff/surveys/${survey.id}/responses`, {
      token: member.token(),
      body: { answers: { stars: { value: 3 } } },
    })
    expect(shape.status).toBe(400)
    expect(shape.body.error.details?.[0]?.path).toBe('answers.stars')
    const noAnswers = await world.api<ErrorBody>(
      'POST',
      `/api/liff/surveys/${survey.id}/responses`,
      {
        token: member.token(),
        body: {},
      },
    )
    expect(noAnswers.status).toBe(400)
    const badId = await world.api<ErrorBody>('POST', '/api/liff/surveys/abc/responses', {
      token: member.token(),
      body: { answers: goodAnswers },
    })
    expect(badId.status).toBe(400)
    const stranger = world.stranger('通りすがり')
    const notFriend = await submit(world, stranger, survey.id, goodAnswers)
    expect(notFriend.status).toBe(403)
    const noToken = await world.api('POST', `/api/liff/surveys/${survey.id}/responses`, {
      body: { answers: goodAnswers },
    })
    expect(noToken.status).toBe(401)
    expect(writes(world)).toEqual(nothingStored)
  })
})
