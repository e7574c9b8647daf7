import type { MessageQuota } from '@joren/shared'
import { sql } from 'drizzle-orm'
import { expect } from 'vitest'
import { createBroadcastRepository } from '../../server/src/db/repositories/broadcast-repository.ts'
import { createInsightStore } from '../../server/src/db/repositories/insight-repository.ts'
import { createJourneyRepository } from '../../server/src/db/repositories/journey-repository.ts'
import { createKpiStore } from '../../server/src/db/repositories/kpi-repository.ts'
import { createUnitOfWork } from '../../server/src/db/unit-of-work.ts'
import { createInsightService } from '../../server/src/domain/kpis/insights.ts'
import { rebuildKpiRollups } from '../../server/src/domain/kpis/rollups.ts'
import { computeLift } from '../../server/src/domain/lift/lift.ts'
import type { Driver } from '../events/event-suite.ts'

/**
 * The dashboard's campaign, coupon, satisfaction and message-economy figures on a hand-built shop
 * whose answers are worked out by hand (below); run on better-sqlite3 (test/kpis/insights.test.ts)
 * and on workerd's local D1 (test/workers/kpis-d1.test.ts).
 *
 * Members (JST): M1 following since 2025-01-01 · M2 following since 2026-03-15 · M3 blocked
 * (followed 2025-01-01) · M4 following since 2026-03-31 23:59 · M5 following since 2026-04-01 00:00.
 * "Now" is 2026-04-02 09:00 JST; the period is March 2026.
 */

const TZ = 'Asia/Tokyo'
const jst = (local: string) => Date.parse(`${local.replace(' ', 'T')}:00+09:00`)
const NOW = jst('2026-04-02 09:00')

