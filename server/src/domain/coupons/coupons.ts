import type {
  CouponSource,
  CouponTemplate,
  CouponTemplateCreate,
  CouponTemplateStats,
  CouponTemplateUpdate,
  CouponView,
  ExchangeCatalogue,
} from '@joren/shared'
import type { AuditLog } from '../audit/audit.ts'
import { NotEnoughPoints } from '../loyalty/points.ts'
import type { Ids, Logger } from '../ports.ts'
import {
  constraintFailure,
  CouponAlreadyRedeemed,
  CouponExpired,
  CouponLimitBelowIssued,
  CouponMemberLimitReached,
  CouponNotFound,
  CouponNotRevocable,
  CouponOutsideWindow,
  CouponRevoked,
  CouponTemplateArchived,
  CouponTemplateLocked,
  CouponTemplateNotFound,
  CouponTotalLimitReached,
  NotExchangeable,
} from './errors.ts'

/** A statement a repository planned for one atomic batch (opaque to the domain). */
export type PlannedStatement = object

/** Commits planned statements together, or none (a failing CHECK / UNIQUE rolls back the rest). */
export type CommitAtomically = (statements: PlannedStatement[]) => Promise<void>

export const DAY_MS = 24 * 60 * 60 * 1000

/** A coupon with the member it belongs to (never sent to another member). */
export type StoredCoupon = CouponView & { memberId: number }

export interface IssuePlan {
  template: CouponTemplate
  memberId: number
  source: CouponSource
  sourceRef: string | null
  dedupeKey: string
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

/** Coupon templates and instances, as the domain sees them. */
export interface CouponRepository {
  createTemplate(input: CouponTemplateCreate, now: number): Promise<CouponTemplate>
  findTemplate(id: number): Promise<CouponTemplate | null>
  /** Applies the patch; kind / value only while issued_count = 0 (one conditional statement). */
  updateTemplate(
    id: number,
    patch: CouponTemplateUpdate,
    now: number,
  ): Promise<CouponTemplate | null>
  archiveTemplate(id: number, now: number): Promise<CouponTemplate | null>
  listTemplates(now: number): Promise<CouponTemplateStats[]>
  /** Active templates with a points cost, valid now. */
  exchangeable(now: number): Promise<CouponTemplate[]>
  /** Plans: issued_count + 1 (CHECK), the member's count + 1 (CHECK), the coupon row (UNIQUE key). */
  issueStatements(plan: IssuePlan): PlannedStatement[]
  findByDedupeKey(key: string): Promise<StoredCoupon | null>
  find(id: number): Promise<StoredCoupon | null>
  listForMember(memberId: number): Promise<CouponView[]>
  /** The one conditional statement: issued and unexpired → redeemed; null when it was not. */
  redeem(input: RedeemInput): Promise<StoredCoupon | null>
  /** issued → revoked; null when it was not issued. */
  revoke(id: number, now: number): Promise<StoredCoupon | null>
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
  /** Statements committed in the same batch (e.g. the points spent for it). */
  extra?: PlannedStatement[]
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
  const statements = deps.coupons.issueStatements({
    template,
    memberId: input.memberId,
    source: input.source,
    sourceRef: input.sourceRef ?? null,
    dedupeKey,
    issuedAt: now,
    expiresAt: expiryFor(template, now),
  })
  try {
    await deps.atomic([...(input.extra ?? []), ...statements])
  } catch (error) {
    const failure = constraintFailure(error)
    if (failure === 'coupon_templates_total_limit') throw new CouponTotalLimitReached()
    if (failure === 'coupon_member_counts_limit') throw new CouponMemberLimitReached()
    if (failure === 'unique:coupons.dedupe_key') {
      const existing = await deps.coupons.findByDedupeKey(dedupeKey)
      if (existing) return existing
    }
    throw error
  }
  const issued = await deps.coupons.findByDedupeKey(dedupeKey)
  if (!issued) throw new Error(`coupon ${dedupeKey} was committed but cannot be read back`)
  return issued
}

/**
 * Redeems exactly once: one conditional UPDATE decides; everyone else learns why it was refused
 * (used already and when, expired, revoked).
 */
export async function redeemCoupon(deps: CouponDeps, input: RedeemInput): Promise<StoredCoupon> {
  const redeemed = await deps.coupons.redeem(input)
  if (redeemed) return redeemed
  const coupon = await deps.coupons.find(input.couponId)
  if (!coupon || (input.memberId !== null && coupon.memberId !== input.memberId))
    throw new CouponNotFound()
  throw couponRefusal(coupon, input.now, deps.timeZone)
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

export async function revokeCoupon(
  deps: CouponDeps & { audit: AuditLog },
  staffId: number,
  couponId: number,
): Promise<StoredCoupon> {
  const now = deps.now()
  const revoked = await deps.coupons.revoke(couponId, now)
  if (!revoked) {
    const coupon = await deps.coupons.find(couponId)
    if (!coupon) throw new CouponNotFound()
    throw new CouponNotRevocable()
  }
  await deps.audit.record(
    {
      staffId,
      action: 'coupon.revoke',
      targetType: 'coupon',
      targetId: String(couponId),
      before: { state: 'issued' },
      after: { state: 'revoked' },
    },
    now,
  )
  return revoked
}

export async function updateTemplate(
  deps: CouponDeps,
  id: number,
  patch: CouponTemplateUpdate,
): Promise<CouponTemplate> {
  const before = await deps.coupons.findTemplate(id)
  if (!before) throw new CouponTemplateNotFound()
  // Kind and value sent unchanged are no change (the form sends them while nothing is issued).
  const { kind, value, ...rest } = patch
  const next: CouponTemplateUpdate = {
    ...rest,
    ...(kind !== undefined && kind !== before.kind ? { kind } : {}),
    ...(value !== undefined && value !== before.value ? { value } : {}),
  }
  const changesKind = next.kind !== undefined || next.value !== undefined
  let updated: CouponTemplate | null
  try {
    updated = await deps.coupons.updateTemplate(id, next, deps.now())
  } catch (error) {
    if (constraintFailure(error) === 'coupon_templates_total_limit')
      throw new CouponLimitBelowIssued(before.issuedCount)
    throw error
  }
  if (!updated) {
    if (changesKind) throw new CouponTemplateLocked()
    throw new CouponTemplateNotFound()
  }
  return updated
}

// ── Points exchange ──────────────────────────────────────────────────────────────────────────

/** The sibling points ledger, through the slice the exchange needs. */
export interface PointsSpender {
  balance(memberId: number, now: number): Promise<number>
  spendStatements(input: {
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
  const [templates, balance] = await Promise.all([
    deps.coupons.exchangeable(now),
    deps.points.balance(memberId, now),
  ])
  return {
    balance,
    items: templates.map((t) => ({
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
 * Buys a coupon with points: the spend and the issue commit in ONE batch, or neither. Not enough
 * points throws before anything is written; a limit CHECK rolls the spend back with the coupon.
 */
export async function exchangeForCoupon(
  deps: CouponDeps & { points: PointsSpender; logger?: Logger },
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
    const spend = await deps.points.spendStatements({
      memberId: input.memberId,
      points: cost,
      kind: 'redeem',
      reason: `coupon:${template.id}:${template.title}`,
      dedupeKey,
      now: deps.now(),
    })
    try {
      return await issueCoupon(deps, {
        templateId: template.id,
        memberId: input.memberId,
        source: 'points_exchange',
        sourceRef: `points:${cost}`,
        dedupeKey,
        extra: spend,
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
