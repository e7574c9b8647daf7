import { DAY, POINTS_EXCHANGE_COST, type DemoContext } from './demo-context.ts'

/** The demo's coupon templates and every coupon the year issued, redeemed or let expire. */

const TEMPLATE_SPECS = [
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
export type TemplateKey = (typeof TEMPLATE_SPECS)[number][0]

export interface DemoCoupon {
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
}

export function demoTemplates({ ids, start }: DemoContext) {
  const templateId = {} as Record<TemplateKey, number>
  const templates = TEMPLATE_SPECS.map(
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
  return { templates, templateId }
}
export type DemoTemplates = ReturnType<typeof demoTemplates>

const validDaysOf = (key: TemplateKey) =>
  TEMPLATE_SPECS.find((t) => t[0] === key)?.[4] ?? (30 as number)

/** The coupons issued so far, and those of the member being generated (issue() adds to both). */
export function couponBook({ ids }: DemoContext, { templateId }: DemoTemplates) {
  const coupons: DemoCoupon[] = []
  let mine: DemoCoupon[] = []
  const issue = (
    key: TemplateKey,
    memberId: number,
    at: number,
    source: DemoCoupon['source'],
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
  /** The next member's coupons start here. */
  const nextMember = () => {
    mine = []
  }
  /** The current member's coupon of this template usable at `at`, if any. */
  const open = (key: TemplateKey, at: number) =>
    mine.find(
      (c) =>
        c.templateId === templateId[key] &&
        c.redeemedAt === null &&
        c.issuedAt <= at &&
        c.expiresAt > at,
    )
  return { coupons, issue, nextMember, open }
}
export type CouponBook = ReturnType<typeof couponBook>

/** Coupon states as of now, template counters and per-member counts. */
export function settleCoupons(
  { now }: DemoContext,
  { templates }: DemoTemplates,
  { coupons }: CouponBook,
) {
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
  return [...memberCounts.values()]
}
