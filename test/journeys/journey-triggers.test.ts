import { describe, expect, it } from 'vitest'
import { claimOwner, TestClock, useWorld } from '../auth/world.ts'
import { goodAnswers, openSurvey, submit } from '../surveys/survey-world.ts'
import {
  buy,
  consent,
  journey,
  listJourneys,
  memberOf,
  pushesTo,
  runsOf,
  setClock,
  settleEvents,
  sql,
  tick,
} from './journey-world.ts'

/**
 * The journeys' newer triggers on Node (real server, database and LINE stand-in; a test clock):
 * points expiring and coupons expiring N days before (periodic passes over the expiry indexes),
 * and survey answered / low score (a subscriber of survey.answered) — each entered once per
 * occurrence, whatever the ticks.
 */

const clock = new TestClock()
const world = useWorld(clock)
const DAY = 24 * 3600_000

async function follower(name: string) {
  const user = await world.member(name)
  const member = memberOf(world.joren, user.userId)
  consent(world.joren, member.id)
  await settleEvents(world.joren)
  return { ...user, ...member }
}

const step = (text: string) => ({
  wait: { days: 0, hours: 0, at: null },
  messages: [{ type: 'text' as const, text }],
})

describe('journeys: expiring points and coupons, survey answers (Node + SQLite)', () => {
  it('coupon expiring: 3 days before an unused coupon expires, once per coupon; used coupons never', async () => {
    const owner = await claimOwner(world)
    setClock(clock, '2027-05-01T12:00')
    await listJourneys(world.api, owner) // the templates (and the birthday coupon template)
    const [template] = world.joren.rows<{ id: number }>('select id from coupon_templates limit 1')
    const expiring = await journey(world.api, owner, {
      name: '期限間近のクーポン',
      trigger: { kind: 'coupon_expiring', daysBefore: 3 },
      steps: [step('CX {name}さま、クーポンの期限が近づいています')],
      goal: { kind: 'none', days: 7 },
    })
    const aoi = await follower('葵')
    const ken = await follower('健')
    const expiresAt = Date.parse('2027-05-20T00:00:00+09:00')
    const issue = (memberId: number, state: string, key: string) =>
      sql(
        world.joren,
        `insert into coupons (template_id, member_id, source, state, issued_at, expires_at, dedupe_key)
         values (?, ?, 'manual', ?, ?, ?, ?)`,
        template!.id,
        memberId,
        state,
        clock.now(),
        expiresAt,
        key,
      )
    issue(aoi.id, 'issued', 'a1')
    issue(ken.id, 'redeemed', 'k1')

    // Not before 3 days ahead of the expiry.
    setClock(clock, '2027-05-16T23:59')
    await tick(world)
    expect(runsOf(world.joren, expiring.id)).toHaveLength(0)
    setClock(clock, '2027-05-17T12:00')
    await Promise.all([tick(world), tick(world)])
    await tick(world)
    expect(runsOf(world.joren, expiring.id)).toEqual([
      expect.objectContaining({ member_id: aoi.id, status: 'completed' }),
    ])
    expect(pushesTo(world, aoi.userId, 'CX')).toHaveLength(1)
    expect(pushesTo(world, ken.userId, 'CX')).toHaveLength(0)
    const [run] = world.joren.rows<{ occurrence: string; entered_at: number }>(
      'select occurrence, entered_at from journey_runs where journey_id = ?',
      expiring.id,
    )
    expect(run!.entered_at).toBe(expiresAt - 3 * DAY)
    expect(run!.occurrence).toMatch(/^coupon:\d+$/)
    setClock(clock, '2027-05-19T12:00')
    await tick(world)
    expect(pushesTo(world, aoi.userId, 'CX')).toHaveLength(1)
  })

  it('points expiring: 7 days before the points of a purchase expire, once per expiry', async () => {
    const owner = await claimOwner(world)
    setClock(clock, '2027-01-10T12:00')
    const points = await journey(world.api, owner, {
      name: 'ポイント失効のお知らせ',
      trigger: { kind: 'points_expiring', daysBefore: 7 },
      steps: [step('PX {name}さま、{points}ポイントがまもなく失効します')],
      goal: { kind: 'none', days: 7 },
    })
    const hana = await follower('花')
    await buy(world, owner, hana.number, 5000)
    await buy(world, owner, hana.number, 3000)
    const lots = world.joren.rows<{ expires_at: number; remaining: number }>(
      'select expires_at, remaining from point_lots where member_id = ?',
      hana.id,
    )
    expect(lots.length).toBeGreaterThanOrEqual(1)
    const expiresAt = lots[0]!.expires_at
    // Two lots with the same expiry: one message.
    expect(new Set(lots.map((l) => l.expires_at)).size).toBe(1)
    clock.offsetMs = expiresAt - 7 * DAY - 60_000 - Date.now()
    await tick(world)
    expect(runsOf(world.joren, points.id)).toHaveLength(0)
    // 10:00 shop time on the day (the entry is at midnight, inside quiet hours: the step waits).
    clock.offsetMs = expiresAt - 7 * DAY + 10 * 3600_000 - Date.now()
    await tick(world)
    await tick(world)
    expect(runsOf(world.joren, points.id)).toHaveLength(1)
    const pushes = pushesTo(world, hana.userId, 'PX')
    expect(pushes).toHaveLength(1)
    expect(JSON.stringify(pushes[0])).toMatch(/花さま、[\d,]+ポイントがまもなく失効します/)
    // Spent points do not count: a member whose lots are empty gets nothing.
    const ren = await follower('蓮')
    await buy(world, owner, ren.number, 2000)
    sql(world.joren, 'update point_lots set remaining = 0 where member_id = ?', ren.id)
    const [renLot] = world.joren.rows<{ expires_at: number }>(
      'select expires_at from point_lots where member_id = ?',
      ren.id,
    )
    clock.offsetMs = renLot!.expires_at - 6 * DAY + 10 * 3600_000 - Date.now()
    await tick(world)
    expect(pushesTo(world, ren.userId, 'PX')).toHaveLength(0)
  })

  it('survey answered: a low score enters the journey once per response; a good score does not', async () => {
    const owner = await claimOwner(world)
    setClock(clock, '2027-06-01T12:00')
    const survey = await openSurvey(world, owner)
    const low = await journey(world.api, owner, {
      name: '低評価のフォロー',
      trigger: { kind: 'survey_answered', surveyId: survey.id, npsAtMost: 6, ratingAtMost: 2 },
      steps: [
        {
          wait: { days: 0, hours: 1, at: null },
          messages: [{ type: 'text', text: 'SV {name}さま、ご意見ありがとうございました' }],
        },
      ],
      goal: { kind: 'none', days: 7 },
    })
    const happy = await follower('満足')
    const unhappy = await follower('不満')
    expect((await submit(world, happy, survey.id, goodAnswers)).status).toBe(201)
    expect((await submit(world, unhappy, survey.id, { ...goodAnswers, nps: 3 })).status).toBe(201)
    await settleEvents(world.joren)
    await settleEvents(world.joren)
    expect(runsOf(world.joren, low.id)).toEqual([
      expect.objectContaining({ member_id: unhappy.id, status: 'active' }),
    ])
    // An hour later the step goes, once.
    setClock(clock, '2027-06-01T13:01')
    await Promise.all([tick(world), tick(world)])
    await tick(world)
    expect(pushesTo(world, unhappy.userId, 'SV')).toHaveLength(1)
    expect(pushesTo(world, happy.userId, 'SV')).toHaveLength(0)
    const [occurrence] = world.joren.rows<{ occurrence: string }>(
      'select occurrence from journey_runs where journey_id = ?',
      low.id,
    )
    expect(occurrence!.occurrence).toMatch(/^survey:\d+$/)
  })
})
