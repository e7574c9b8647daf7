import {
  ComposerMessagesSchema,
  JourneyGoalSchema,
  JourneyStepSchema,
  JourneyTriggerSchema,
  SurveyQuestionsSchema,
} from '@joren/shared'
import { localDate } from '../loyalty/dates.ts'
import { newMemberNumber } from '../members/members.ts'
import { startOfDayInZone } from '../time.ts'
import { seededRandom, type SeededRandom } from './prng.ts'
import * as text from './demo-texts.ts'

/**
 * The demo café (カフェ こもれび): 2,000 LINE friends and a year of their visits, generated from a
 * seed so every run gives the same shop. Plain rows, in the tables' own shapes; the store writes
 * them in one atomic batch and the derived tables (KPI rollups, tiers, segment summary) are then
 * rebuilt from them, so every figure comes from these rows the way it would from real use.
 *
 * The shape of the year: a few regulars every week, monthly guests, occasional ones and one-off
 * visitors; gaps drawn around each persona's cycle, shortened in busy months (December, February,
 * April) and lengthened in quiet ones (August); visits at café hours, busier at weekends; some
 * guests drift away (churn) and some come back when the dormant journey reaches them. Broadcasts
 * hold 10 % out, and only those contacted get the small nudge, so the lift is there to measure.
 */

const DAY = 86_400_000
const HOUR = 3_600_000

export interface DemoIdBase {
  member: number
  purchase: number
  ledger: number
  template: number
  coupon: number
  survey: number
  version: number
  response: number
  answer: number
  conversation: number
  chat: number
  broadcast: number
  journey: number
  run: number
  stepLog: number
}

export interface DemoShopInput {
  seed: number
  members: number
  now: number
  timeZone: string
  /** The highest ID in use per table: new rows take the IDs after it. */
  ids: DemoIdBase
  /** Tiers already configured stay as they are (none: the demo's three are added). */
  tiers: { id: number; minSpendYen: number }[]
  /** The highest tier ID in use. */
  tierBase: number
}

type Persona = 'never' | 'once' | 'occasional' | 'monthly' | 'regular'
const PERSONA_GAP_DAYS: Record<Persona, number> = {
  never: 0,
  once: 0,
  occasional: 42,
  monthly: 19,
  regular: 6,
}
const PERSONA_CHURN: Record<Persona, number> = {
  never: 1,
  once: 1,
  occasional: 0.09,
  monthly: 0.05,
  regular: 0.02,
}
/** Visits per month against an average month (January … December). */
const SEASON = [0.9, 1.12, 1.0, 1.08, 1.05, 0.95, 1.0, 0.82, 0.95, 1.05, 1.0, 1.3]
/** Visit hours (JST) and their weights. */
const HOURS: [number, number][] = [
  [8, 10],
  [9, 8],
  [10, 8],
  [11, 10],
  [12, 14],
  [13, 12],
  [14, 10],
  [15, 12],
  [16, 8],
  [17, 5],
  [18, 3],
]
const HOUR_TOTAL = HOURS.reduce((s, [, w]) => s + w, 0)

export const DEMO_DORMANT_DAYS = 60
const HOLDOUT = 0.1
const POINTS_EXCHANGE_COST = 50
const POINTS_VALID_DAYS = 365

