import { DomainError } from '../errors.ts'
import { isCheckFailure } from '../store-failures.ts'
import type { RowRef, Write } from '../unit-of-work.ts'

/** Kinds of ledger entries; grants are positive, redeem / expire / reverse negative, adjust either. */
export type LedgerKind = 'grant' | 'redeem' | 'expire' | 'adjust' | 'reverse'

export interface SpendInput {
  memberId: number
  /** Points to take, > 0. */
  points: number
  kind: 'redeem' | 'adjust' | 'reverse'
  reason?: string | null
  couponId?: number | null
  purchaseId?: number | null
  staffId?: number | null
  /** Makes the spend idempotent: a second batch with the same key fails on the UNIQUE index. */
  dedupeKey?: string | null
  /** Lot consumed before the FIFO order (a refund takes back its own grant first). */
  preferLedgerId?: number | null
  now: number
}

export interface GrantInput {
  memberId: number
  points: number
  kind: 'grant' | 'adjust'
  expiresAt: number
  reason?: string | null
  /** 'latest': the purchase inserted just before in the same batch. */
  purchaseId?: number | 'latest' | null
  staffId?: number | null
  /** Required: the lot row is inserted by selecting the ledger row with this key. */
  dedupeKey: string
  now: number
}

export interface LedgerEntry {
  id: number
  kind: LedgerKind
  points: number
  expiresAt: number | null
  purchaseId: number | null
  couponId: number | null
  reason: string | null
  staffId: number | null
  createdAt: number
}

export interface ExpiringLot {
  ledgerId: number
  memberId: number
  remaining: number
  expiresAt: number
}

/**
 * The points ledger as the domain sees it. `…Writes` methods only plan: they read what they need
 * and return writes for one commit (UnitOfWork), so a caller commits a spend together with its
 * own rows (a coupon issued for points, the audit row of an adjustment, the events). The CHECKs on
 * `point_lots.remaining` and `point_balances.balance` fail the whole commit when a concurrent
 * writer got there first; the caller re-plans (see `withRetry`).
 */
export interface PointsRepository {
  /** Spendable points now: the unexpired remainder of the member's lots. */
  balance(memberId: number, now: number): Promise<number>
  /** The same figure computed inside a commit, after its writes (e.g. an audit row's balance). */
  balanceRef(memberId: number, now: number): RowRef
  /** The stored balance (equals the ledger sum; may include lots expired but not yet written off). */
  storedBalance(memberId: number): Promise<number>
  /** Sum of the ledger for a member. */
  ledgerSum(memberId: number): Promise<number>
  /** Plans a spend over the member's unexpired lots, oldest-expiring first; throws NotEnoughPoints. */
  spendWrites(input: SpendInput): Promise<Write[]>
  /** Plans a grant: ledger row, its lot, the balance increment. */
  grantWrites(input: GrantInput): Write[]
  /** Plans the expiry of one lot's remainder (idempotent per lot through the dedupe key). */
  expireWrites(lot: ExpiringLot, now: number): Write[]
  /** Lots past expiry with points left, oldest first. */
  dueLots(now: number, limit: number): Promise<ExpiringLot[]>
  /** Unexpired lots with points left, oldest-expiring first. */
  liveLots(memberId: number, now: number): Promise<ExpiringLot[]>
  history(memberId: number, limit: number): Promise<LedgerEntry[]>
  hasDedupeKey(dedupeKey: string): Promise<boolean>
  /** The grant ledger row of a purchase, if any. */
  grantForPurchase(purchaseId: number): Promise<LedgerEntry | null>
}

export class NotEnoughPoints extends DomainError {
  constructor(available?: number) {
    super(
      409,
      'not_enough_points',
      available === undefined
        ? 'ポイントが足りません。'
        : `ポイントが足りません（利用できるポイント: ${available}pt）。`,
      undefined,
      available === undefined ? undefined : { available },
    )
  }
}

export { isCheckFailure, isUniqueFailure } from '../store-failures.ts'

/**
 * Plans and commits, re-planning when a concurrent writer made the batch fail on a CHECK. After
 * `attempts` races the last error goes out as NotEnoughPoints (the lots really are gone).
 */
export async function withRetry<T>(attempts: number, run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run()
    } catch (error) {
      if (!isCheckFailure(error)) throw error
      if (attempt >= attempts) throw new NotEnoughPoints()
    }
  }
}
