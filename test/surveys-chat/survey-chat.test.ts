import { describe, expect, it } from 'vitest'
import { claimOwner, TestClock, useWorld } from '../auth/world.ts'
import { createTemplate } from '../coupons/coupon-world.ts'
import { eventually } from '../support/joren-node.ts'
import { openSurvey, satisfactionSurvey } from '../surveys/survey-world.ts'

const clock = new TestClock()
const world = useWorld(clock)

type QuickReply = { items: { action: { label: string; data: string; displayText: string } }[] }
type Message = {
  type: string
  text?: string
  altText?: string
  quickReply?: QuickReply
  template?: { actions: { uri: string }[] }
}

/** Three questions chat can ask: single choice, rating, NPS. */
const shortSurvey = (rewardTemplateId: number | null) => ({
  title: 'ご来店ひとことアンケート',
  intro: '30秒で終わります。',
  rewardTemplateId,
  questions: [
    {
      id: 'purpose',
      type: 'single',
      label: 'ご来店の目的は？',
      options: [
        { id: 'lunch', label: 'ランチ', mapping: { tags: ['ランチ利用'] } },
        { id: 'cafe', label: 'カフェ' },
        { id: 'takeout', label: 'テイクアウト' },
      ],
    },
    { id: 'stars', type: 'rating', label: '味の満足度' },
    { id: 'nps', type: 'nps', label: 'ご友人におすすめする可能性は？' },
  ],
})

async function friend(name = '花子') {
  const user = await world.member(name)
  await eventually(() => expect(world.standIn.received(user.userId).length).toBe(2))
  return user
}

async function waitFor(userId: string, before: number, n: number): Promise<Message[]> {
  await eventually(() => expect(world.standIn.received(userId).length).toBe(before + n))
  return world.standIn
    .received(userId)
    .slice(before)
    .map((r) => r.message as Message)
}

async function say(userId: string, text: string, n: number) {
  const before = world.standIn.received(userId).length
  await world.standIn.sendText(userId, text)
  return waitFor(userId, before, n)
}

async function tap(userId: string, data: string, n: number) {
  const before = world.standIn.received(userId).length
  await world.standIn.postback(userId, data)
  return waitFor(userId, before, n)
}

/** The postback data of the quick reply labelled `label` on the message. */
function button(message: Message | undefined, label: string): string {
  const item = message?.quickReply?.items.find((i) => i.action.label === label)
  if (!item) throw new Error(`no quick reply 「${label}」 in ${JSON.stringify(message)}`)
  return item.action.data
}

const labels = (message: Message | undefined) =>
  message?.quickReply?.items.map((i) => i.action.label)

