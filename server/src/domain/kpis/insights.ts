import {
  COUPON_SOURCE_GROUPS,
  type CampaignRow,
  type CouponSourceGroup,
  type CouponSourceRate,
  type DashboardInsights,
  type LineUnitStats,
  type MessageEconomy,
  type MessageQuota,
  type SatisfactionMonth,
} from '@joren/shared'
import type { BroadcastStore } from '../broadcasts/store.ts'
import type { JourneyStore } from '../journeys/store.ts'
import { computeLift } from '../lift/lift.ts'
import type { LineStatsStore } from '../line-stats/poll.ts'
import { localDate } from '../loyalty/dates.ts'
import { addDays, startOfDayInZone } from '../time.ts'
import { addMonths, lastDayOfMonth, monthOf } from './calendar.ts'
import { divideRoundHalfUp } from './kpis.ts'

const DAY_MS = 86_400_000

/** Reads over the raw tables for the dashboard's campaign and satisfaction sections. */
export interface InsightStore {
  /** Coupons issued in [startAt, endAt) by stored source, and how many of them were redeemed. */
  couponsBySource(
    startAt: number,
    endAt: number,
  ): Promise<{ source: string; issued: number; redeemed: number }[]>
  /** NPS answers (survey_responses.nps_score) submitted in [startAt, endAt). */
  nps(
    startAt: number,
    endAt: number,
  ): Promise<{ responses: number; promoters: number; passives: number; detractors: number }>
  /** Answers to rating (1–5 star) questions submitted in [startAt, endAt), and those ≥ 4. */
  csat(startAt: number, endAt: number): Promise<{ answers: number; satisfied: number }>
  /** Distinct members with a survey response in [startAt, endAt). */
  respondents(startAt: number, endAt: number): Promise<number>
  /** Following now, first followed before `endAt` (the dashboard's "friends"). */
  friendsAt(endAt: number): Promise<number>
  /** Started broadcasts, newest first. */
  startedBroadcasts(
    limit: number,
  ): Promise<{ id: number; title: string; startedAt: number; attributionDays: number }[]>
  /** Journeys with at least one run, with their goal window in days. */
  journeysWithRuns(): Promise<{ id: number; name: string; goalDays: number }[]>
  /** Outbound messages this product recorded in [startAt, endAt): pushes (chat + broadcast recipients) and replies. */
  messages(startAt: number, endAt: number): Promise<{ pushes: number; replies: number }>
  /** Buyers in [from, to] (shop-local days) who had bought before `from` (the KPI rollups). */
  returningBuyers(range: { from: string; to: string }): Promise<number>
}

/** The dashboard's name for a stored coupon source. */
export function couponSourceGroup(source: string): CouponSourceGroup | null {
  if (source === 'automation') return 'journey'
  if (source === 'points_exchange') return 'exchange'
  return (COUPON_SOURCE_GROUPS as readonly string[]).includes(source)
    ? (source as CouponSourceGroup)
    : null
}

/** Issue → redemption per source, every source listed (0 issued: rate null). */
export async function couponRates(
  store: InsightStore,
  startAt: number,
  endAt: number,
): Promise<CouponSourceRate[]> {
  const rows = await store.couponsBySource(startAt, endAt)
  return COUPON_SOURCE_GROUPS.map((source) => {
    let issued = 0
    let redeemed = 0
    for (const r of rows)
      if (couponSourceGroup(r.source) === source) {
        issued += r.issued
        redeemed += r.redeemed
      }
    return { source, issued, redeemed, rate: issued === 0 ? null : redeemed / issued }
  })
}

/** NPS = (promoters − detractors) ÷ responses × 100, rounded half up (−100 … 100). */
export function npsScore(promoters: number, detractors: number, responses: number): number | null {
  if (responses === 0) return null
  const diff = promoters - detractors
  const magnitude = divideRoundHalfUp(Math.abs(diff) * 100, responses)
  return diff < 0 ? -magnitude : magnitude
}

