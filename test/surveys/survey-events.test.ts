import type { StaffSurvey } from '@joren/shared'
import { describe, expect, it } from 'vitest'
import { drainOnce } from '../../server/src/domain/webhook/processor.ts'
import { claimOwner, TestClock, useWorld } from '../auth/world.ts'
import { eventually } from '../support/joren-node.ts'
import { settled } from '../support-inbox/inbox-world.ts'
import { openSurvey, submit } from './survey-world.ts'

const clock = new TestClock()
const world = useWorld(clock)

/** NPS and two ratings, all askable in chat. */
const scored = {
  title: 'ひとことアンケート',
  intro: '',
  questions: [
    { id: 'taste', type: 'rating', label: '味' },
    { id: 'service', type: 'rating', label: '接客' },
    { id: 'nps', type: 'nps', label: 'おすすめ度' },
  ],
}

function answeredEvents() {
  return world.joren
    .rows<{
      member_id: number
      data: string
      dedupe_key: string
    }>(
      `select member_id, data, dedupe_key from domain_events where type = 'survey.answered' order by id`,
    )
    .map((e) => ({ memberId: e.member_id, ...(JSON.parse(e.data) as object), key: e.dedupe_key }))
}

function memberIdOf(userId: string): number {
  const [row] = world.joren.rows<{ id: number }>(
    'select id from members where line_user_id = ?',
    userId,
  )
  if (!row) throw new Error('no member')
  return row.id
}

describe('survey.answered', () => {
  it('the mini-app submit records it with the response and the lowest NPS and rating, once', async () => {
    const owner = await claimOwner(world)
    const survey = await openSurvey(world, owner, scored)
    const member = await world.member('花子')
    const res = await submit(world, member, survey.id, { taste: 4, service: 1, nps: 8 })
    expect(res.status).toBe(201)
    expect((await submit(world, member, survey.id, { taste: 5, service: 5, nps: 10 })).status).toBe(
      409,
    )
    const memberId = memberIdOf(member.userId)
    expect(answeredEvents()).toEqual([
      {
        memberId,
        surveyId: survey.id,
        responseId: res.body.responseId,
        npsScore: 8,
        ratingScore: 1,
        key: `survey.answered:survey:${survey.id}:member:${memberId}`,
      },
    ])
  })

  it('the last answer in chat records it once, also when its webhook event is replayed', async () => {
    const owner = await claimOwner(world)
    const survey: StaffSurvey = await openSurvey(world, owner, scored)
    const member = await world.member('太郎')
    await eventually(() => expect(world.standIn.received(member.userId).length).toBe(2))
    await world.standIn.sendText(member.userId, 'アンケート')
    await settled(world)
    const answer = async (question: string, value: string) => {
      await world.standIn.postback(
        member.userId,
        `action=survey_answer&s=${survey.id}&v=${survey.currentVersionId}&q=${question}&a=${value}`,
      )
      await settled(world)
    }
    await answer('taste', '5')
    await answer('service', '3')
    await answer('nps', '9')
    const responses = world.joren.rows<{ id: number; channel: string }>(
      'select id, channel from survey_responses',
    )
    expect(responses).toEqual([{ id: expect.any(Number) as unknown, channel: 'chat' }])

    // Every webhook event processed again (a crash before they were marked done).
    world.joren.server.database.sqlite
      .prepare(
        "update webhook_events set status = 'pending', next_attempt_at = 0, locked_until = null",
      )
      .run()
    await drainOnce(world.joren.server.background.processorDeps)
    await settled(world)
    // Each was handled a second time.
    expect(world.joren.rows('select min(attempts) as n from webhook_events')).toEqual([{ n: 2 }])
    expect(world.count('survey_responses')).toBe(1)
    expect(answeredEvents()).toEqual([
      {
        memberId: memberIdOf(member.userId),
        surveyId: survey.id,
        responseId: responses[0]?.id,
        npsScore: 9,
        ratingScore: 3,
        key: `survey.answered:survey:${survey.id}:member:${memberIdOf(member.userId)}`,
      },
    ])
  })
})