describe('survey chat mode', () => {
  it('asks one question at a time; the member stops, resumes and completes; one response, one reward', async () => {
    const owner = await claimOwner(world)
    const template = await createTemplate(world, owner, { title: 'アンケート特典 ドリンク1杯' })
    const survey = await openSurvey(world, owner, shortSurvey(template.id))
    const user = await friend()

    const [intro, q1] = await say(user.userId, 'アンケート', 2)
    expect(intro?.text).toContain('ご来店ひとことアンケート')
    expect(intro?.text).toContain('全3問')
    expect(q1?.text).toContain('Q1/3 ご来店の目的は？')
    expect(labels(q1)).toEqual(['ランチ', 'カフェ', 'テイクアウト', '中断'])
    expect(button(q1, 'ランチ')).toMatch(
      new RegExp(`^action=survey_answer&s=${survey.id}&v=\\d+&q=purpose&a=lunch$`),
    )

    const [q2] = await tap(user.userId, button(q1, 'ランチ'), 1)
    expect(q2?.text).toContain('Q2/3 味の満足度')
    expect(labels(q2)).toEqual(['1', '2', '3', '4', '5', '中断'])
    const [q3] = await tap(user.userId, button(q2, '4'), 1)
    expect(q3?.text).toContain('Q3/3')
    // NPS 0–10 and 中断: 12 quick replies (LINE allows 13).
    expect(labels(q3)).toEqual([...Array.from({ length: 11 }, (_, i) => String(i)), '中断'])

    // Stop: the progress stays in the session store, paused.
    const [stopped] = await tap(user.userId, button(q3, '中断'), 1)
    expect(stopped?.text).toContain('中断しました')
    const session = world.joren.rows<{ state: string; channel: string; answers: string }>(
      'select state, channel, answers from survey_sessions',
    )
    expect(session).toHaveLength(1)
    expect(session[0]).toMatchObject({ state: 'paused', channel: 'chat' })
    expect(JSON.parse(session[0]!.answers)).toEqual({ purpose: 'lunch', stars: 4 })

    // 「アンケート」 again offers to continue; 続きから asks the third question.
    const [resume] = await say(user.userId, 'アンケート', 1)
    expect(resume?.text).toContain('2/3問回答済み')
    expect(labels(resume)).toContain('続きから')
    const [again] = await tap(user.userId, button(resume, '続きから'), 1)
    expect(again?.text).toContain('Q3/3')

    const done = await tap(user.userId, button(again, '9'), 3)
    expect(done[0]?.text).toContain('ご回答ありがとうございました')
    expect(done[1]?.text).toContain('クーポン')
    expect(done[2]).toMatchObject({ type: 'flex', altText: expect.stringContaining('ドリンク1杯') })

    const responses = world.joren.rows<{ channel: string; answers: string; nps_score: number }>(
      'select channel, answers, nps_score from survey_responses',
    )
    expect(responses).toHaveLength(1)
    expect(responses[0]).toMatchObject({ channel: 'chat', nps_score: 9 })
    expect(JSON.parse(responses[0]!.answers)).toEqual({ purpose: 'lunch', stars: 4, nps: 9 })
    expect(world.count('survey_sessions')).toBe(0)
    const coupons = world.joren.rows<{ source: string }>('select source from coupons')
    expect(coupons).toEqual([{ source: 'survey' }])
    // The option mapping applied like a mini-app response.
    expect(
      world.joren.rows('select t.name from member_tags mt join tags t on t.id = mt.tag_id'),
    ).toEqual([{ name: 'ランチ利用' }])

    // A stale tap on the last answer: polite, and still one response and one coupon.
    const [stale] = await tap(user.userId, button(again, '10'), 1)
    expect(stale?.text).toContain('回答済み')
    const [none] = await say(user.userId, 'アンケート', 1)
    expect(none?.text).toContain('現在お答えいただけるアンケートはありません')
    expect(world.count('survey_responses')).toBe(1)
    expect(world.count('coupons')).toBe(1)
  })

  it('answers the LIFF draft and chat into the same session row and the same response store', async () => {
    const owner = await claimOwner(world)
    const survey = await openSurvey(world, owner, shortSurvey(null))
    const user = await friend()
    const member = { token: () => world.standIn.issueIdToken(user.userId) }
    // A draft saved in the mini-app …
    const draft = await world.api('PUT', `/api/liff/surveys/${survey.id}/draft`, {
      token: member.token(),
      body: { answers: { purpose: 'cafe' } },
    })
    expect(draft.status).toBeLessThan(300)
    // … is continued in chat from the second question.
    const [q2] = await say(user.userId, 'アンケート', 1)
    expect(q2?.text).toContain('Q2/3')
    const [q3] = await tap(user.userId, button(q2, '5'), 1)
    const done = await tap(user.userId, button(q3, '3'), 1)
    expect(done[0]?.text).toContain('ご回答ありがとうございました')
    expect(
      JSON.parse(
        world.joren.rows<{ answers: string }>('select answers from survey_responses')[0]!.answers,
      ),
    ).toEqual({ purpose: 'cafe', stars: 5, nps: 3 })
  })

  it('a typed option label or number answers the current question; other text is routed as usual', async () => {
    const owner = await claimOwner(world)
    await openSurvey(world, owner, shortSurvey(null))
    const user = await friend()
    await say(user.userId, 'アンケート', 2)
    const [q2] = await say(user.userId, ' ｶﾌｪ ', 1)
    expect(q2?.text).toContain('Q2/3')
    const [q3] = await say(user.userId, '４', 1)
    expect(q3?.text).toContain('Q3/3')
    // Not an answer to an NPS question: the usual routing hands it to staff.
    const [ack] = await say(user.userId, 'トイレはどこですか', 1)
    expect(ack?.text).toContain('営業時間')
    const [done] = await say(user.userId, '10', 1)
    expect(done?.text).toContain('ご回答ありがとうございました')
    expect(
      JSON.parse(
        world.joren.rows<{ answers: string }>('select answers from survey_responses')[0]!.answers,
      ),
    ).toEqual({ purpose: 'cafe', stars: 4, nps: 10 })
  })

  it('hands a survey chat cannot ask (only free text and dates) to the mini-app with a button', async () => {
    const owner = await claimOwner(world)
    const survey = await openSurvey(world, owner, {
      ...satisfactionSurvey(),
      questions: satisfactionSurvey().questions.filter(
        (q) => q.type === 'text' || q.type === 'date',
      ),
    })
    const user = await friend()
    const [handOff] = await say(user.userId, 'アンケート', 1)
    expect(handOff?.type).toBe('template')
    expect(handOff?.template?.actions[0]?.uri).toMatch(new RegExp(`/liff/surveys/${survey.id}$`))
    expect(world.count('survey_sessions')).toBe(0)
  })

  it('the six-question satisfaction survey in chat: optional free text, choices and dates can be skipped', async () => {
    const owner = await claimOwner(world)
    const template = await createTemplate(world, owner, { title: '満足度アンケート特典' })
    await openSurvey(world, owner, satisfactionSurvey({ rewardTemplateId: template.id }))
    const user = await friend()
    const [, q1] = await say(user.userId, 'アンケート', 2)
    expect(q1?.text).toContain('Q1/6')
    // Q2 is multiple choice (optional): the mini-app, or skip.
    const [q2] = await tap(user.userId, button(q1, 'ランチ'), 1)
    expect(q2?.text).toContain('Q2/6')
    expect(labels(q2)).toEqual(['ミニアプリで書く', 'スキップ', '中断'])
    const [q3] = await tap(user.userId, button(q2, 'スキップ'), 1)
    const [q4] = await tap(user.userId, button(q3, '2'), 1)
    const [q5] = await tap(user.userId, button(q4, '3'), 1)
    expect(q5?.text).toContain('Q5/6 ご意見・ご感想')
    const [q6] = await tap(user.userId, button(q5, 'スキップ'), 1)
    expect(q6?.text).toContain('Q6/6')
    const done = await tap(user.userId, button(q6, 'スキップ'), 3)
    expect(done[0]?.text).toContain('ご回答ありがとうございました')
    expect(done[2]).toMatchObject({ type: 'flex' })
    const responses = world.joren.rows<{ channel: string; answers: string; low_score: number }>(
      'select channel, answers, low_score from survey_responses',
    )
    expect(responses).toHaveLength(1)
    expect(responses[0]).toMatchObject({ channel: 'chat', low_score: 1 })
    expect(JSON.parse(responses[0]!.answers)).toEqual({ purpose: 'lunch', stars: 2, nps: 3 })
    expect(world.count('coupons')).toBe(1)
    // The low score reached staff: the member's conversation is open.
    expect(world.joren.rows(`select open_reason from conversations`)).toEqual([
      { open_reason: 'low_score' },
    ])
  })

  it('a required free-text question hands the rest to the mini-app, the answers so far kept', async () => {
    const owner = await claimOwner(world)
    const base = satisfactionSurvey()
    const survey = await openSurvey(world, owner, {
      ...base,
      questions: [
        base.questions[0]!,
        { id: 'comment', type: 'text', label: 'ご意見・ご感想', required: true, maxLength: 100 },
      ],
    })
    const user = await friend()
    const [, q1] = await say(user.userId, 'アンケート', 2)
    const [handOff] = await tap(user.userId, button(q1, 'カフェ'), 1)
    expect(handOff?.type).toBe('template')
    expect(handOff?.altText).toContain('Q2/2')
    expect(handOff?.template?.actions[0]?.uri).toMatch(new RegExp(`/liff/surveys/${survey.id}$`))
    const sessions = world.joren.rows<{ answers: string }>('select answers from survey_sessions')
    expect(sessions.map((r) => JSON.parse(r.answers) as unknown)).toEqual([{ purpose: 'cafe' }])
    expect(world.count('survey_responses')).toBe(0)
    // The mini-app shows the chat answers as its draft and submits the rest.
    const token = world.standIn.issueIdToken(user.userId)
    const submitted = await world.api('POST', `/api/liff/surveys/${survey.id}/responses`, {
      token,
      body: { answers: { purpose: 'cafe', comment: '静かで良かったです' } },
    })
    expect(submitted.status).toBe(201)
    expect(world.count('survey_sessions')).toBe(0)
  })

  it('stale postbacks get a polite message: another version, an answered question, a closed survey', async () => {
    const owner = await claimOwner(world)
    const survey = await openSurvey(world, owner, shortSurvey(null))
    const user = await friend()
    const [, q1] = await say(user.userId, 'アンケート', 2)
    const [q2] = await tap(user.userId, button(q1, 'ランチ'), 1)

    // Tapping Q1 again: already answered, and Q2 is asked again.
    const [already, asked] = await tap(user.userId, button(q1, 'カフェ'), 2)
    expect(already?.text).toContain('すでにお答えいただいています')
    expect(asked?.text).toContain('Q2/3')

    // A button from another version of the survey.
    const oldVersion = button(q2, '3').replace(/&v=\d+/, '&v=999999')
    const [updated, current] = await tap(user.userId, oldVersion, 2)
    expect(updated?.text).toContain('内容が更新されました')
    expect(current?.text).toContain('Q2/3')

    // The survey closes while the member is answering.
    const closed = await world.api('POST', `/api/staff/surveys/${survey.id}/close`, {
      token: owner.token(),
    })
    expect(closed.status).toBe(200)
    const [sorry] = await tap(user.userId, button(q2, '3'), 1)
    expect(sorry?.text).toContain('受付を終了しました')
    expect(world.count('survey_responses')).toBe(0)
    expect(
      world.joren.rows<{ status: string }>(
        "select status from webhook_events where type = 'postback' and status != 'done'",
      ),
    ).toEqual([])
  })
})
