import {
  DAY,
  HOUR,
  POINTS_EXCHANGE_COST,
  POINTS_VALID_DAYS,
  type DemoContext,
  type DemoShopInput,
  type Persona,
} from './demo-context.ts'
import type { CouponBook, DemoCoupon } from './demo-coupons.ts'
import { answerAfterVisit, type DemoSurvey, type SurveyRows } from './demo-surveys.ts'
import type { DemoVisit } from './demo-visits.ts'
import * as text from './demo-texts.ts'

/** The tiers, and each visit's purchase: points granted, coupons redeemed, points exchanged. */

export interface DemoPurchase {
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
}
export interface DemoLedgerEntry {
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
}
export interface DemoLot {
  ledgerId: number
  remaining: number
  expiresAt: number
}
export interface PurchaseRows {
  purchases: DemoPurchase[]
  ledger: DemoLedgerEntry[]
}

/** The demo's three tiers, unless the shop already has its own. */
export function demoTiers({ start }: DemoContext, input: DemoShopInput) {
  const tiers =
    input.tiers.length > 0
      ? []
      : [
          { name: 'シルバー', minSpendYen: 10_000, multiplierPercent: 120 },
          { name: 'ゴールド', minSpendYen: 30_000, multiplierPercent: 150 },
          { name: 'プラチナ', minSpendYen: 60_000, multiplierPercent: 200 },
        ].map((t, i) => ({ ...t, id: input.tierBase + i + 1, createdAt: start }))
  const tierLadder = [...input.tiers, ...tiers].sort((a, b) => b.minSpendYen - a.minSpendYen)
  return { tiers, tierLadder }
}

/**
 * Purchases, points, exchanges, coupon redemptions and survey answers for one guest's visits.
 * Returns the guest's point balance, their spend and the point lots they hold.
 */
export function purchasesOf(
  ctx: DemoContext,
  rows: PurchaseRows,
  book: CouponBook,
  survey: { survey: DemoSurvey; rows: SurveyRows },
  guest: {
    memberId: number
    persona: Persona
    blockedAt: number | null
    welcome: DemoCoupon
    visits: DemoVisit[]
  },
) {
  const { rng, now, ids } = ctx
  const { memberId, welcome } = guest
  const { purchases, ledger } = rows
  const memberLots: DemoLot[] = []
  let balance = 0
  let lastSurveyPeriod = -1
  let spent = 0
  for (const visit of guest.visits) {
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
    const redeem = (c: DemoCoupon | undefined, p: number) => {
      if (c && c.issuedAt <= at && c.expiresAt > at && rng.chance(p)) {
        c.redeemedAt = at
        c.redeemedVia = 'staff_scan'
        c.state = 'redeemed'
      }
    }
    const open = book.open
    redeem(welcome.redeemedAt === null && welcome.expiresAt > at ? welcome : undefined, 0.6)
    redeem(open('survey', at), 0.5)
    redeem(open('exchange', at), 0.9)
    redeem(open('journey', at), visit.via === 'journey' ? 0.85 : 0.3)
    redeem(open('broadcast', at), visit.via === 'broadcast' ? 0.8 : 0.35)
    redeem(open('manual', at), 0.7)
    redeem(open('referral', at), 0.6)
    // Points exchanged for a drink.
    if (balance >= POINTS_EXCHANGE_COST && rng.chance(0.3)) {
      exchangePoints(ctx, rows, book, memberId, at + 60_000, memberLots)
      balance -= POINTS_EXCHANGE_COST
    }
    // The visit survey, once per 30 days at most.
    lastSurveyPeriod = answerAfterVisit(ctx, survey.survey, survey.rows, book, {
      memberId,
      persona: guest.persona,
      at,
      blockedAt: guest.blockedAt,
      lastPeriod: lastSurveyPeriod,
    })
  }
  return { balance, spent, memberLots }
}

/** A drink for POINTS_EXCHANGE_COST points, taken from the oldest lots first. */
function exchangePoints(
  { ids }: DemoContext,
  { ledger }: PurchaseRows,
  book: CouponBook,
  memberId: number,
  at: number,
  memberLots: DemoLot[],
) {
  const coupon = book.issue(
    'exchange',
    memberId,
    at,
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
    createdAt: at,
  })
}