async function buildShop(driver: Driver) {
  const run = (q: ReturnType<typeof sql>) => driver.db.run(q)
  const member = (id: number, state: 'following' | 'blocked', followed: string) => {
    const at = jst(followed)
    return run(sql`INSERT INTO members (id, line_user_id, member_number, follow_state,
      follow_state_at, first_followed_at, followed_at, blocked_at, created_at, updated_at)
      VALUES (${id}, ${`U${String(id).padStart(32, '0')}`}, ${`M${id}`}, ${state}, ${at}, ${at}, ${at},
        ${state === 'blocked' ? at : null}, ${at}, ${at})`)
  }
  await member(1, 'following', '2025-01-01 10:00')
  await member(2, 'following', '2026-03-15 10:00')
  await member(3, 'blocked', '2025-01-01 10:00')
  await member(4, 'following', '2026-03-31 23:59')
  await member(5, 'following', '2026-04-01 00:00')

  // Purchases (P5 refunded).
  const purchase = (
    id: number,
    memberId: number,
    local: string,
    yen: number,
    status = 'completed',
  ) =>
    run(sql`INSERT INTO purchases (id, member_id, amount_yen, purchased_at, source, status, created_at)
      VALUES (${id}, ${memberId}, ${yen}, ${jst(local)}, 'register', ${status}, 0)`)
  await purchase(1, 1, '2026-03-12 10:00', 1000)
  await purchase(2, 1, '2026-03-18 09:59', 2000)
  await purchase(3, 3, '2026-03-11 10:00', 500)
  await purchase(4, 4, '2026-03-11 10:00', 700)
  await purchase(5, 2, '2026-03-12 10:00', 300, 'refunded')
  await purchase(6, 1, '2026-04-01 09:00', 800)
  await purchase(7, 5, '2026-04-01 10:00', 400)

  // The survey: q1 NPS, q2 a 1–5 rating, q3 text.
  await run(sql`INSERT INTO surveys (id, title, status, created_at, updated_at)
    VALUES (1, 'ご来店アンケート', 'open', 0, 0)`)
  await run(sql`INSERT INTO survey_versions (id, survey_id, version, questions, created_at)
    VALUES (1, 1, 1, ${JSON.stringify([
      { id: 'q1', type: 'nps', label: 'すすめますか', required: true },
      { id: 'q2', type: 'rating', label: '満足度', required: true },
      { id: 'q3', type: 'text', label: 'ご意見', required: false, maxLength: 500, multiline: true },
    ])}, 0)`)
  let answerId = 1
  const response = async (
    id: number,
    memberId: number,
    local: string,
    nps: number,
    rating: number | null,
  ) => {
    await run(sql`INSERT INTO survey_responses (id, survey_id, version_id, member_id, channel, answers,
        dedupe_key, nps_score, submitted_at)
      VALUES (${id}, 1, 1, ${memberId}, 'liff', '{}', ${`r${id}`}, ${nps}, ${jst(local)})`)
    await run(sql`INSERT INTO survey_answers (id, response_id, survey_id, member_id, question_id, number_value)
      VALUES (${answerId++}, ${id}, 1, ${memberId}, 'q1', ${nps})`)
    if (rating !== null)
      await run(sql`INSERT INTO survey_answers (id, response_id, survey_id, member_id, question_id, number_value)
        VALUES (${answerId++}, ${id}, 1, ${memberId}, 'q2', ${rating})`)
    await run(sql`INSERT INTO survey_answers (id, response_id, survey_id, member_id, question_id, text_value)
      VALUES (${answerId++}, ${id}, 1, ${memberId}, 'q3', 'おいしかったです')`)
  }
  await response(1, 1, '2026-03-01 00:00', 10, 5) // UTC: Feb 28 — March in JST
  await response(2, 2, '2026-03-31 23:59', 7, 4)
  await response(3, 3, '2026-03-10 12:00', 3, 1) // a blocked member still answered
  await response(4, 1, '2026-03-20 12:00', 9, 3)
  await response(5, 1, '2026-02-28 23:59', 6, 2)
  await response(6, 2, '2026-04-01 00:00', 0, null)

  // Coupons.
  await run(sql`INSERT INTO coupon_templates (id, kind, title, validity, valid_days, created_at, updated_at)
    VALUES (1, 'yen_off', '100円引き', 'days', 30, 0, 0)`)
  const coupon = (
    id: number,
    memberId: number,
    source: string,
    local: string,
    state: string,
    sourceRef: string | null = null,
    redeemed: string | null = null,
  ) =>
    run(sql`INSERT INTO coupons (id, template_id, member_id, source, source_ref, state, issued_at,
        expires_at, redeemed_at)
      VALUES (${id}, 1, ${memberId}, ${source}, ${sourceRef}, ${state}, ${jst(local)},
        ${jst(local) + 30 * 86_400_000}, ${redeemed === null ? null : jst(redeemed)})`)
  await coupon(1, 1, 'welcome', '2026-03-01 00:00', 'redeemed', null, '2026-03-02 10:00')
  await coupon(2, 2, 'welcome', '2026-03-15 10:00', 'issued')
  await coupon(9, 4, 'welcome', '2026-03-31 23:59', 'issued')
  await coupon(
    3,
    1,
    'automation',
    '2026-03-05 12:00',
    'redeemed',
    'journey:1:step:0',
    '2026-03-12 10:00',
  )
  await coupon(4, 3, 'automation', '2026-03-31 23:59', 'expired', 'journey:1:step:0')
  await coupon(5, 1, 'points_exchange', '2026-02-28 23:59', 'redeemed', null, '2026-03-01 10:00')
  await coupon(6, 3, 'broadcast', '2026-04-01 00:00', 'issued', 'broadcast:1')
  await coupon(7, 3, 'survey', '2026-03-10 12:00', 'redeemed', '3', '2026-03-11 10:00')
  await coupon(8, 1, 'survey', '2026-03-20 12:00', 'redeemed', '4', '2026-03-21 10:00')
  await coupon(
    10,
    1,
    'broadcast',
    '2026-03-10 10:00',
    'redeemed',
    'broadcast:1',
    '2026-03-12 10:00',
  )
  await coupon(11, 2, 'broadcast', '2026-03-10 10:00', 'issued', 'broadcast:1')

  // Broadcast 1 (started 2026-03-10 10:00, 7-day window); broadcast 2 a draft.
  const broadcast = (id: number, startedAt: number | null) =>
    run(sql`INSERT INTO broadcasts (id, title, messages, audience, status, holdout_percent,
        attribution_days, started_at, created_at, updated_at)
      VALUES (${id}, ${`配信${id}`}, '[]', '{"kind":"all"}', ${startedAt === null ? 'draft' : 'done'},
        10, 7, ${startedAt}, 0, 0)`)
  await broadcast(1, jst('2026-03-10 10:00'))
  await broadcast(2, null)
  const recipient = (memberId: number, status: string) =>
    run(sql`INSERT INTO broadcast_recipients (broadcast_id, member_id, holdout, status)
      VALUES (1, ${memberId}, ${status === 'holdout' ? 1 : 0}, ${status})`)
  await recipient(1, 'sent')
  await recipient(2, 'sent')
  await recipient(3, 'holdout')
  await recipient(4, 'failed')

  // Journey 1 (14-day goal window): runs of M1 and M3 contacted, M2 held out; journey 2 none.
  const journey = (id: number) =>
    run(sql`INSERT INTO journeys (id, name, trigger_kind, trigger, steps, goal, created_at, updated_at)
      VALUES (${id}, ${`ジャーニー${id}`}, 'dormant', '{"kind":"dormant","days":60}', '[]',
        '{"kind":"purchase","days":14}', 0, 0)`)
  await journey(1)
  await journey(2)
  const journeyRun = (id: number, memberId: number, local: string, status: string) =>
    run(sql`INSERT INTO journey_runs (id, journey_id, member_id, occurrence, status, entered_at, created_at)
      VALUES (${id}, 1, ${memberId}, ${`o${id}`}, ${status}, ${jst(local)}, 0)`)
  await journeyRun(1, 1, '2026-03-01 12:00', 'completed')
  await journeyRun(2, 2, '2026-03-01 12:00', 'holdout')
  await journeyRun(3, 3, '2026-03-20 12:00', 'completed')
  await run(sql`INSERT INTO journey_step_log (run_id, journey_id, member_id, step, outcome, coupon_id, at)
    VALUES (1, 1, 1, 0, 'sent', 3, ${jst('2026-03-01 12:00')}),
      (3, 1, 3, 0, 'sent', 4, ${jst('2026-03-20 12:00')})`)

  // Messages in April (this month at "now"): two pushes that went (one a staff push, one a
  // broadcast chunk of 2), one reply; not counted: a failed push, one in March, an inbound message,
  // a failed chunk of 5.
  const chat = (
    id: number,
    direction: string,
    via: string | null,
    local: string,
    delivery: string | null = null,
  ) =>
    run(sql`INSERT INTO chat_messages (id, member_id, direction, kind, text, payload, source_key, via,
        delivery, created_at)
      VALUES (${id}, 1, ${direction}, 'text', 'こんにちは', '{}', ${`k${id}`}, ${via}, ${delivery}, ${jst(local)})`)
  await chat(1, 'out', 'push', '2026-04-01 00:00')
  await chat(2, 'out', 'reply', '2026-04-02 08:00')
  await chat(3, 'out', 'push', '2026-04-01 12:00', 'failed')
  await chat(4, 'out', 'push', '2026-03-31 23:59')
  await chat(5, 'in', null, '2026-04-01 12:00')
  const chunk = (id: number, count: number, status: string) =>
    run(sql`INSERT INTO broadcast_chunks (id, broadcast_id, kind, "to", member_ids, recipient_count,
        messages, retry_key, status, next_attempt_at, sent_at)
      VALUES (${id}, 1, 'multicast', '[]', '[]', ${count}, '[]', ${`rk${id}`}, ${status}, 0,
        ${jst('2026-04-01 10:00')})`)
  await chunk(1, 2, 'sent')
  await chunk(2, 5, 'failed')
}

