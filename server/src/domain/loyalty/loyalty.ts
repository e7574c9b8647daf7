import type { EarningRule, PurchaseResult, Tier, TierStatus } from '@joren/shared'
import type { StaffActor } from '../audit/audit.ts'
import type { LineMessage } from '../messaging/messenger.ts'
import type { OutboxRepository } from '../messaging/outbox.ts'
import { paced, type Clock, type Ids, type Pace } from '../ports.ts'
import type { SettingsStore } from '../shop/settings.ts'
import type { RowRef, UnitOfWork, Write } from '../unit-of-work.ts'
import { localDate, monthsBefore, pointsExpiryAt } from './dates.ts'
import { PointsAlreadyUsed, PurchaseNotFound } from './errors.ts'
import { SPEND_ATTEMPTS, grantPoints, pointsGrantedEvent, spendPoints } from './ledger.ts'
import { NotEnoughPoints, isUniqueFailure, withRetry, type PointsRepository } from './points.ts'
import { receiptMessage, tierUpMessage } from './messages.ts'
import { DEFAULT_TEXT_SOURCE, type ShopTextSource } from '../texts/texts.ts'
import { readMessagingSettings } from '../shop/messaging.ts'
import { DEFAULT_TIERS, pointsForPurchase, readEarningRule, tierStatus } from './rules.ts'
import type { LoyaltyMember, LoyaltyStore, PurchaseRecord } from './store.ts'
import { loyaltyMode } from '../shop/loyalty-mode.ts'

/** What purchases, refunds, adjustments and tiers need (built by the composition root). */
export interface LoyaltyDeps {
  points: PointsRepository
  loyalty: LoyaltyStore
  settings: SettingsStore
  outbox: OutboxRepository
  /** Commits each change with its audit row and domain events. */
  uow: UnitOfWork
  clock: Clock
  ids: Ids
  timeZone: string
  shopName(): Promise<string>
  /** The shop's texts (receipt heading, tier-up line); the defaults when absent. */
  texts?: ShopTextSource
  /** Yields between members of a long pass (Node: the thread answers requests too). */
  pace?: Pace
}

/** The namespace of idempotency rows written by the register (API keys have IDs from 1). */
export const REGISTER_IDEMPOTENCY_NAMESPACE = 0

export async function loyaltyTiers(deps: Pick<LoyaltyDeps, 'loyalty' | 'clock'>) {
  let tiers = await deps.loyalty.tiers()
  if (tiers.length === 0) {
    await deps.loyalty.seedTiers(DEFAULT_TIERS, deps.clock.now())
    tiers = await deps.loyalty.tiers()
  }
  return tiers
}

/** A committed tier change (recorded as `tier.changed` in the same commit). */
export interface TierChange {
  fromTierId: number | null
  toTierId: number | null
  direction: 'up' | 'down'
}

/** How many times a recompute re-reads when a concurrent one changed the member's tier first. */
const TIER_ATTEMPTS = 3

function direction(tiers: readonly Tier[], from: number | null, to: number | null): 'up' | 'down' {
  if (to === null) return 'down'
  const threshold = (id: number | null) => tiers.find((t) => t.id === id)?.minSpendYen ?? -1
  return threshold(to) > threshold(from) ? 'up' : 'down'
}

/**
 * Recomputes a member's rolling 12-month spend and tier. A tier that actually changes commits
 * with its `tier.changed` event (direction up / down): the change is conditional on the tier as
 * read, so of concurrent recomputes (two purchases at once, a replay) exactly one records it.
 * A member without a stored row counts as being in the tier for no spend.
 */
