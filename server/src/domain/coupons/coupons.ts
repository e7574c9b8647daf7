import type {
  CouponSource,
  CouponTemplate,
  CouponTemplateCreate,
  CouponTemplateStats,
  CouponTemplateUpdate,
  CouponView,
  ExchangeCatalogue,
} from '@joren/shared'
import { NotEnoughPoints } from '../loyalty/points.ts'
import type { Ids, Logger } from '../ports.ts'
import type { RowRef, Write } from '../unit-of-work.ts'
import {
  constraintFailure,
  CouponAlreadyRedeemed,
  CouponExpired,
  CouponMemberLimitReached,
  CouponOutsideWindow,
  CouponRevoked,
  CouponTemplateArchived,
  CouponTemplateNotFound,
  CouponTotalLimitReached,
  NotExchangeable,
} from './errors.ts'
import { newCouponShortCode, SHORT_CODE_ATTEMPTS } from './short-code.ts'

/** A statement a repository planned for one atomic batch (opaque to the domain). */
export type PlannedStatement = Write

/** Commits planned statements together, or none (a failing CHECK / UNIQUE rolls back the rest). */
export type CommitAtomically = (statements: PlannedStatement[]) => Promise<void>

export const DAY_MS = 24 * 60 * 60 * 1000

/**
 * A coupon with the member it belongs to (never sent to another member) and its short code (null
 * only for a coupon from before codes that has not been shown yet).
 */
export type StoredCoupon = CouponView & { memberId: number; shortCode: string | null }

export interface IssuePlan {
  template: CouponTemplate
  memberId: number
  source: CouponSource
  sourceRef: string | null
  dedupeKey: string
  /** The typed code (unique: a taken one fails the commit on coupons_short_code_idx). */
  shortCode: string
  issuedAt: number
  expiresAt: number
}

export interface RedeemInput {
  couponId: number
  /** Only this member's coupon (the member's own "use now"); null for staff. */
  memberId: number | null
  staffId: number | null
  via: 'staff_scan' | 'member_confirm'
  now: number
}

/**
 * Coupon templates and instances, as the domain sees them. Reads answer now; `…Write(s)` methods
 * plan writes for one commit with their audit row and events (see UnitOfWork).
 */
export interface CouponRepository {
  /** The ID a new template gets (the next free one; a concurrent taker fails the commit). */
  nextTemplateId(): Promise<number>
  /** Inserts the template as given (fails the commit on a taken ID). */
  createTemplateWrite(template: CouponTemplate): Write
  findTemplate(id: number): Promise<CouponTemplate | null>
  /**
   * Applies the patch; one that changes kind / value changes a row only while issued_count = 0.
   * A total limit below the issued count fails the commit on the CHECK.
   */
  updateTemplateWrite(id: number, patch: CouponTemplateUpdate, now: number): Write
  archiveTemplateWrite(id: number, now: number): Write
  listTemplates(now: number): Promise<CouponTemplateStats[]>
  /** Active templates with a points cost, valid now. */
  exchangeable(now: number): Promise<CouponTemplate[]>
  /**
   * Plans: issued_count + 1 (CHECK), the member's count + 1 (CHECK), the coupon row (UNIQUE key)
   * and its `coupon.issued` event, whatever the source.
   */
  issueWrites(plan: IssuePlan): Write[]
  /** The ID of the coupon with this dedupe key, inside the commit that issues it. */
  couponIdRef(dedupeKey: string): RowRef
  findByDedupeKey(key: string): Promise<StoredCoupon | null>
  find(id: number): Promise<StoredCoupon | null>
  /** The coupon with this (normalized) short code. */
  findByShortCode(code: string): Promise<StoredCoupon | null>
  /** Gives a coupon without one its short code (changes a row only while it has none). */
  assignShortCodeWrite(id: number, code: string): Write
  listForMember(memberId: number): Promise<CouponView[]>
  /** The one conditional statement: issued and unexpired → redeemed (changes a row or not). */
  redeemWrite(input: RedeemInput): Write
  /** issued → revoked (changes a row only when it was issued). */
  revokeWrite(id: number, now: number): Write
  memberIdByNumber(memberNumber: string): Promise<number | null>
  memberNumberOf(memberId: number): Promise<string | null>
  /** members.first_followed_at (the welcome coupon goes with the first follow only). */
  firstFollowedAt(memberId: number): Promise<number | null>
  /** Marks up to `limit` issued coupons past expiry as expired; returns how many. */
  expireDue(now: number, limit: number): Promise<number>
}

export interface CouponDeps {
  coupons: CouponRepository
  atomic: CommitAtomically
  ids: Ids
  timeZone: string
  now(): number
}