function service(driver: Driver, quota: MessageQuota) {
  const kpis = createKpiStore(driver.db, driver.atomic)
  return createInsightService({
    store: createInsightStore(driver.db, kpis),
    broadcasts: createBroadcastRepository(driver.db, driver.atomic),
    journeys: createJourneyRepository(driver.db),
    quota: async () => quota,
    timeZone: TZ,
    now: () => NOW,
  })
}

export async function everyInsightOnTheHandBuiltShop(driver: Driver) {
  await buildShop(driver)
  const clock = { now: () => NOW }
  await rebuildKpiRollups({
    kpis: createKpiStore(driver.db, driver.atomic),
    uow: createUnitOfWork(driver.db, driver.atomic, clock),
    timeZone: TZ,
  })
  const standard: MessageQuota = {
    type: 'limited',
    limit: 30_000,
    used: 30_500,
    remaining: 0,
    level: 'reached',
    checkedAt: NOW,
  }
  const result = await service(driver, standard).insights({ from: '2026-03-01', to: '2026-03-31' })

  // Satisfaction: the six months ending March 2026.
  expect(result.satisfaction.map((m) => m.month)).toEqual([
    '2025-10',
    '2025-11',
    '2025-12',
    '2026-01',
    '2026-02',
    '2026-03',
  ])
  // March: NPS 10, 7, 3, 9 → promoters 2, passives 1, detractors 1 → (2 − 1) ÷ 4 = 25; ratings
  // 5, 4, 1, 3 → 2 of 4 satisfied (the NPS answers' numbers are not ratings); respondents M1, M2,
  // M3 (distinct) of friends M1, M2, M4 (M3 blocks; M5 followed at April's first minute).
  expect(result.satisfaction[5]).toEqual({
    month: '2026-03',
    npsResponses: 4,
    promoters: 2,
    passives: 1,
    detractors: 1,
    nps: 25,
    csatAnswers: 4,
    csatSatisfied: 2,
    csat: 0.5,
    respondents: 3,
    friends: 3,
    responseRate: 1,
  })
  // February: one detractor (6) at 23:59 on the 28th, rating 2; friends: M1 only.
  expect(result.satisfaction[4]).toEqual({
    month: '2026-02',
    npsResponses: 1,
    promoters: 0,
    passives: 0,
    detractors: 1,
    nps: -100,
    csatAnswers: 1,
    csatSatisfied: 0,
    csat: 0,
    respondents: 1,
    friends: 1,
    responseRate: 1,
  })
  expect(result.satisfaction[0]).toMatchObject({
    npsResponses: 0,
    nps: null,
    csat: null,
    respondents: 0,
    friends: 1,
    responseRate: 0,
  })

  // Coupons issued in March by source, and how many of those were redeemed.
  const rate = Object.fromEntries(
    result.coupons.map((c) => [c.source, [c.issued, c.redeemed, c.rate]]),
  )
  expect(rate).toEqual({
    welcome: [3, 1, 1 / 3], // C1 redeemed, C2, C9 (23:59 on the 31st)
    survey: [2, 2, 1],
    broadcast: [2, 1, 0.5], // C10, C11 (C6 is April's)
    journey: [2, 1, 0.5], // 'automation'
    exchange: [0, 0, null], // C5 was issued at 23:59 on Feb 28
    manual: [0, 0, null],
    referral: [0, 0, null],
    stamp_card: [0, 0, null],
  })

  // Campaigns: broadcast 1 (the draft is left out), journey 1 (journey 2 has no runs).
  expect(result.campaigns.map((c) => [c.kind, c.id])).toEqual([
    ['broadcast', 1],
    ['journey', 1],
  ])
  const [b, j] = result.campaigns
  // Broadcast: contacted M1, M2 (M4's send failed); M1 bought ¥1,000 on the 12th (the 18th is after
  // the 7 days); M2's purchase was refunded; held-out M3 bought ¥500. C10 redeemed in the window.
  expect(b).toMatchObject({
    name: '配信1',
    windowDays: 7,
    reached: 2,
    heldOut: 1,
    couponsRedeemed: 1,
    purchases: 1,
    revenueYen: 1000,
    contacted: { members: 2, purchasers: 1, purchases: 1, revenueYen: 1000, conversion: 0.5 },
    holdout: { members: 1, purchasers: 1, purchases: 1, revenueYen: 500, conversion: 1 },
  })
  expect(b!.lift).toEqual(computeLift(b!.contacted, b!.holdout))
  expect(b!.lift.difference).toBe(-0.5)
  expect(b!.lift.revenuePerMemberYen).toBe(0)
  // Journey: M1 (entered Mar 1, bought ¥1,000 on the 12th within 14 days) and M3 (nothing after
  // Mar 20) contacted; M2 held out (refunded only). C3 redeemed, C4 expired.
  expect(j).toMatchObject({
    reached: 2,
    heldOut: 1,
    couponsRedeemed: 1,
    purchases: 1,
    revenueYen: 1000,
    windowDays: 14,
  })
  expect(j!.lift.difference).toBe(0.5)
  expect(j!.lift.relative).toBeNull()
  expect(j!.lift.revenuePerMemberYen).toBe(500)

  // Message economy for April: pushes 1 (chat) + 2 (the sent chunk), replies 1; Standard plan
  // 30,500 of 30,000 → 500 over × ¥3 = ¥1,500; ¥15,000 + ¥1,500 over 1 returning buyer (M1; M5's
  // first purchase is not a return).
  expect(result.economy).toEqual({
    month: '2026-04',
    pushes: 3,
    replies: 1,
    quota: standard,
    plan: 'standard',
    overageMessages: 500,
    overageYen: 1500,
    costYen: 16_500,
    returningBuyers: 1,
    costPerReturningYen: 16_500,
  })
}