/** NPS, CSAT and response rate for one shop-local calendar month. */
export async function satisfactionMonth(
  store: InsightStore,
  month: string,
  timeZone: string,
): Promise<SatisfactionMonth> {
  const startAt = startOfDayInZone(`${month}-01`, timeZone)
  const endAt = startOfDayInZone(addDays(lastDayOfMonth(month), 1), timeZone)
  const [nps, csat, respondents, friends] = await Promise.all([
    store.nps(startAt, endAt),
    store.csat(startAt, endAt),
    store.respondents(startAt, endAt),
    store.friendsAt(endAt),
  ])
  return {
    month,
    npsResponses: nps.responses,
    promoters: nps.promoters,
    passives: nps.passives,
    detractors: nps.detractors,
    nps: npsScore(nps.promoters, nps.detractors, nps.responses),
    csatAnswers: csat.answers,
    csatSatisfied: csat.satisfied,
    csat: csat.answers === 0 ? null : csat.satisfied / csat.answers,
    respondents,
    friends,
    responseRate: friends === 0 ? null : respondents / friends,
  }
}

/** Every started broadcast and journey with runs: reach, redemptions, purchases, lift over the holdout. */
export async function campaigns(deps: {
  store: InsightStore
  broadcasts: Pick<BroadcastStore, 'attribution'>
  journeys: Pick<JourneyStore, 'outcomes' | 'couponsRedeemed'>
  lineStats?: Pick<LineStatsStore, 'forCampaigns'>
}): Promise<CampaignRow[]> {
  const [broadcasts, journeys] = await Promise.all([
    deps.store.startedBroadcasts(50),
    deps.store.journeysWithRuns(),
  ])
  // LINE's opens and clicks as the upkeep job last polled them (never asked while the page loads).
  const stats = await (deps.lineStats?.forCampaigns([
    ...broadcasts.map((b) => ({ kind: 'broadcast' as const, refId: b.id })),
    ...journeys.map((j) => ({ kind: 'journey' as const, refId: j.id })),
  ]) ?? [])
  const line = (kind: CampaignRow['kind'], refId: number): LineUnitStats[] =>
    stats
      .filter((s) => s.kind === kind && s.refId === refId)
      .map(({ kind: _kind, refId: _refId, ...rest }) => rest)
  const rows: CampaignRow[] = []
  for (const b of broadcasts) {
    const a = await deps.broadcasts.attribution(b)
    rows.push({
      kind: 'broadcast',
      id: b.id,
      name: b.title,
      startedAt: b.startedAt,
      windowDays: b.attributionDays,
      reached: a.recipients.members,
      heldOut: a.holdout.members,
      couponsRedeemed: a.coupons.redeemed,
      purchases: a.recipients.purchases,
      revenueYen: a.recipients.revenueYen,
      contacted: a.recipients,
      holdout: a.holdout,
      lift: computeLift(a.recipients, a.holdout),
      line: line('broadcast', b.id),
    })
  }
  for (const j of journeys) {
    const [o, redeemed] = await Promise.all([
      deps.journeys.outcomes(j.id, j.goalDays * DAY_MS),
      deps.journeys.couponsRedeemed(j.id),
    ])
    rows.push({
      kind: 'journey',
      id: j.id,
      name: j.name,
      startedAt: null,
      windowDays: j.goalDays,
      reached: o.entered.members,
      heldOut: o.heldOut.members,
      couponsRedeemed: redeemed.reduce((s, r) => s + r.n, 0),
      purchases: o.entered.purchases,
      revenueYen: o.entered.revenueYen,
      contacted: o.entered,
      holdout: o.heldOut,
      lift: computeLift(o.entered, o.heldOut),
      line: line('journey', j.id),
    })
  }
  return rows
}