/** A coupon as the member sees it: an issued coupon past its expiry is expired, marked or not. */
export function effectiveState(coupon: CouponView, now: number): CouponView {
  return coupon.state === 'issued' && coupon.expiresAt <= now
    ? { ...coupon, state: 'expired' }
    : coupon
}

/** A new template as it is stored: values only where its kind and validity use them. */
export function newTemplate(id: number, input: CouponTemplateCreate, now: number): CouponTemplate {
  return {
    id,
    kind: input.kind,
    title: input.title,
    conditions: input.conditions,
    imageUrl: input.imageUrl,
    value: input.kind === 'yen_off' || input.kind === 'percent_off' ? input.value : null,
    validity: input.validity,
    validFrom: input.validity === 'window' ? input.validFrom : null,
    validUntil: input.validity === 'window' ? input.validUntil : null,
    validDays: input.validity === 'days' ? input.validDays : null,
    totalLimit: input.totalLimit,
    perMemberLimit: input.perMemberLimit,
    pointsCost: input.pointsCost,
    issuedCount: 0,
    status: 'active',
    createdAt: now,
    updatedAt: now,
  }
}

export function expiryFor(template: CouponTemplate, issuedAt: number): number {
  if (template.validity === 'window') return template.validUntil ?? issuedAt
  return issuedAt + (template.validDays ?? 30) * DAY_MS
}

/** Throws why a template cannot be issued now (archived, outside its window, out of stock). */
export function assertIssuable(template: CouponTemplate, now: number): void {
  if (template.status !== 'active') throw new CouponTemplateArchived()
  if (template.validity === 'window') {
    if (
      (template.validFrom !== null && now < template.validFrom) ||
      expiryFor(template, now) <= now
    )
      throw new CouponOutsideWindow()
  }
  if (template.totalLimit !== null && template.issuedCount >= template.totalLimit)
    throw new CouponTotalLimitReached()
}

export interface IssueInput {
  templateId: number
  memberId: number
  source: CouponSource
  sourceRef?: string | null
  /** Issued once per key, ever (a replay returns the coupon issued the first time). */
  dedupeKey?: string | null
  /** Statements committed in the same batch before the coupon (e.g. the points spent for it). */
  extra?: PlannedStatement[]
  /**
   * Statements committed after the coupon (its ID is `coupons.couponIdRef(dedupeKey)` there),
   * e.g. the staff audit row; the dedupe key is the one given or `issue:<uuid>`.
   */
  after?: (dedupeKey: string) => PlannedStatement[]
}

/**
 * Issues one coupon in one atomic batch. The limits are enforced by the CHECKs, so concurrent
 * issues never exceed them; a known dedupe key returns the coupon it issued before.
 */
export async function issueCoupon(deps: CouponDeps, input: IssueInput): Promise<StoredCoupon> {
  const now = deps.now()
  if (input.dedupeKey) {
    const existing = await deps.coupons.findByDedupeKey(input.dedupeKey)
    if (existing) return existing
  }
  const template = await deps.coupons.findTemplate(input.templateId)
  if (!template) throw new CouponTemplateNotFound()
  assertIssuable(template, now)
  const dedupeKey = input.dedupeKey ?? `issue:${deps.ids.uuid()}`
  for (let attempt = 1; ; attempt++) {
    const statements = deps.coupons.issueWrites({
      template,
      memberId: input.memberId,
      source: input.source,
      sourceRef: input.sourceRef ?? null,
      dedupeKey,
      shortCode: newCouponShortCode(),
      issuedAt: now,
      expiresAt: expiryFor(template, now),
    })
    try {
      await deps.atomic([
        ...(input.extra ?? []),
        ...statements,
        ...(input.after?.(dedupeKey) ?? []),
      ])
      break
    } catch (error) {
      const failure = constraintFailure(error)
      if (failure === 'coupon_templates_total_limit') throw new CouponTotalLimitReached()
      if (failure === 'coupon_member_counts_limit') throw new CouponMemberLimitReached()
      if (failure === 'unique:coupons.dedupe_key') {
        const existing = await deps.coupons.findByDedupeKey(dedupeKey)
        if (existing) return existing
      }
      // Another coupon has this short code: the whole batch rolled back; draw another.
      if (failure === 'unique:coupons.short_code' && attempt < SHORT_CODE_ATTEMPTS) continue
      throw error
    }
  }
  const issued = await deps.coupons.findByDedupeKey(dedupeKey)
  if (!issued) throw new Error(`coupon ${dedupeKey} was committed but cannot be read back`)
  return issued
}

/** Why a coupon that is not usable cannot be used: the error a redemption would give. */
export function couponRefusal(coupon: CouponView, now: number, timeZone: string): Error {
  switch (coupon.state) {
    case 'redeemed':
      return new CouponAlreadyRedeemed(coupon.redeemedAt ?? now, timeZone)
    case 'revoked':
      return new CouponRevoked()
    case 'expired':
    case 'issued':
      return new CouponExpired(coupon.expiresAt, timeZone)
  }
}

