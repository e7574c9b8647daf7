import { describe, expect, it } from 'vitest'
import { silentLogger, webIds } from '../../server/src/domain/ports.ts'
import { runSurveyUpkeep } from '../../server/src/compose/upkeep.ts'
import { claimOwner, TestClock, useWorld } from '../auth/world.ts'
import { goodAnswers, openSurvey, satisfactionSurvey, submit } from './survey-world.ts'

const clock = new TestClock()
const world = useWorld(clock)

function memberIdOf(userId: string): number {
  const [row] = world.joren.rows<{ id: number }>(
    'select id from members where line_user_id = ?',
    userId,
  )
  if (!row) throw new Error('no member')
  return row.id
}

function upkeep() {
  return runSurveyUpkeep({
    background: world.joren.server.background,
    clock,
    ids: webIds,
    logger: silentLogger,
    timeZone: 'Asia/Tokyo',
  })
}

describe('the closed loop on low scores', () => {
  it('a low NPS opens a support conversation and raises one staff alert', async () => {
    const owner = await claimOwner(world)
    const survey = await openSurvey(world, owner)
    const member = await world.member('花子')
    const res = await submit(world, member, survey.id, { ...goodAnswers, nps: 3 })
    expect(res.status).toBe(201)
    const memberId = memberIdOf(member.userId)
    expect(
      world.joren.rows('select low_score from survey_responses where id = ?', res.body.responseId),
    ).toEqual([{ low_score: 1 }])
    const [conversation] = world.joren.rows<{ id: number }>(
      'select id, status, open_reason from conversations where member_id = ?',
      memberId,
    )
    expect(conversation).toMatchObject({ status: 'open', open_reason: 'low_score' })
    const alerts = world.joren.rows<{ summary: string }>(
      `select kind, member_id, conversation_id, survey_response_id, dedupe_key, summary
       from staff_alerts`,
    )
    expect(alerts).toEqual([
      {
        kind: 'low_score',
        member_id: memberId,
        conversation_id: conversation?.id,
        survey_response_id: res.body.responseId,
        dedupe_key: `low_score:${res.body.responseId}`,
        summary: expect.stringContaining('「友人におすすめする可能性は？」NPS 3') as unknown,
      },
    ])
    expect(alerts[0]?.summary).toContain('ご来店アンケート')

    // The retry job finds nothing left to do (idempotent).
    clock.advance(5 * 60_000)
    await upkeep()
    expect(world.count('staff_alerts')).toBe(1)
    expect(world.count('conversations')).toBe(1)
  })

  it('a rating at or below 2 alerts too; good scores and switched-off thresholds do not', async () => {
    const owner = await claimOwner(world)
    const survey = await openSurvey(world, owner)
    const quiet = await openSurvey(
      world,
      owner,
      satisfactionSurvey({ alerts: { npsAtOrBelow: null, ratingAtOrBelow: 1 } }),
    )
    const a = await world.member('A')
    const b = await world.member('B')
    expect((await submit(world, a, survey.id, { ...goodAnswers, stars: 2 })).status).toBe(201)
    expect((await submit(world, b, survey.id, { ...goodAnswers, nps: 7, stars: 3 })).status).toBe(
      201,
    )
    expect((await submit(world, a, quiet.id, { ...goodAnswers, nps: 0, stars: 2 })).status).toBe(
      201,
    )
    const alerts = world.joren.rows<{ member_id: number; summary: string }>(
      'select member_id, summary from staff_alerts',
    )
    expect(alerts).toHaveLength(1)
    expect(alerts[0]?.member_id).toBe(memberIdOf(a.userId))
    expect(alerts[0]?.summary).toContain('「料理の満足度」評価 2')
    expect(world.joren.rows('select low_score from survey_responses order by id')).toEqual([
      { low_score: 1 },
      { low_score: 0 },
      { low_score: 0 },
    ])
  })

  it('a failing follow-up never loses the response; the periodic job raises the alert later', async () => {
    const owner = await claimOwner(world)
    const survey = await openSurvey(world, owner)
    const member = await world.member('花子')
    const sqlite = world.joren.server.database.sqlite
    sqlite.exec(
      "create trigger fail_alerts before insert on staff_alerts begin select raise(abort, 'alerts down'); end",
    )
    const res = await submit(world, member, survey.id, { ...goodAnswers, nps: 1 })
    expect(res.status).toBe(201)
    expect(world.count('survey_responses')).toBe(1)
    expect(world.count('staff_alerts')).toBe(0)

    // Still failing: the job logs and leaves it for the next run.
    clock.advance(2 * 60_000)
    await upkeep()
    expect(world.count('staff_alerts')).toBe(0)

    sqlite.exec('drop trigger fail_alerts')
    await upkeep()
    expect(world.joren.rows('select kind, survey_response_id from staff_alerts')).toEqual([
      { kind: 'low_score', survey_response_id: res.body.responseId },
    ])
    expect(world.count('conversations')).toBe(1)
    await upkeep()
    expect(world.count('staff_alerts')).toBe(1)
  })
})