export async function recomputeTier(
  deps: Pick<LoyaltyDeps, 'loyalty' | 'uow' | 'clock' | 'timeZone'>,
  memberId: number,
): Promise<{ status: TierStatus; change: TierChange | null }> {
  for (let attempt = 1; ; attempt++) {
    const now = deps.clock.now()
    const tiers = await loyaltyTiers(deps)
    const spend = await deps.loyalty.spendBetween(
      memberId,
      monthsBefore(now, 12, deps.timeZone),
      now,
    )
    const status = tierStatus(tiers, spend)
    const stored = await deps.loyalty.memberTier(memberId)
    const from = stored ? stored.tierId : (tierStatus(tiers, 0).tier?.id ?? null)
    const to = status.tier?.id ?? null
    if (from === to) {
      await deps.uow.commit([deps.loyalty.memberSpendWrite(memberId, to, spend, now)])
      return { status, change: null }
    }
    const change: TierChange = {
      fromTierId: from,
      toTierId: to,
      direction: direction(tiers, from, to),
    }
    await deps.uow.commit([
      deps.loyalty.memberTierChangeWrite(
        memberId,
        stored ? { tierId: stored.tierId } : null,
        to,
        spend,
        now,
      ),
      deps.uow.event(
        {
          type: 'tier.changed',
          memberId,
          data: { ...change, spend12mYen: spend },
          occurredAt: now,
        },
        { onlyIfChanged: true },
      ),
    ])
    const after = await deps.loyalty.memberTier(memberId)
    // Ours, or a concurrent recompute's with the same outcome (which recorded the event).
    if (after?.tierId === to) return { status, change }
    if (attempt >= TIER_ATTEMPTS) return { status, change: null }
  }
}

/** The member's tier as stored (recomputed when there is no row yet). */
export async function currentTier(
  deps: Pick<LoyaltyDeps, 'loyalty' | 'uow' | 'clock' | 'timeZone'>,
  memberId: number,
): Promise<TierStatus> {
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
  /** false: record the purchase without points (a CSV import chosen so). Default: grant. */
  grantPoints?: boolean
}

export interface PurchaseOutcome {
  purchase: PurchaseRecord
  balance: number
  tier: TierStatus
}

/** The API's answer to a purchase (no internal member ID). */
export function purchaseResult(outcome: PurchaseOutcome): PurchaseResult {
  const { memberId: _memberId, ...purchase } = outcome.purchase
  return { purchase, balance: outcome.balance, tier: outcome.tier }
}

/**
 * Plans a purchase, its grant (points at the member's current tier) and their events
 * (`purchase.recorded`, `points.granted`) for one commit.
 */
