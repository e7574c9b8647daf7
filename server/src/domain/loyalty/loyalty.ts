import type { EarningRule, TierStatus } from '@joren/shared'
import type { AuditLog } from '../audit/audit.ts'
import type { LineMessage } from '../messaging/messenger.ts'
import type { OutboxRepository } from '../messaging/outbox.ts'
import { paced, type Clock, type Ids, type Pace } from '../ports.ts'
import type { SettingsStore } from '../shop/settings.ts'
import { localDate, monthsBefore, pointsExpiryAt } from './dates.ts'
import { PointsAlreadyUsed, PurchaseNotFound } from './errors.ts'
import { SPEND_ATTEMPTS, commit, grantPoints, spendPoints } from './ledger.ts'
import {
  NotEnoughPoints,
  isUniqueFailure,
  withRetry,
  type AtomicOf,
  type PointsRepository,
} from './points.ts'
import { receiptMessage, tierUpMessage } from './messages.ts'
import { DEFAULT_TIERS, pointsForPurchase, readEarningRule, tierStatus } from './rules.ts'
import type { LoyaltyMember, LoyaltyStore, PurchaseRecord } from './store.ts'

/** What purchases, refunds, adjustments and tiers need; routes build it from `c.var.deps`. */
export interface LoyaltyDeps<S = unknown> {
  points: PointsRepository<S>
  loyalty: LoyaltyStore<S>
  settings: SettingsStore
  outbox: OutboxRepository
  audit: AuditLog
  atomic: AtomicOf<S>
  clock: Clock
  ids: Ids
  timeZone: string
  shopName(): Promise<string>
  /** Yields between members of a long pass (Node: the thread answers requests too). */
  pace?: Pace
}

/** The namespace of idempotency rows written by the register (API keys have IDs from 1). */
export const REGISTER_IDEMPOTENCY_NAMESPACE = 0

export async function loyaltyTiers<S>(deps: LoyaltyDeps<S>) {
  let tiers = await deps.loyalty.tiers()
  if (tiers.length === 0) {
    await deps.loyalty.seedTiers(DEFAULT_TIERS, deps.clock.now())
    tiers = await deps.loyalty.tiers()
  }
  return tiers
}

/** Recomputes a member's rolling 12-month spend and tier; says whether the tier went up. */
export async function recomputeTier<S>(
  deps: LoyaltyDeps<S>,
  memberId: number,
): Promise<{ status: TierStatus; tierUp: boolean }> {
  const now = deps.clock.now()
  const tiers = await loyaltyTiers(deps)
  const spend = await deps.loyalty.spendBetween(memberId, monthsBefore(now, 12, deps.timeZone), now)
  const status = tierStatus(tiers, spend)
  const before = await deps.loyalty.memberTier(memberId)
  const beforeTier = tiers.find((t) => t.id === before?.tierId)
  const tierUp =
    status.tier !== null &&
    status.tier.minSpendYen > 0 &&
    (beforeTier === undefined || status.tier.minSpendYen > beforeTier.minSpendYen)
  await deps.loyalty.saveMemberTier(memberId, status.tier?.id ?? null, spend, now)
  return { status, tierUp }
}

/** The member's tier as stored (recomputed when there is no row yet). */
export async function currentTier<S>(deps: LoyaltyDeps<S>, memberId: number): Promise<TierStatus> {
  const tiers = await loyaltyTiers(deps)
  const stored = await deps.loyalty.memberTier(memberId)
  if (!stored) return (await recomputeTier(deps, memberId)).status
  return tierStatus(tiers, stored.spend12mYen)
}

export interface PurchaseInput {
  member: LoyaltyMember
  amountYen: number
  categories: string[]
  store: string | null
  purchasedAt: number
  externalId: string | null
  source: 'register' | 'api' | 'csv'
  staffId: number | null
  apiKeyId: number | null
  /** Remembers the new purchase's ID under (apiKeyId, key); a second write fails on the key. */
  idempotency: { apiKeyId: number; key: string; requestHash: string }
}

export interface PurchaseOutcome {
  purchase: PurchaseRecord
  balance: number
  tier: TierStatus
}