export function generateDemoShop(input: DemoShopInput) {
  const rng = seededRandom(input.seed)
  const { now, timeZone, ids } = input
  const start = now - 365 * DAY
  const monthOf = (at: number) => Number(localDate(at, timeZone).slice(5, 7)) - 1
  const dayOfWeek = (at: number) => new Date(`${localDate(at, timeZone)}T00:00:00Z`).getUTCDay()
  /** A café-hours instant on the shop-local day of `at`. */
  const atCafeHours = (at: number): number => {
    let r = rng.next() * HOUR_TOTAL
    let hour = 12
    for (const [h, w] of HOURS) {
      if ((r -= w) < 0) {
        hour = h
        break
      }
    }
    return startOfDayInZone(localDate(at, timeZone), timeZone) + hour * HOUR + rng.int(60) * 60_000
  }

  // ── Fixed things: tiers, coupon templates, the survey, the journey, the broadcasts ──────────
  const tiers =
    input.tiers.length > 0
      ? []
      : [
          { name: 'シルバー', minSpendYen: 10_000, multiplierPercent: 120 },
          { name: 'ゴールド', minSpendYen: 30_000, multiplierPercent: 150 },
          { name: 'プラチナ', minSpendYen: 60_000, multiplierPercent: 200 },
        ].map((t, i) => ({ ...t, id: input.tierBase + i + 1, createdAt: start }))
  const tierLadder = [...input.tiers, ...tiers].sort((a, b) => b.minSpendYen - a.minSpendYen)
  const templateSpecs = [
    ['welcome', 'yen_off', 'ようこそクーポン 100円引き', 100, 30, 1, null],
    ['survey', 'free_item', 'アンケートのお礼 ドリンクサイズアップ', null, 30, 100, null],
    ['broadcast', 'percent_off', '季節のおすすめ 10%OFF', 10, 14, 100, null],
    ['journey', 'yen_off', 'おかえりなさいクーポン 200円引き', 200, 30, 100, null],
    [
      'exchange',
      'free_item',
      'ポイント交換 お好きなドリンク1杯',
      null,
      60,
      100,
      POINTS_EXCHANGE_COST,
    ],
    ['manual', 'gift', 'スタッフからのプレゼント 焼き菓子', null, 30, 100, null],
    ['referral', 'yen_off', 'お友だち紹介のお礼 300円引き', 300, 30, 100, null],
  ] as const
  type TemplateKey = (typeof templateSpecs)[number][0]
  const templateId = {} as Record<TemplateKey, number>
  const templates = templateSpecs.map(
    ([key, kind, title, value, validDays, perMember, cost], i) => {
      templateId[key] = ids.template + i + 1
      return {
        id: ids.template + i + 1,
        kind,
        title,
        conditions: '他の割引との併用はできません。',
        value,
        validity: 'days' as const,
        validDays,
        perMemberLimit: perMember,
        pointsCost: cost,
        issuedCount: 0,
        status: 'active' as const,
        createdAt: start,
        updatedAt: start,
      }
    },
  )
  const validDaysOf = (key: TemplateKey) =>
    templateSpecs.find((t) => t[0] === key)?.[4] ?? (30 as number)

  const surveyId = ids.survey + 1
  const versionId = ids.version + 1
  const surveyOpensAt = start
  const questions = SurveyQuestionsSchema.parse(text.SURVEY_QUESTIONS)
  const surveys = [
    {
      id: surveyId,
      title: 'ご来店アンケート',
      status: 'open' as const,
      currentVersionId: versionId,
      rewardTemplateId: templateId.survey,
      policy: 'every_n_days' as const,
      policyDays: 30,
      opensAt: surveyOpensAt,
      createdAt: start,
      updatedAt: start,
    },
  ]
  const surveyVersions = [
    {
      id: versionId,
      surveyId,
      version: 1,
      intro: 'いつもご来店ありがとうございます。1分ほどで終わるアンケートにご協力ください。',
      questions: JSON.stringify(questions),
      createdAt: start,
    },
  ]

  const journeyId = ids.journey + 1
  const journeys = [
    {
      id: journeyId,
      name: 'おかえりなさいクーポン（60日ご来店のない方へ）',
      triggerKind: 'dormant',
      trigger: JSON.stringify(
        JourneyTriggerSchema.parse({ kind: 'dormant', days: DEMO_DORMANT_DAYS }),
      ),
      steps: JSON.stringify([
        JourneyStepSchema.parse({
          wait: { days: 0, hours: 0, at: '12:00' },
          messages: [
            { type: 'text', text: text.DORMANT_MESSAGE },
            { type: 'coupon', templateId: templateId.journey },
          ],
        }),
      ]),
      goal: JSON.stringify(JourneyGoalSchema.parse({ kind: 'purchase', days: 30 })),
      holdoutPercent: 10,
      priority: 50,
      // Off: the demo's guests are not LINE users of the stand-in; its history is what it shows.
      enabled: false,
      triggerCursor: now,
      createdAt: start,
      updatedAt: start,
    },
  ]

  // The broadcasts: the last occurrence of each date before today.
  const broadcastPlan = text.BROADCASTS.map((b) => {
    let year = Number(localDate(now, timeZone).slice(0, 4))
    let at = startOfDayInZone(`${year}-${b.date}`, timeZone) + b.hour * HOUR
    if (at > now - 2 * DAY) {
      year -= 1
      at = startOfDayInZone(`${year}-${b.date}`, timeZone) + b.hour * HOUR
    }
    return { ...b, at }
  }).sort((a, b) => a.at - b.at)
  const broadcasts = broadcastPlan.map((b, i) => ({
    id: ids.broadcast + i + 1,
    title: b.title,
    messages: JSON.stringify(
      ComposerMessagesSchema.parse([
        { type: 'text', text: b.text },
        ...(b.coupon ? [{ type: 'coupon', templateId: templateId.broadcast }] : []),
      ]),
    ),
    audience: JSON.stringify({ kind: 'all' }),
    status: 'done' as const,
    scheduledAt: b.at,
    holdoutPercent: 10,
    attributionDays: 7,
    couponTemplateId: b.coupon ? templateId.broadcast : null,
    recipientCount: 0,
    createdAt: b.at - DAY,
    updatedAt: b.at + 5 * 60_000,
    startedAt: b.at,
    finishedAt: b.at + 5 * 60_000,
  }))

  // ── Members ────────────────────────────────────────────────────────────────────────────────
  const members = []
  const profiles = []
  const purchases: {
    id: number
    memberId: number
    amountYen: number
    categories: string
    store: string
    purchasedAt: number
    source: 'register'
    status: 'completed' | 'refunded'
    pointsGranted: number
    refundedAt: number | null
    createdAt: number
  }[] = []
  const ledger: {
    id: number
    memberId: number
    kind: 'grant' | 'redeem'
    points: number
    expiresAt: number | null
    purchaseId: number | null
    couponId: number | null
    reason: string | null
    dedupeKey: string | null
    createdAt: number
  }[] = []
  const lots: { ledgerId: number; memberId: number; remaining: number; expiresAt: number }[] = []
  const balances: { memberId: number; balance: number; updatedAt: number }[] = []
  const memberTiers: {
    memberId: number
    tierId: number | null
    spend12mYen: number
    updatedAt: number
  }[] = []
  const coupons: {
    id: number
    templateId: number
    memberId: number
    source:
      | 'welcome'
      | 'manual'
      | 'points_exchange'
      | 'survey'
      | 'broadcast'
      | 'automation'
      | 'referral'
    sourceRef: string | null
    state: 'issued' | 'redeemed' | 'expired'
    issuedAt: number
    expiresAt: number
    redeemedAt: number | null
    redeemedVia: 'staff_scan' | null
    dedupeKey: string | null
  }[] = []
  const responses: {
    id: number
    surveyId: number
    versionId: number
    memberId: number
    channel: 'liff'
    answers: string
    dedupeKey: string
    npsScore: number
    lowScore: boolean
    rewardCouponId: number
    submittedAt: number
  }[] = []
  const answers: {
    id: number
    responseId: number
    surveyId: number
    memberId: number
    questionId: string
    numberValue: number | null
    textValue: string | null
  }[] = []
  const recipients: {
    broadcastId: number
    memberId: number
    holdout: boolean
    status: 'sent' | 'holdout'
  }[] = []
  const runs: {
    id: number
    journeyId: number
    memberId: number
    occurrence: string
    status: 'holdout' | 'completed' | 'exited'
    exitReason: string | null
    enteredAt: number
    nextStep: number
    lastSentStep: number | null
    createdAt: number
    endedAt: number | null
  }[] = []
  const stepLog: {
    id: number
    runId: number
    journeyId: number
    memberId: number
    step: number
    outcome: 'sent'
    couponId: number
    at: number
  }[] = []
  /** Members whose low score or question became a support conversation. */
  const conversationStarts: { memberId: number; at: number; low: boolean }[] = []

  const usedNumbers = new Set<string>()
  /** The current member's coupons (issue() adds to both lists). */
  let mine: typeof coupons = []
  const hex = () => rng.int(16).toString(16)
  const issue = (
    key: TemplateKey,
    memberId: number,
    at: number,
    source: (typeof coupons)[number]['source'],
    sourceRef: string | null,
    dedupeKey: string | null = null,
  ) => {
    const coupon = {
      id: ids.coupon + coupons.length + 1,
      templateId: templateId[key],
      memberId,
      source,
      sourceRef,
      state: 'issued' as 'issued' | 'redeemed' | 'expired',
      issuedAt: at,
      expiresAt: at + validDaysOf(key) * DAY,
      redeemedAt: null as number | null,
      redeemedVia: null as 'staff_scan' | null,
      dedupeKey,
    }
    coupons.push(coupon)
    mine.push(coupon)
    return coupon
  }

  for (let i = 0; i < input.members; i++) {
    const memberId = ids.member + i + 1
    mine = []
    const r = rng.next()
    const persona: Persona =
      r < 0.12
        ? 'never'
        : r < 0.3
          ? 'once'
          : r < 0.55
            ? 'occasional'
            : r < 0.87
              ? 'monthly'
              : 'regular'
    // A quarter came with the friends the shop had when it started using Joren.
    const followedAt = rng.chance(0.25)
      ? start + rng.int(20) * DAY + rng.int(12) * HOUR
      : start + rng.int(363) * DAY + rng.int(24) * HOUR
    const blockedAt = rng.chance(0.07)
      ? Math.min(now - HOUR, followedAt + rng.between(3, 200) * DAY)
      : null
    const lineUserId = `U${Array.from({ length: 32 }, hex).join('')}`
    let memberNumber = newMemberNumber(rng.int)
    while (usedNumbers.has(memberNumber)) memberNumber = newMemberNumber(rng.int)
    usedNumbers.add(memberNumber)
    const choiceR = rng.next()
    const marketingChoice: 'in' | 'out' | null =
      choiceR < 0.05 ? 'out' : choiceR < 0.15 ? 'in' : null
    members.push({
      id: memberId,
      lineUserId,
      memberNumber,
      displayName: text.displayName(rng),
      language: 'ja',
      followState: blockedAt === null ? ('following' as const) : ('blocked' as const),
      followStateAt: blockedAt ?? followedAt,
      firstFollowedAt: followedAt,
      followedAt,
      blockedAt,
      createdAt: followedAt,
      updatedAt: blockedAt ?? followedAt,
    })
    if (rng.chance(0.7) || marketingChoice !== null)
      profiles.push({
        memberId,
        birthday: `${rng.between(1962, 2005)}-${String(rng.between(1, 12)).padStart(2, '0')}-${String(rng.between(1, 28)).padStart(2, '0')}`,
        gender: rng.pick(['female', 'female', 'female', 'male', 'male', 'unspecified'] as const),
        prefecture: rng.pick(['東京都', '東京都', '東京都', '神奈川県', '埼玉県', '千葉県']),
        interests: JSON.stringify(rng.chance(0.5) ? [rng.pick(['drink', 'sweets', 'food'])] : []),
        marketingConsent: marketingChoice === 'in',
        marketingChoice,
        consentUpdatedAt: marketingChoice === null ? null : followedAt + HOUR,
        updatedAt: followedAt + HOUR,
      })

    // The welcome coupon on following.
    const welcome = issue(
      'welcome',
      memberId,
      followedAt,
      'welcome',
      `follow:${followedAt}`,
      `welcome:${lineUserId}`,
    )

    // Which broadcasts reach them (following then, not opted out) and who is held out.
    const contacted = new Set<number>()
    for (const b of broadcasts) {
      const start = b.startedAt
      if (
        followedAt > start ||
        (blockedAt !== null && blockedAt <= start) ||
        marketingChoice === 'out'
      )
        continue
      const holdout = rng.chance(HOLDOUT)
      recipients.push({
        broadcastId: b.id,
        memberId,
        holdout,
        status: holdout ? 'holdout' : 'sent',
      })
      if (!holdout) {
        contacted.add(b.id)
        if (b.couponTemplateId !== null)
          issue('broadcast', memberId, start, 'broadcast', `broadcast:${b.id}`)
      }
    }

    // Visit times.
    const visits: { at: number; via?: 'journey' | 'broadcast' }[] = []
    if (persona !== 'never') {
      let at = rng.chance(0.45)
        ? followedAt + rng.int(30) * 60_000
        : followedAt + rng.exponential(6) * DAY
      const gap = PERSONA_GAP_DAYS[persona]
      let alive = true
      while (at < now) {
        if (blockedAt !== null && at > blockedAt && rng.chance(0.7)) break
        visits.push({ at: atCafeHours(at) })
        if (persona === 'once' || rng.chance(PERSONA_CHURN[persona])) alive = false
        let next = alive
          ? at +
            Math.max(1, (gap * (0.35 + rng.exponential(0.65))) / (SEASON[monthOf(at)] ?? 1)) * DAY
          : Number.POSITIVE_INFINITY
        // Sixty days without a visit: the dormant journey's message (10 % held out).
        const dormantAt = visits.at(-1)!.at + DEMO_DORMANT_DAYS * DAY
        if (
          next > dormantAt &&
          dormantAt < now - DAY &&
          (blockedAt === null || blockedAt > dormantAt)
        ) {
          const held = rng.chance(HOLDOUT)
          const enteredAt = startOfDayInZone(localDate(dormantAt, timeZone), timeZone) + 12 * HOUR
          const comesBack = rng.chance(held ? 0.06 : 0.2)
          const backAt = enteredAt + rng.between(1, 25) * DAY
          const run = {
            id: ids.run + runs.length + 1,
            journeyId,
            memberId,
            occurrence: String(visits.at(-1)!.at),
            status: (held
              ? 'holdout'
              : comesBack && backAt < next && backAt < now
                ? 'exited'
                : 'completed') as 'holdout' | 'completed' | 'exited',
            exitReason: null as string | null,
            enteredAt,
            nextStep: held ? 0 : 1,
            lastSentStep: held ? null : 0,
            createdAt: enteredAt,
            endedAt: held ? null : enteredAt,
          }
          runs.push(run)
          if (!held) {
            const coupon = issue(
              'journey',
              memberId,
              enteredAt,
              'automation',
              `journey:${journeyId}:step:0`,
            )
            stepLog.push({
              id: ids.stepLog + stepLog.length + 1,
              runId: run.id,
              journeyId,
              memberId,
              step: 0,
              outcome: 'sent',
              couponId: coupon.id,
              at: enteredAt,
            })
          }
          if (comesBack && backAt < next && backAt < now) {
            if (!held) {
              run.exitReason = 'converted'
              run.endedAt = backAt
            }
            visits.push({ at: atCafeHours(backAt), via: 'journey' })
            alive = true
            next = backAt + Math.max(1, gap * (0.35 + rng.exponential(0.65))) * DAY
          }
        }
        at = next
        if (
          at !== Number.POSITIVE_INFINITY &&
          dayOfWeek(at) >= 1 &&
          dayOfWeek(at) <= 4 &&
          rng.chance(0.25)
        )
          at += DAY // a weekday visit often slips to the weekend
      }
      // A broadcast nudges some of those it reached within a few days; the held-out get none.
      for (const b of broadcasts)
        if (contacted.has(b.id) && b.startedAt > followedAt && rng.chance(0.09)) {
          const at = b.startedAt + rng.between(2, 140) * HOUR
          if (at < now) visits.push({ at: atCafeHours(at), via: 'broadcast' })
        }
    }
    visits.sort((a, b) => a.at - b.at)

    // Staff presents and referral thanks, now and then.
    if (visits.length >= 8 && rng.chance(0.08)) {
      const at = visits[rng.int(visits.length)]!.at + HOUR
      if (at < now) issue('manual', memberId, at, 'manual', null)
    }
    if (visits.length >= 2 && rng.chance(0.04)) {
      const at = visits[1]!.at + 2 * HOUR
      if (at < now) issue('referral', memberId, at, 'referral', null)
    }
    // Purchases, points, exchanges, coupon redemptions, survey answers.
    const memberLots: { ledgerId: number; remaining: number; expiresAt: number }[] = []
    let balance = 0
    let lastSurveyPeriod = -1
    let spent = 0
    const open = (key: TemplateKey, at: number) =>
      mine.find(
        (c) =>
          c.templateId === templateId[key] &&
          c.redeemedAt === null &&
          c.issuedAt <= at &&
          c.expiresAt > at,
      )
    for (const visit of visits) {
      const at = visit.at
      if (at >= now) continue
      const id = ids.purchase + purchases.length + 1
      const basket = text.basket(rng)
      const refunded = rng.chance(0.015)
      const points = refunded ? 0 : Math.floor(basket.amountYen / 100)
      purchases.push({
        id,
        memberId,
        amountYen: basket.amountYen,
        categories: JSON.stringify(basket.categories),
        store: '本店',
        purchasedAt: at,
        source: 'register',
        status: refunded ? 'refunded' : 'completed',
        pointsGranted: points,
        refundedAt: refunded ? at + HOUR : null,
        createdAt: at,
      })
      if (refunded) continue
      spent += basket.amountYen
      if (points > 0) {
        const ledgerId = ids.ledger + ledger.length + 1
        const expiresAt = at + POINTS_VALID_DAYS * DAY
        ledger.push({
          id: ledgerId,
          memberId,
          kind: 'grant',
          points,
          expiresAt,
          purchaseId: id,
          couponId: null,
          reason: null,
          dedupeKey: `purchase:${id}:grant`,
          createdAt: at,
        })
        memberLots.push({ ledgerId, remaining: points, expiresAt })
        balance += points
      }
      // Coupons redeemed at the register with this visit.
      const redeem = (c: (typeof coupons)[number] | undefined, p: number) => {
        if (c && c.issuedAt <= at && c.expiresAt > at && rng.chance(p)) {
          c.redeemedAt = at
          c.redeemedVia = 'staff_scan'
          c.state = 'redeemed'
        }
      }
      redeem(welcome.redeemedAt === null && welcome.expiresAt > at ? welcome : undefined, 0.6)
      redeem(open('survey', at), 0.5)
      redeem(open('exchange', at), 0.9)
      redeem(open('journey', at), visit.via === 'journey' ? 0.85 : 0.3)
      redeem(open('broadcast', at), visit.via === 'broadcast' ? 0.8 : 0.35)
      redeem(open('manual', at), 0.7)
      redeem(open('referral', at), 0.6)
      // Points exchanged for a drink.
      if (balance >= POINTS_EXCHANGE_COST && rng.chance(0.3)) {
        const coupon = issue(
          'exchange',
          memberId,
          at + 60_000,
          'points_exchange',
          `points:${POINTS_EXCHANGE_COST}`,
        )
        let owed = POINTS_EXCHANGE_COST
        for (const lot of memberLots) {
          const take = Math.min(owed, lot.remaining)
          lot.remaining -= take
          owed -= take
          if (owed === 0) break
        }
        balance -= POINTS_EXCHANGE_COST
        ledger.push({
          id: ids.ledger + ledger.length + 1,
          memberId,
          kind: 'redeem',
          points: -POINTS_EXCHANGE_COST,
          expiresAt: null,
          purchaseId: null,
          couponId: coupon.id,
          reason: 'ポイント交換',
          dedupeKey: null,
          createdAt: at + 60_000,
        })
      }
      // The visit survey, once per 30 days at most.
      const submittedAt = at + rng.between(1, 20) * HOUR
      const period = Math.floor((submittedAt - surveyOpensAt) / (30 * DAY))
      const following = blockedAt === null || blockedAt > submittedAt
      if (following && period > lastSurveyPeriod && submittedAt < now && rng.chance(0.14)) {
        lastSurveyPeriod = period
        const base = persona === 'regular' ? 9 : persona === 'monthly' ? 8 : 7
        const nps = Math.max(0, Math.min(10, Math.round(rng.normal(base, 1.8))))
        const rating = Math.max(1, Math.min(5, Math.round(rng.normal(nps / 2.2 + 0.4, 0.7))))
        const comment = rng.chance(0.4) ? text.comment(rng, nps) : null
        const responseId = ids.response + responses.length + 1
        const reward = issue('survey', memberId, submittedAt, 'survey', String(responseId))
        const lowScore = nps <= 6 || rating <= 2
        responses.push({
          id: responseId,
          surveyId,
          versionId,
          memberId,
          channel: 'liff',
          answers: JSON.stringify({ q1: nps, q2: rating, ...(comment ? { q3: comment } : {}) }),
          dedupeKey: `survey:${surveyId}:member:${memberId}:${period}`,
          npsScore: nps,
          lowScore,
          rewardCouponId: reward.id,
          submittedAt,
        })
        const answer = (questionId: string, numberValue: number | null, textValue: string | null) =>
          answers.push({
            id: ids.answer + answers.length + 1,
            responseId,
            surveyId,
            memberId,
            questionId,
            numberValue,
            textValue,
          })
        answer('q1', nps, null)
        answer('q2', rating, null)
        if (comment) answer('q3', null, comment)
        if (lowScore && nps <= 4) conversationStarts.push({ memberId, at: submittedAt, low: true })
      }
    }
    // A few questions by chat (reservations, allergies, opening hours).
    if (rng.chance(0.03)) {
      const at = followedAt + rng.int(Math.max(1, Math.floor((now - followedAt) / DAY))) * DAY
      if (at < now - HOUR && !conversationStarts.some((c) => c.memberId === memberId))
        conversationStarts.push({ memberId, at: atCafeHours(at), low: false })
    }
    balances.push({ memberId, balance, updatedAt: visits.at(-1)?.at ?? followedAt })
    for (const lot of memberLots) lots.push({ memberId, ...lot })
    // The rolling 12-month spend (every visit is within the year) and the tier it reaches.
    if (spent > 0)
      memberTiers.push({
        memberId,
        tierId: tierLadder.find((t) => t.minSpendYen <= spent)?.id ?? null,
        spend12mYen: spent,
        updatedAt: now,
      })
  }

  // Coupon states as of now, template counters and per-member counts.
  for (const c of coupons) if (c.state === 'issued' && c.expiresAt <= now) c.state = 'expired'
  const memberCounts = new Map<
    string,
    { templateId: number; memberId: number; issued: number; limit: number }
  >()
  for (const c of coupons) {
    const key = `${c.templateId}:${c.memberId}`
    const t = templates.find((x) => x.id === c.templateId)!
    t.issuedCount++
    const row = memberCounts.get(key)
    if (row) row.issued++
    else
      memberCounts.set(key, {
        templateId: c.templateId,
        memberId: c.memberId,
        issued: 1,
        limit: t.perMemberLimit,
      })
  }
  for (const b of broadcasts)
    b.recipientCount = recipients.filter((r) => r.broadcastId === b.id).length

  // Support conversations in the guests' own words, answered by the shop.
  const conversations: {
    id: number
    memberId: number
    status: 'open' | 'closed'
    openReason: 'low_score' | 'unanswered'
    unread: number
    cycle: number
    ackedCycle: number
    lastMessageAt: number
    lastInboundAt: number | null
    readThroughId: number
    openedAt: number
    closedAt: number | null
    updatedAt: number
  }[] = []
  const chatMessages: {
    id: number
    memberId: number
    direction: 'in' | 'out'
    kind: string
    text: string
    payload: string
    sourceKey: string
    origin: 'staff' | null
    via: 'push' | null
    createdAt: number
  }[] = []
  for (const start of conversationStarts.sort((a, b) => a.at - b.at)) {
    if (conversations.some((c) => c.memberId === start.memberId)) continue
    const thread = start.low ? text.lowScoreThread(rng) : text.questionThread(rng)
    const id: number = ids.conversation + conversations.length + 1
    let at = start.at
    let readThroughId = 0
    let lastInboundAt: number | null = null
    let unread = 0
    const answered = start.low || rng.chance(0.85) || start.at < now - 7 * DAY
    const lines = answered ? thread : thread.slice(0, 1)
    for (const [n, line] of lines.entries()) {
      at += n === 0 ? 0 : rng.between(3, 90) * 60_000
      if (at >= now) break
      const chatId: number = ids.chat + chatMessages.length + 1
      chatMessages.push({
        id: chatId,
        memberId: start.memberId,
        direction: line.from === 'guest' ? ('in' as const) : ('out' as const),
        kind: 'text',
        text: line.text,
        payload: JSON.stringify({ type: 'text', text: line.text }),
        sourceKey: `demo:${chatId}`,
        origin: line.from === 'guest' ? null : ('staff' as const),
        via: line.from === 'guest' ? null : ('push' as const),
        createdAt: at,
      })
      if (line.from === 'guest') {
        lastInboundAt = at
        if (answered) readThroughId = chatId
        else unread++
      }
    }
    conversations.push({
      id,
      memberId: start.memberId,
      status: answered ? ('closed' as const) : ('open' as const),
      openReason: start.low ? ('low_score' as const) : ('unanswered' as const),
      unread,
      cycle: 1,
      ackedCycle: 1,
      lastMessageAt: at,
      lastInboundAt,
      readThroughId,
      openedAt: start.at,
      closedAt: answered ? at + HOUR : null,
      updatedAt: at,
    })
  }

  return {
    tiers,
    members,
    profiles,
    purchases,
    ledger,
    lots,
    balances,
    memberTiers,
    templates,
    coupons,
    memberCounts: [...memberCounts.values()],
    surveys,
    surveyVersions,
    responses,
    answers,
    conversations,
    chatMessages,
    broadcasts,
    recipients,
    journeys,
    runs,
    stepLog,
  }
}

export type DemoShop = ReturnType<typeof generateDemoShop>
export type { SeededRandom }