/** LINE Japan's plans (2023): included messages → monthly fee (yen, tax excluded). */
const PLANS: Record<number, { plan: MessageEconomy['plan']; feeYen: number }> = {
  200: { plan: 'communication', feeYen: 0 },
  5_000: { plan: 'light', feeYen: 5_000 },
  30_000: { plan: 'standard', feeYen: 15_000 },
}
/** The Standard plan's price per additional message (its highest band; LINE lowers it with volume). */
export const STANDARD_ADDITIONAL_MESSAGE_YEN = 3

/**
 * The month's message economy: pushes and replies recorded, the quota, the Standard plan's billed
 * overage (the only plan that can go over its quota), and the cost per returning customer.
 */
export function messageEconomy(input: {
  month: string
  pushes: number
  replies: number
  quota: MessageQuota
  returningBuyers: number
}): MessageEconomy {
  const { quota } = input
  const known = quota.type === 'limited' && quota.limit !== null ? PLANS[quota.limit] : undefined
  const plan: MessageEconomy['plan'] =
    quota.type === 'unknown' ? 'unknown' : (known?.plan ?? 'other')
  const overageMessages =
    plan === 'standard' && quota.used !== null && quota.limit !== null
      ? Math.max(0, quota.used - quota.limit)
      : null
  const overageYen =
    overageMessages === null ? null : overageMessages * STANDARD_ADDITIONAL_MESSAGE_YEN
  const costYen = known ? known.feeYen + (overageYen ?? 0) : null
  return {
    month: input.month,
    pushes: input.pushes,
    replies: input.replies,
    quota,
    plan,
    overageMessages,
    overageYen,
    costYen,
    returningBuyers: input.returningBuyers,
    costPerReturningYen:
      costYen === null || input.returningBuyers === 0
        ? null
        : divideRoundHalfUp(costYen, input.returningBuyers),
  }
}

export interface InsightServiceDeps {
  store: InsightStore
  broadcasts: Pick<BroadcastStore, 'attribution'>
  journeys: Pick<JourneyStore, 'outcomes' | 'couponsRedeemed'>
  lineStats?: Pick<LineStatsStore, 'forCampaigns'>
  /** The month's quota (the same reader as the console's quota widget). */
  quota(): Promise<MessageQuota>
  timeZone: string
  now(): number
}

/** GET /api/staff/dashboard/insights: the sections loaded after the dashboard's core figures. */
export function createInsightService(deps: InsightServiceDeps) {
  const { store, timeZone } = deps
  return {
    async insights(query: { from?: string; to?: string }): Promise<DashboardInsights> {
      const today = localDate(deps.now(), timeZone)
      const range =
        query.from !== undefined && query.to !== undefined
          ? { from: query.from, to: query.to }
          : { from: addDays(today, -29), to: today }
      const startAt = startOfDayInZone(range.from, timeZone)
      const endAt = startOfDayInZone(addDays(range.to, 1), timeZone)
      const months = Array.from({ length: 6 }, (_, i) => addMonths(monthOf(range.to), i - 5))
      const month = monthOf(today)
      const monthStart = startOfDayInZone(`${month}-01`, timeZone)
      const monthEnd = startOfDayInZone(addDays(lastDayOfMonth(month), 1), timeZone)
      const [satisfaction, coupons, rows, messages, quota, returning] = await Promise.all([
        Promise.all(months.map((m) => satisfactionMonth(store, m, timeZone))),
        couponRates(store, startAt, endAt),
        campaigns(deps),
        store.messages(monthStart, monthEnd),
        deps.quota(),
        store.returningBuyers({ from: `${month}-01`, to: lastDayOfMonth(month) }),
      ])
      return {
        ...range,
        timeZone,
        satisfaction,
        coupons,
        campaigns: rows,
        economy: messageEconomy({ month, ...messages, quota, returningBuyers: returning }),
      }
    },
  }
}

export type InsightService = ReturnType<typeof createInsightService>