/** Plans a purchase and its grant (points at the member's current tier) for one batch. */
export async function planPurchase<S>(
  deps: LoyaltyDeps<S>,
  input: Omit<PurchaseInput, 'idempotency'> & { idempotency: PurchaseInput['idempotency'] | null },
  rule: EarningRule,
  multiplierPercent: number,
): Promise<{ statements: S[]; points: number }> {
  const now = deps.clock.now()
  const points = pointsForPurchase(input.amountYen, input.categories, rule, multiplierPercent)
  const grant =
    points > 0
      ? {
          dedupeKey: `purchase:${deps.ids.uuid()}:grant`,
          expiresAt: pointsExpiryAt(now, rule.expiryMonths, deps.timeZone),
        }
      : null
  const statements = deps.loyalty.purchaseStatements(
    {
      memberId: input.member.id,
      amountYen: input.amountYen,
      categories: input.categories,
      store: input.store,
      purchasedAt: input.purchasedAt,
      externalId: input.externalId,
      source: input.source,
      staffId: input.staffId,
      apiKeyId: input.apiKeyId,
      pointsGranted: points,
      grant,
    },
    input.idempotency ? { ...input.idempotency, now } : null,
    now,
  )
  if (grant) {
    statements.push(
      ...(await deps.points.grantStatements({
        memberId: input.member.id,
        points,
        kind: 'grant',
        expiresAt: grant.expiresAt,
        purchaseId: 'latest',
        reason: null,
        dedupeKey: grant.dedupeKey,
        now,
      })),
    )
  }
  statements.push(
    ...deps.loyalty.summaryStatements(input.member.id, monthsBefore(now, 12, deps.timeZone), now),
  )
  return { statements, points }
}

/**
 * Records a purchase and grants its points in one atomic batch, then recomputes the tier and
 * pushes the receipt (and a congratulation on a tier-up) through the outbox. Throws the database's
 * UNIQUE error when the idempotency key or external ID was used already (the caller replays).
 */
export async function recordPurchase<S>(
  deps: LoyaltyDeps<S>,
  input: PurchaseInput,
): Promise<PurchaseOutcome> {
  const rule = await readEarningRule(deps.settings)
  const tier = await currentTier(deps, input.member.id)
  const { statements } = await planPurchase(deps, input, rule, tier.tier?.multiplierPercent ?? 100)
  await commit(deps.atomic, statements)
  const record = await deps.loyalty.idempotency(input.idempotency.apiKeyId, input.idempotency.key)
  if (record?.purchaseId == null) throw new Error('purchase committed without its idempotency row')
  return afterPurchase(deps, record.purchaseId)
}

/** What follows a committed purchase: tier, receipt, tier-up. Safe to repeat (dedupe keys). */
export async function afterPurchase<S>(
  deps: LoyaltyDeps<S>,
  purchaseId: number,
): Promise<PurchaseOutcome> {
  const purchase = await deps.loyalty.findPurchase(purchaseId)
  if (!purchase) throw new PurchaseNotFound()
  const member = await deps.loyalty.memberById(purchase.memberId)
  const { status, tierUp } = await recomputeTier(deps, purchase.memberId)
  const balance = await deps.points.balance(purchase.memberId, deps.clock.now())
  if (member && purchase.source !== 'csv') {
    const shopName = await deps.shopName()
    const messages: LineMessage[] = [
      receiptMessage(member.language, { shopName, purchase, balance, tier: status }),
    ]
    await enqueue(deps, member, `receipt:${purchase.id}`, messages)
    if (tierUp && status.tier) {
      await enqueue(
        deps,
        member,
        `tier-up:${member.id}:${status.tier.id}:${localDate(deps.clock.now(), deps.timeZone)}`,
        [tierUpMessage(member.language, status)],
      )
    }
  }
  return { purchase, balance, tier: status }
}

async function enqueue<S>(
  deps: LoyaltyDeps<S>,
  member: LoyaltyMember,
  dedupeKey: string,
  messages: LineMessage[],
): Promise<void> {
  await deps.outbox.enqueue({
    dedupeKey,
    lineUserId: member.lineUserId,
    replyToken: null,
    replyTokenExpiresAt: null,
    messages,
    retryKey: deps.ids.uuid(),
    now: deps.clock.now(),
  })
}

/**
 * Refunds a purchase: marks it refunded and reverses the whole grant in one batch, taking the
 * purchase's own lot first, then other lots oldest-expiring first. When the member has already
 * spent so much that the balance cannot cover the grant, the refund is refused (409) and nothing
 * changes: the shop decides (a manual adjustment) instead of the balance going wrong. A repeat
 * (retry, double tap) changes nothing and returns the refunded purchase.
 */
