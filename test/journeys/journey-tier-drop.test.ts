import type { StaffAlertPage } from '@joren/shared'
import { describe, expect, it } from 'vitest'
import { claimOwner, TestClock, useWorld } from '../auth/world.ts'
import { goodAnswers, openSurvey, satisfactionSurvey, submit } from '../surveys/survey-world.ts'
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
  switchOn,
  tick,
} from './journey-world.ts'

/**
 * The tier-drop trigger (N days before a member's tier falls unless they buy, over the summary's
 * tier_drops_at index) and the low-score journey to staff (a staff alert quoting the score and
 * the comment, nothing pushed to the member) on Node (real server, SQLite, LINE stand-in, a test
 * clock).
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

describe('journeys: tier about to drop, low score to staff (Node + SQLite)', () => {
  it('tier drop: 14 days before the spend ages out below the tier, once; a later purchase moves it; the lowest tier never', async () => {
    const owner = await claimOwner(world)
    setClock(clock, '2027-01-10T12:00')
    const drop = await journey(world.api, owner, {
      name: 'ランクダウン前',
      trigger: { kind: 'tier_drop', daysBefore: 14 },
      steps: [
        {
          wait: { days: 0, hours: 0, at: null },
          messages: [
            { type: 'text', text: 'TD {name}さま、ランク「{tier}」の見直しが近づいています' },
          ],
        },
      ],
      goal: { kind: 'purchase', days: 14 },
    })
    const hana = await follower('花')
    const ken = await follower('健')
    const ren = await follower('蓮')
    await buy(world, owner, hana.number, 35_000) // シルバー (30,000円〜)
    await buy(world, owner, ken.number, 35_000)
    await buy(world, owner, ren.number, 5_000) // レギュラー: no lower tier to fall to
    // The drop: when the purchase leaves the rolling 12 months (same shop-local moment a year on).
    const [bought] = world.joren.rows<{ at: number }>(
      'select purchased_at as at from purchases where member_id = ?',
      hana.id,
    )
    const dropsAt = bought!.at + 365 * DAY
    expect(Math.abs(dropsAt - Date.parse('2028-01-10T12:00:00+09:00'))).toBeLessThan(60_000)
    const stored = world.joren.rows<{ member_id: number; tier_drops_at: number | null }>(
      'select member_id, tier_drops_at from member_purchase_cycles order by member_id',
    )
    expect(stored.map((r) => r.member_id)).toEqual([hana.id, ken.id, ren.id])
    expect(stored[0]!.tier_drops_at).toBe(dropsAt)
    expect(Math.abs(stored[1]!.tier_drops_at! - dropsAt)).toBeLessThan(60_000)
    expect(stored[2]!.tier_drops_at).toBeNull()
    // Ken buys again in December: his tier now holds until that purchase ages out.
    setClock(clock, '2027-12-01T15:00')
    await buy(world, owner, ken.number, 30_000)
    const [kenRow] = world.joren.rows<{ tier_drops_at: number }>(
      'select tier_drops_at from member_purchase_cycles where member_id = ?',
      ken.id,
    )
    expect(Math.abs(kenRow!.tier_drops_at - Date.parse('2028-12-01T15:00:00+09:00'))).toBeLessThan(
      60_000,
    )

    // Not a minute before 14 days ahead of the drop (shop time).
    setClock(clock, '2027-12-27T11:59')
    await tick(world)
    expect(runsOf(world.joren, drop.id)).toHaveLength(0)
    // Two schedulers racing just after and one more: Hana enters and gets the step once.
    setClock(clock, '2027-12-27T12:02')
    await Promise.all([tick(world), tick(world)])
    await tick(world)
    expect(runsOf(world.joren, drop.id)).toEqual([
      expect.objectContaining({ member_id: hana.id, status: 'completed' }),
    ])
    const [run] = world.joren.rows<{ occurrence: string; entered_at: number }>(
      'select occurrence, entered_at from journey_runs where journey_id = ?',
      drop.id,
    )
    expect(run).toEqual({ occurrence: `tierdrop:${dropsAt}`, entered_at: dropsAt - 14 * DAY })
    const pushes = pushesTo(world, hana.userId, 'TD')
    expect(pushes).toHaveLength(1)
    expect(JSON.stringify(pushes[0])).toContain(
      '花さま、ランク「シルバー」の見直しが近づいています',
    )
    setClock(clock, '2028-01-05T12:00')
    await tick(world)
    expect(pushesTo(world, hana.userId, 'TD')).toHaveLength(1)
    expect(pushesTo(world, ken.userId, 'TD')).toHaveLength(0)
    expect(pushesTo(world, ren.userId, 'TD')).toHaveLength(0)
  })

  it("tier drop: staff changing a tier threshold moves an existing member's drop instant, and the journey fires at the new moment", async () => {
    const owner = await claimOwner(world)
    setClock(clock, '2027-01-10T12:00')
    const drop = await journey(world.api, owner, {
      name: 'ランクダウン前',
      trigger: { kind: 'tier_drop', daysBefore: 14 },
      steps: [
        {
          wait: { days: 0, hours: 0, at: null },
          messages: [{ type: 'text', text: 'TT {name}さま、ランクの見直しが近づいています' }],
        },
      ],
      goal: { kind: 'purchase', days: 14 },
    })
    const hana = await follower('花')
    const ken = await follower('健')
    await buy(world, owner, hana.number, 20_000)
    await buy(world, owner, ken.number, 35_000) // シルバー (30,000円〜)
    setClock(clock, '2027-03-10T12:00')
    await buy(world, owner, hana.number, 15_000) // 35,000円: シルバー
    const dropOf = (memberId: number) =>
      world.joren.rows<{ at: number | null }>(
        'select tier_drops_at as at from member_purchase_cycles where member_id = ?',
        memberId,
      )[0]?.at ?? null
    const near = (at: number | null, jst: string) =>
      expect(Math.abs((at ?? 0) - Date.parse(`${jst}:00+09:00`))).toBeLessThan(60_000)
    // At 30,000円 Hana falls when her January purchase ages out (15,000円 left).
    near(dropOf(hana.id), '2028-01-10T12:00')
    const kenBefore = dropOf(ken.id)
    near(kenBefore, '2028-01-10T12:00')

    // Staff lower シルバー to 10,000円: the 15,000円 left keeps her until March.
    setClock(clock, '2027-04-01T10:00')
    const res = await world.api('PUT', '/api/staff/loyalty/tiers', {
      token: owner.token(),
      body: {
        tiers: [
          { name: 'レギュラー', minSpendYen: 0, multiplierPercent: 100 },
          { name: 'シルバー', minSpendYen: 10_000, multiplierPercent: 120 },
          { name: 'ゴールド', minSpendYen: 100_000, multiplierPercent: 150 },
          { name: 'VIP', minSpendYen: 300_000, multiplierPercent: 200 },
        ],
      },
    })
    expect(res.status).toBe(200)
    await settleEvents(world.joren)
    near(dropOf(hana.id), '2028-03-10T12:00')
    expect(dropOf(ken.id)).toBe(kenBefore)

    // The old moment: Ken enters, Hana does not.
    setClock(clock, '2027-12-27T12:02')
    await tick(world)
    expect(runsOf(world.joren, drop.id).map((r) => r.member_id)).toEqual([ken.id])
    expect(pushesTo(world, hana.userId, 'TT')).toHaveLength(0)
    // Not a minute before 14 days ahead of her new drop; then once.
    setClock(clock, '2028-02-25T11:59')
    await tick(world)
    expect(pushesTo(world, hana.userId, 'TT')).toHaveLength(0)
    setClock(clock, '2028-02-25T12:02')
    await tick(world)
    await tick(world)
    expect(runsOf(world.joren, drop.id)).toEqual([
      expect.objectContaining({ member_id: ken.id, status: 'completed' }),
      expect.objectContaining({ member_id: hana.id, status: 'completed' }),
    ])
    expect(pushesTo(world, hana.userId, 'TT')).toHaveLength(1)
    expect(pushesTo(world, ken.userId, 'TT')).toHaveLength(1)
  })

  it("tier drop: a threshold raised after the pass looked moves a member's drop into the window already scanned — she enters at once, once", async () => {
    const owner = await claimOwner(world)
    setClock(clock, '2027-01-10T12:00')
    const drop = await journey(world.api, owner, {
      name: 'ランクダウン前',
      trigger: { kind: 'tier_drop', daysBefore: 14 },
      steps: [
        {
          wait: { days: 0, hours: 0, at: null },
          messages: [{ type: 'text', text: 'TE {name}さま、ランクの見直しが近づいています' }],
        },
      ],
      goal: { kind: 'purchase', days: 14 },
    })
    const hana = await follower('花')
    const ken = await follower('健')
    await buy(world, owner, hana.number, 5_000)
    setClock(clock, '2027-03-10T12:00')
    await buy(world, owner, hana.number, 30_000) // 35,000円: シルバー (30,000円〜)
    await buy(world, owner, ken.number, 35_000)
    const dropOf = (memberId: number) =>
      world.joren.rows<{ at: number | null }>(
        'select tier_drops_at as at from member_purchase_cycles where member_id = ?',
        memberId,
      )[0]?.at ?? null
    const near = (at: number | null, jst: string) =>
      expect(Math.abs((at ?? 0) - Date.parse(`${jst}:00+09:00`))).toBeLessThan(60_000)
    // At 30,000円 the January purchase ageing out leaves 30,000円: she holds until March.
    near(dropOf(hana.id), '2028-03-10T12:00')
    near(dropOf(ken.id), '2028-03-10T12:00')
    // The pass has looked at drops up to 13 Jan 2028 (today + 14 days): nobody yet.
    setClock(clock, '2027-12-30T12:00')
    await tick(world)
    expect(runsOf(world.joren, drop.id)).toHaveLength(0)

    // Staff raise シルバー to 34,000円: Hana now falls on 10 Jan, inside the scanned window.
    setClock(clock, '2027-12-30T13:00')
    const res = await world.api('PUT', '/api/staff/loyalty/tiers', {
      token: owner.token(),
      body: {
        tiers: [
          { name: 'レギュラー', minSpendYen: 0, multiplierPercent: 100 },
          { name: 'シルバー', minSpendYen: 34_000, multiplierPercent: 120 },
          { name: 'ゴールド', minSpendYen: 100_000, multiplierPercent: 150 },
          { name: 'VIP', minSpendYen: 300_000, multiplierPercent: 200 },
        ],
      },
    })
    expect(res.status).toBe(200)
    await settleEvents(world.joren)
    const hanaDrop = dropOf(hana.id)
    near(hanaDrop, '2028-01-10T12:00')
    near(dropOf(ken.id), '2028-03-10T12:00')
    expect(
      world.joren.rows<{ member_id: number; occurrence: string; entered_at: number }>(
        'select member_id, occurrence, entered_at from journey_runs where journey_id = ?',
        drop.id,
      ),
    ).toEqual([
      { member_id: hana.id, occurrence: `tierdrop:${hanaDrop}`, entered_at: hanaDrop! - 14 * DAY },
    ])
    // Two schedulers racing and the change replayed by the relay: one run, one push.
    await Promise.all([tick(world), tick(world)])
    world.joren.server.database.sqlite
      .prepare(
        "update event_cursors set position = 0 where subscriber = 'journeys-tier-thresholds'",
      )
      .run()
    await settleEvents(world.joren)
    setClock(clock, '2028-01-05T12:00')
    await tick(world)
    expect(runsOf(world.joren, drop.id)).toEqual([
      expect.objectContaining({ member_id: hana.id, status: 'completed' }),
    ])
    expect(pushesTo(world, hana.userId, 'TE')).toHaveLength(1)
    expect(pushesTo(world, ken.userId, 'TE')).toHaveLength(0)
  })

  it('tier drop: a member already reminded of her drop gets no second reminder when a threshold edit moves it earlier', async () => {
    const owner = await claimOwner(world)
    setClock(clock, '2027-03-05T12:00')
    const drop = await journey(world.api, owner, {
      name: 'ランクダウン前',
      trigger: { kind: 'tier_drop', daysBefore: 14 },
      steps: [
        {
          wait: { days: 0, hours: 0, at: null },
          messages: [{ type: 'text', text: 'TE {name}さま、ランクの見直しが近づいています' }],
        },
      ],
      goal: { kind: 'purchase', days: 14 },
    })
    const aya = await follower('彩')
    await buy(world, owner, aya.number, 5_000)
    setClock(clock, '2027-03-10T12:00')
    await buy(world, owner, aya.number, 30_000) // 35,000円: シルバー until 10 Mar 2028
    // 26 Feb 2028: the pass reaches her drop (10 Mar) and reminds her.
    setClock(clock, '2028-02-26T12:00')
    await tick(world)
    expect(pushesTo(world, aya.userId, 'TE')).toHaveLength(1)

    // Staff raise シルバー to 34,000円: her drop moves to 5 Mar, inside the scanned window.
    setClock(clock, '2028-02-27T12:00')
    const res = await world.api('PUT', '/api/staff/loyalty/tiers', {
      token: owner.token(),
      body: {
        tiers: [
          { name: 'レギュラー', minSpendYen: 0, multiplierPercent: 100 },
          { name: 'シルバー', minSpendYen: 34_000, multiplierPercent: 120 },
          { name: 'ゴールド', minSpendYen: 100_000, multiplierPercent: 150 },
          { name: 'VIP', minSpendYen: 300_000, multiplierPercent: 200 },
        ],
      },
    })
    expect(res.status).toBe(200)
    await settleEvents(world.joren)
    const moved = world.joren.rows<{ at: number | null }>(
      'select tier_drops_at as at from member_purchase_cycles where member_id = ?',
      aya.id,
    )[0]?.at
    expect(Math.abs((moved ?? 0) - Date.parse('2028-03-05T12:00:00+09:00'))).toBeLessThan(60_000)
    await tick(world)
    setClock(clock, '2028-03-01T12:00')
    await tick(world)
    expect(runsOf(world.joren, drop.id)).toHaveLength(1)
    expect(pushesTo(world, aya.userId, 'TE')).toHaveLength(1)
  })

  it('the tier-drop template is off until switched on and written in Japanese', async () => {
    const owner = await claimOwner(world)
    const list = await listJourneys(world.api, owner)
    const tierDrop = list.find((j) => j.templateKey === 'tier_drop')
    const lowScore = list.find((j) => j.templateKey === 'survey_low_score')
    expect(tierDrop).toMatchObject({ enabled: false, trigger: { kind: 'tier_drop' } })
    expect(lowScore).toMatchObject({ enabled: false, trigger: { kind: 'survey_low_score' } })
    expect(JSON.stringify(tierDrop)).toContain('ランク')
  })

  it('low score with the survey alert and the journey both on: one alert row per response, quoting score and comment; nothing pushed to the member', async () => {
    const owner = await claimOwner(world)
    setClock(clock, '2027-06-01T12:00')
    // The survey's own alert thresholds (NPS ≤ 6, rating ≤ 2 by default) are the one definition.
    const survey = await openSurvey(world, owner)
    const templateJourney = (await listJourneys(world.api, owner)).find(
      (j) => j.templateKey === 'survey_low_score',
    )
    const staffJourney = await switchOn(world.api, owner, templateJourney!.id)
    const happy = await follower('満足')
    const unhappy = await follower('不満')
    const pushesBefore = world.standIn.received(unhappy.userId).filter((r) => r.via === 'push')
    expect((await submit(world, happy, survey.id, goodAnswers)).status).toBe(201)
    const low = await submit(world, unhappy, survey.id, {
      ...goodAnswers,
      nps: 3,
      comment: '料理が冷めていて残念でした',
    })
    expect(low.status).toBe(201)
    const responseId = low.body.responseId
    await settleEvents(world.joren)
    // The relay again (a retried delivery): still one alert.
    const replay = () =>
      world.joren.server.database.sqlite
        .prepare("update event_cursors set position = 0 where subscriber = 'journeys'")
        .run()
    replay()
    await settleEvents(world.joren)
    await tick(world)

    const alertRows = () =>
      world.joren.rows<{ kind: string; member_id: number; summary: string; dedupe_key: string }>(
        'select kind, member_id, summary, dedupe_key from staff_alerts where survey_response_id = ?',
        responseId,
      )
    const expectOne = () => {
      const rows = alertRows()
      expect(rows).toHaveLength(1)
      expect(rows[0]).toMatchObject({
        kind: 'low_score',
        member_id: unhappy.id,
        dedupe_key: `low_score:${responseId}`,
      })
      const summary = rows[0]!.summary
      expect(summary).toContain('アンケート「ご来店アンケート」で低い評価')
      expect(summary).toContain('「友人におすすめする可能性は？」NPS 3')
      expect(summary).toContain('コメント「料理が冷めていて残念でした」')
      return summary
    }
    const summary = expectOne()
    // No alert for the happy member, from either path.
    expect(world.joren.rows('select id from staff_alerts where member_id = ?', happy.id)).toEqual(
      [],
    )
    // Whichever path raises it: without the closed loop's row, the journey raises the same one.
    world.joren.server.database.sqlite
      .prepare('delete from staff_alerts where survey_response_id = ?')
      .run(responseId)
    replay()
    await settleEvents(world.joren)
    await tick(world)
    expect(expectOne()).toBe(summary)

    const res = await world.api<StaffAlertPage>('GET', '/api/staff/alerts?status=open', {
      token: owner.token(),
    })
    expect(res.status).toBe(200)
    const ours = res.body.items.filter((a) => a.memberId === unhappy.id)
    expect(ours).toHaveLength(1)
    expect(ours[0]).toMatchObject({ kind: 'low_score', memberNumber: unhappy.number })
    // No run, no push to the member from the journey.
    expect(runsOf(world.joren, staffJourney.id)).toHaveLength(0)
    expect(world.standIn.received(unhappy.userId).filter((r) => r.via === 'push')).toHaveLength(
      pushesBefore.length,
    )
  })

  it('the low-score journey uses the survey thresholds: a survey with its alert off raises nothing', async () => {
    const owner = await claimOwner(world)
    setClock(clock, '2027-06-01T12:00')
    const survey = await openSurvey(world, owner, {
      ...satisfactionSurvey(),
      alerts: { npsAtOrBelow: null, ratingAtOrBelow: null },
    })
    const templateJourney = (await listJourneys(world.api, owner)).find(
      (j) => j.templateKey === 'survey_low_score',
    )
    await switchOn(world.api, owner, templateJourney!.id)
    const unhappy = await follower('不満')
    const low = await submit(world, unhappy, survey.id, { ...goodAnswers, nps: 0, stars: 1 })
    expect(low.status).toBe(201)
    await settleEvents(world.joren)
    await tick(world)
    expect(world.joren.rows('select id from staff_alerts where member_id = ?', unhappy.id)).toEqual(
      [],
    )
  })

  it("a low-score journey refuses steps for the member; its thresholds are the survey's", async () => {
    const owner = await claimOwner(world)
    const bad = await world.api<{ error: string }>('POST', '/api/staff/journeys', {
      token: owner.token(),
      body: {
        name: '低評価',
        trigger: { kind: 'survey_low_score', surveyId: null },
        steps: [{ wait: { days: 0, hours: 1, at: null }, messages: [{ type: 'text', text: 'x' }] }],
      },
    })
    expect(bad.status).toBe(400)
    expect(JSON.stringify(bad.body)).toContain('お客さまへのステップは入れられません')
    const ok = await world.api<{ journey: { trigger: unknown } }>('POST', '/api/staff/journeys', {
      token: owner.token(),
      body: { name: '低評価', trigger: { kind: 'survey_low_score', surveyId: null }, steps: [] },
    })
    expect(ok.status).toBe(201)
    expect(ok.body.journey.trigger).toEqual({ kind: 'survey_low_score', surveyId: null })
    const noSteps = await world.api('POST', '/api/staff/journeys', {
      token: owner.token(),
      body: { name: '空', trigger: { kind: 'tier_up' }, steps: [] },
    })
    expect(noSteps.status).toBe(400)
  })
})