export async function planPurchase(
  deps: LoyaltyDeps,
  input: Omit<PurchaseInput, 'idempotency'> & { idempotency: PurchaseInput['idempotency'] | null },
  rule: EarningRule,
  multiplierPercent: number,
): Promise<{ writes: Write[]; points: number }> {
  const now = deps.clock.now()
  // Points expire counting from the purchase (a past-dated CSV row or POS catch-up), not from
  // the day it was recorded; a purchase so old its points would already have expired grants none.
  const expiresAt = pointsExpiryAt(
    Math.min(input.purchasedAt, now),
    rule.expiryMonths,
    deps.timeZone,
  )
  // A shop on stamps only grants no points (the stamp card subscriber stamps the purchase); an
  // import may be told to grant none.
  const points =
    input.grantPoints === false ||
    expiresAt <= now ||
    (await loyaltyMode(deps.settings)) === 'stamps'
      ? 0
      : pointsForPurchase(input.amountYen, input.categories, rule, multiplierPercent)
  const grant = points > 0 ? { dedupeKey: `purchase:${deps.ids.uuid()}:grant`, expiresAt } : null
  const writes = deps.loyalty.purchaseWrites(
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
  // The purchase is written once (its idempotency key and external ID are UNIQUE); so is this.
  const dedupeKey = input.idempotency
    ? `purchase.recorded:${input.idempotency.apiKeyId}:${input.idempotency.key}`
    : input.externalId
      ? `purchase.recorded:external:${input.externalId}`
      : undefined
  writes.push(
    deps.uow.event({
      type: 'purchase.recorded',
      memberId: input.member.id,
      data: {
        purchaseId: deps.loyalty.newPurchaseId(),
        amountYen: input.amountYen,
        source: input.source,
        purchasedAt: input.purchasedAt,
        pointsGranted: points,
      },
      occurredAt: input.purchasedAt,
      ...(dedupeKey ? { dedupeKey } : {}),
    }),
  )
  if (grant) {
    writes.push(
      ...deps.points.grantWrites({
        memberId: input.member.id,
        points,
        kind: 'grant',
        expiresAt: grant.expiresAt,
        purchaseId: 'latest',
        reason: null,
        dedupeKey: grant.dedupeKey,
        now,
      }),
      deps.uow.event(
        pointsGrantedEvent({
          memberId: input.member.id,
          points,
          kind: 'grant',
          purchaseId: deps.loyalty.newPurchaseId(),
          expiresAt: grant.expiresAt,
          dedupeKey: grant.dedupeKey,
          now,
        }),
      ),
    )
  }
  writes.push(
    ...deps.loyalty.summaryWrites(input.member.id, monthsBefore(now, 12, deps.timeZone), now),
  )
  return { writes, points }
}

/**
 * Records a purchase and grants its points in one commit (with `extra` writes, e.g. the register's
 * audit row, given the points and the new purchase's ID), then recomputes the tier and pushes the
 * receipt (and a congratulation on a tier-up) through the outbox. Throws the database's UNIQUE
 * error when the idempotency key or external ID was used already (the caller replays).
 */
export async function recordPurchase(
  deps: LoyaltyDeps,
  input: PurchaseInput,
  extra: (planned: { points: number; purchaseId: RowRef }) => Write[] = () => [],
): Promise<PurchaseOutcome> {
  const rule = await readEarningRule(deps.settings)
  const tier = await currentTier(deps, input.member.id)
  const plan = await planPurchase(deps, input, rule, tier.tier?.multiplierPercent ?? 100)
  await deps.uow.commit([
    ...plan.writes,
    ...extra({ points: plan.points, purchaseId: deps.loyalty.newPurchaseId() }),
  ])
  const record = await deps.loyalty.idempotency(input.idempotency.apiKeyId, input.idempotency.key)
  if (record?.purchaseId == null) throw new Error('purchase committed without its idempotency row')
  return afterPurchase(deps, record.purchaseId)
}

/**
 * What follows a committed purchase: tier (its change committed with `tier.changed`), then at most
 * one push as the shop's switches say: the receipt (with the tier-up in it), or the tier-up alone. Safe to repeat: a replay finds the tier already stored (no second event) and the
 * pushes' dedupe keys enqueue each message once.
 */
export async function afterPurchase(
  deps: LoyaltyDeps,
  purchaseId: number,
): Promise<PurchaseOutcome> {
  const purchase = await deps.loyalty.findPurchase(purchaseId)
  if (!purchase) throw new PurchaseNotFound()
  const member = await deps.loyalty.memberById(purchase.memberId)
  const { status, change } = await recomputeTier(deps, purchase.memberId)
  const balance = await deps.points.balance(purchase.memberId, deps.clock.now())
  if (member && purchase.source !== 'csv') {
    // The shop's switches (settings → 自動メッセージ): each push counts against the LINE plan's
    // monthly messages, so a purchase sends at most ONE message, the tier-up folded into it.
    const switches = await readMessagingSettings(deps.settings)
    const tieredUp =
      switches.tierUp &&
      change?.direction === 'up' &&
      status.tier !== null &&
      status.tier.minSpendYen > 0
    const texts = deps.texts ?? DEFAULT_TEXT_SOURCE
    const receipt =
      switches.receipt === 'on' ||
      (switches.receipt === 'changed' && (purchase.pointsGranted > 0 || change !== null))
    if (receipt) {
      const shopName = await deps.shopName()
      await enqueue(deps, member, `receipt:${purchase.id}`, [
        await receiptMessage(texts, member.language, {
          shopName,
          purchase,
          balance,
          tier: status,
          tieredUp,
          displayName: member.displayName,
        }),
      ])
    } else if (tieredUp) {
      await enqueue(
        deps,
        member,
        `tier-up:${member.id}:${status.tier?.id ?? 0}:${localDate(deps.clock.now(), deps.timeZone)}`,
        [await tierUpMessage(texts, member.language, status, member.displayName)],
      )
    }
  }
  return { purchase, balance, tier: status }
}

async function enqueue(
  deps: LoyaltyDeps,
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
 * Refunds a purchase: marks it refunded and reverses the whole grant in one commit with its
 * audit row and `purchase.refunded`, taking the purchase's own lot first, then other lots
 * oldest-expiring first. When the member has already spent so much that the balance cannot cover
 * the grant, the refund is refused (409) and nothing changes: the shop decides (a manual
 * adjustment) instead of the balance going wrong. A repeat (retry, double tap) changes nothing,
 * records nothing and returns the refunded purchase.
 */
export async function refundPurchase(
  deps: LoyaltyDeps,
  actor: StaffActor,
  purchaseId: number,
): Promise<PurchaseOutcome> {
  const purchase = await deps.loyalty.findPurchase(purchaseId)
  if (!purchase) throw new PurchaseNotFound()
  if (purchase.status === 'completed') {
    const grant =
      purchase.pointsGranted > 0 ? await deps.points.grantForPurchase(purchase.id) : null
    const reversed = grant?.points ?? 0
    try {
      await withRetry(SPEND_ATTEMPTS, async () => {
        const now = deps.clock.now()
        const writes: Write[] = [
          deps.loyalty.refundWrite(purchase.id, actor.id, now),
          // Only when this commit marked it refunded (a concurrent refund records nothing).
          deps.uow.event(
            {
              type: 'purchase.refunded',
              memberId: purchase.memberId,
              data: {
                purchaseId: purchase.id,
                amountYen: purchase.amountYen,
                pointsReversed: reversed,
              },
              occurredAt: now,
              dedupeKey: `purchase.refunded:${purchase.id}`,
            },
            { onlyIfChanged: true },
          ),
          deps.uow.audit(
            {
              staffId: actor.id,
              action: 'purchase.refund',
              targetType: 'purchase',
              targetId: String(purchase.id),
              before: { status: 'completed', pointsGranted: purchase.pointsGranted },
              after: { status: 'refunded', pointsReversed: reversed },
            },
            { onlyIfChanged: true },
          ),
        ]
        if (grant) {
          writes.push(
            ...(await deps.points.spendWrites({
              memberId: purchase.memberId,
              points: grant.points,
              kind: 'reverse',
              reason: '返品',
              purchaseId: purchase.id,
              staffId: actor.id,
              preferLedgerId: grant.id,
              dedupeKey: `purchase:${purchase.id}:reverse`,
              now,
            })),
          )
        }
        writes.push(
          ...deps.loyalty.summaryWrites(
            purchase.memberId,
            monthsBefore(now, 12, deps.timeZone),
            now,
          ),
        )
        await deps.uow.commit(writes)
      })
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
 * A staff adjustment with a reason, committed with its audit row and event: a positive one is a
 * new lot (usual expiry, `points.granted`), a negative one consumes lots oldest-expiring first
 * (`points.spent`) and is refused with 409 when it would overdraw.
 */
export async function adjustPoints(
  deps: LoyaltyDeps,
  actor: StaffActor,
  member: LoyaltyMember,
  points: number,
  reason: string,
): Promise<{ balance: number }> {
  const before = await deps.points.balance(member.id, deps.clock.now())
  const ledger = { points: deps.points, uow: deps.uow, now: () => deps.clock.now() }
  const audit = (): Write =>
    deps.uow.audit({
      staffId: actor.id,
      action: 'points.adjust',
      targetType: 'member',
      targetId: member.memberNumber,
      before: { balance: before },
      // The spendable balance as this commit leaves it.
      after: { balance: deps.points.balanceRef(member.id, deps.clock.now()), points, reason },
    })
  if (points > 0) {
    const rule = await readEarningRule(deps.settings)
    const now = deps.clock.now()
    await grantPoints(
      ledger,
      {
        memberId: member.id,
        points,
        kind: 'adjust',
        expiresAt: pointsExpiryAt(now, rule.expiryMonths, deps.timeZone),
        reason,
        staffId: actor.id,
        dedupeKey: `adjust:${deps.ids.uuid()}`,
      },
      [audit()],
    )
  } else {
    await spendPoints(
      ledger,
      { memberId: member.id, points: -points, kind: 'adjust', reason, staffId: actor.id },
      () => [audit()],
    )
  }
  return { balance: await deps.points.balance(member.id, deps.clock.now()) }
}

/**
 * The daily pass: recompute every member with a rolling spend (spend ages out of the window), as
 * of one moment, the tiers read once; a member whose tier and spend did not change is not written
 * (one whose tier moves goes through recomputeTier, which commits it with its `tier.changed`).
 * Yields (`deps.pace`) between members.
 */
export async function recomputeAllTiers(deps: LoyaltyDeps, batch = 200): Promise<number> {
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
      if (before?.tierId !== tierId || before.spend12mYen !== spend) await recomputeTier(deps, id)
    }
    count += ids.length
    after = ids[ids.length - 1] ?? after
  }
}