export async function refundPurchase<S>(
  deps: LoyaltyDeps<S>,
  staffId: number,
  purchaseId: number,
): Promise<PurchaseOutcome> {
  const purchase = await deps.loyalty.findPurchase(purchaseId)
  if (!purchase) throw new PurchaseNotFound()
  if (purchase.status === 'completed') {
    const grant =
      purchase.pointsGranted > 0 ? await deps.points.grantForPurchase(purchase.id) : null
    try {
      await withRetry(SPEND_ATTEMPTS, async () => {
        const now = deps.clock.now()
        const statements: S[] = [deps.loyalty.refundStatement(purchase.id, staffId, now)]
        if (grant) {
          statements.push(
            ...(await deps.points.spendStatements({
              memberId: purchase.memberId,
              points: grant.points,
              kind: 'reverse',
              reason: '返品',
              purchaseId: purchase.id,
              staffId,
              preferLedgerId: grant.id,
              dedupeKey: `purchase:${purchase.id}:reverse`,
              now,
            })),
          )
        }
        statements.push(
          ...deps.loyalty.summaryStatements(
            purchase.memberId,
            monthsBefore(now, 12, deps.timeZone),
            now,
          ),
        )
        await commit(deps.atomic, statements)
      })
      await deps.audit.record(
        {
          staffId,
          action: 'purchase.refund',
          targetType: 'purchase',
          targetId: String(purchase.id),
          before: { status: 'completed', pointsGranted: purchase.pointsGranted },
          after: { status: 'refunded', pointsReversed: grant?.points ?? 0 },
        },
        deps.clock.now(),
      )
    } catch (error) {
      if (error instanceof NotEnoughPoints && grant) {
        const available = await deps.points.balance(purchase.memberId, deps.clock.now())
        throw new PointsAlreadyUsed(grant.points, available)
      }
      // A concurrent refund wrote the reverse first: the purchase is refunded once.
      if (!isUniqueFailure(error)) throw error
    }
  }
  const refunded = await deps.loyalty.findPurchase(purchase.id)
  if (!refunded) throw new PurchaseNotFound()
  const { status } = await recomputeTier(deps, purchase.memberId)
  const balance = await deps.points.balance(purchase.memberId, deps.clock.now())
  return { purchase: refunded, balance, tier: status }
}

/**
 * A staff adjustment with a reason: a positive one is a new lot (usual expiry), a negative one
 * consumes lots oldest-expiring first and is refused with 409 when it would overdraw.
 */
export async function adjustPoints<S>(
  deps: LoyaltyDeps<S>,
  staffId: number,
  member: LoyaltyMember,
  points: number,
  reason: string,
): Promise<{ balance: number }> {
  const before = await deps.points.balance(member.id, deps.clock.now())
  if (points > 0) {
    const rule = await readEarningRule(deps.settings)
    const now = deps.clock.now()
    await grantPoints(
      { points: deps.points, atomic: deps.atomic, now: () => deps.clock.now() },
      {
        memberId: member.id,
        points,
        kind: 'adjust',
        expiresAt: pointsExpiryAt(now, rule.expiryMonths, deps.timeZone),
        reason,
        staffId,
        dedupeKey: `adjust:${deps.ids.uuid()}`,
      },
    )
  } else {
    await spendPoints(
      { points: deps.points, atomic: deps.atomic, now: () => deps.clock.now() },
      { memberId: member.id, points: -points, kind: 'adjust', reason, staffId },
    )
  }
  const balance = await deps.points.balance(member.id, deps.clock.now())
  await deps.audit.record(
    {
      staffId,
      action: 'points.adjust',
      targetType: 'member',
      targetId: member.memberNumber,
      before: { balance: before },
      after: { balance, points, reason },
    },
    deps.clock.now(),
  )
  return { balance }
}

/**
 * The daily pass: recompute every member with a rolling spend (spend ages out of the window), as
 * of one moment, the tiers read once; a member whose tier and spend did not change is not written.
 * Yields (`deps.pace`) between members.
 */
export async function recomputeAllTiers<S>(deps: LoyaltyDeps<S>, batch = 200): Promise<number> {
  const now = deps.clock.now()
  const tiers = await loyaltyTiers(deps)
  const windowStart = monthsBefore(now, 12, deps.timeZone)
  let after = 0
  let count = 0
  for (;;) {
    const ids = await deps.loyalty.membersWithSpend(after, batch)
    if (ids.length === 0) return count
    for (const id of ids) {
      await paced(deps.pace)
      const spend = await deps.loyalty.spendBetween(id, windowStart, now)
      const tierId = tierStatus(tiers, spend).tier?.id ?? null
      const before = await deps.loyalty.memberTier(id)
      if (before?.tierId !== tierId || before.spend12mYen !== spend)
        await deps.loyalty.saveMemberTier(id, tierId, spend, now)
    }
    count += ids.length
    after = ids[ids.length - 1] ?? after
  }
}