// ── Points exchange ──────────────────────────────────────────────────────────────────────────

/** The sibling points ledger, through the slice the exchange needs. */
export interface PointsSpender {
  balance(memberId: number, now: number): Promise<number>
  spendWrites(input: {
    memberId: number
    points: number
    kind: 'redeem'
    reason?: string | null
    couponId?: number | null
    dedupeKey?: string | null
    now: number
  }): Promise<PlannedStatement[]>
}

export async function exchangeCatalogue(
  deps: CouponDeps & { points: PointsSpender },
  memberId: number,
): Promise<ExchangeCatalogue> {
  const now = deps.now()
  const [templates, balance, held] = await Promise.all([
    deps.coupons.exchangeable(now),
    deps.points.balance(memberId, now),
    deps.coupons.listForMember(memberId),
  ])
  // Only what this member can still get: not sold out, and under the per-member limit (every
  // coupon of the template they were ever issued counts, used or not).
  const issuedTo = new Map<number, number>()
  for (const c of held) issuedTo.set(c.templateId, (issuedTo.get(c.templateId) ?? 0) + 1)
  const obtainable = templates.filter(
    (t) =>
      (t.totalLimit === null || t.issuedCount < t.totalLimit) &&
      (issuedTo.get(t.id) ?? 0) < t.perMemberLimit,
  )
  return {
    balance,
    items: obtainable.map((t) => ({
      templateId: t.id,
      kind: t.kind,
      title: t.title,
      conditions: t.conditions,
      imageUrl: t.imageUrl,
      value: t.value,
      pointsCost: t.pointsCost ?? 0,
    })),
  }
}

/**
 * Buys a coupon with points: the spend, the issue and their events (`points.spent` after the
 * coupon it paid for, `coupon.issued`) commit in ONE batch, or none. Not enough points throws
 * before anything is written; a limit CHECK rolls the spend back with the coupon.
 */
export async function exchangeForCoupon(
  deps: CouponDeps & {
    points: PointsSpender
    /** Plans the `points.spent` event of the exchange (the coupon's ID as a RowRef). */
    spentEvent(input: {
      memberId: number
      points: number
      couponId: RowRef
      dedupeKey: string
      now: number
    }): PlannedStatement
    logger?: Logger
  },
  input: { memberId: number; templateId: number; requestId: string },
): Promise<StoredCoupon> {
  const dedupeKey = `exchange:${input.memberId}:${input.requestId}`
  const existing = await deps.coupons.findByDedupeKey(dedupeKey)
  if (existing) return existing
  const template = await deps.coupons.findTemplate(input.templateId)
  if (!template) throw new CouponTemplateNotFound()
  if (template.pointsCost === null) throw new NotExchangeable()
  const cost = template.pointsCost
  assertIssuable(template, deps.now())
  for (let attempt = 1; ; attempt++) {
    const now = deps.now()
    const spend = await deps.points.spendWrites({
      memberId: input.memberId,
      points: cost,
      kind: 'redeem',
      reason: `coupon:${template.id}:${template.title}`,
      dedupeKey,
      now,
    })
    try {
      return await issueCoupon(deps, {
        templateId: template.id,
        memberId: input.memberId,
        source: 'points_exchange',
        sourceRef: `points:${cost}`,
        dedupeKey,
        extra: spend,
        after: (key) => [
          deps.spentEvent({
            memberId: input.memberId,
            points: cost,
            couponId: deps.coupons.couponIdRef(key),
            dedupeKey,
            now,
          }),
        ],
      })
    } catch (error) {
      const failure = constraintFailure(error)
      // The same request committed meanwhile (a double tap): that purchase is the answer.
      if (failure?.startsWith('unique:')) {
        const done = await deps.coupons.findByDedupeKey(dedupeKey)
        if (done) return done
      }
      // A concurrent spend consumed the planned lots: plan again over what is left.
      if (failure === null || !failure.startsWith('point_')) throw error
      if (attempt >= 3) throw new NotEnoughPoints()
    }
  }
}

/**
 * The expiry job: issued coupons past expiry become expired, in bounded batches. Idempotent (the
 * UPDATE re-checks the state); redemption refuses an expired coupon whether marked or not.
 */
export async function expireDueCoupons(
  coupons: CouponRepository,
  now: number,
  maxBatches = 20,
): Promise<number> {
  let total = 0
  for (let i = 0; i < maxBatches; i++) {
    const done = await coupons.expireDue(now, 90)
    total += done
    if (done < 90) break
  }
  return total
}
