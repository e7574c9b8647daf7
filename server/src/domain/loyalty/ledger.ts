import type { NewDomainEvent } from '../events/events.ts'
import type { RowRef, UnitOfWork, Write } from '../unit-of-work.ts'
import { paced, type Pace } from '../ports.ts'
import {
  NotEnoughPoints,
  isCheckFailure,
  isUniqueFailure,
  withRetry,
  type PointsRepository,
  type SpendInput,
} from './points.ts'

export interface LedgerDeps {
  points: PointsRepository
  uow: UnitOfWork
  now(): number
  /** Yields between lots of a long pass (Node: the thread answers requests too). */
  pace?: Pace
}

/** How often a spend is re-planned when a concurrent writer beat it to the same lots. */
export const SPEND_ATTEMPTS = 5

/** `points.granted`: a purchase's grant or a staff adjustment above zero. */
export function pointsGrantedEvent(input: {
  memberId: number
  points: number
  kind: 'grant' | 'adjust'
  purchaseId: number | RowRef | null
  expiresAt: number
  /** The grant's ledger dedupe key: the event is recorded once with it. */
  dedupeKey: string
  now: number
}): NewDomainEvent<'points.granted'> {
  return {
    type: 'points.granted',
    memberId: input.memberId,
    data: {
      points: input.points,
      kind: input.kind,
      purchaseId: input.purchaseId,
      expiresAt: input.expiresAt,
    },
    occurredAt: input.now,
    dedupeKey: `points.granted:${input.dedupeKey}`,
  }
}

/** `points.spent`: a coupon exchange ('redeem') or a staff adjustment below zero ('adjust'). */
export function pointsSpentEvent(input: {
  memberId: number
  points: number
  kind: 'redeem' | 'adjust'
  couponId: number | RowRef | null
  dedupeKey?: string | null
  now: number
}): NewDomainEvent<'points.spent'> {
  return {
    type: 'points.spent',
    memberId: input.memberId,
    data: { points: input.points, kind: input.kind, couponId: input.couponId },
    occurredAt: input.now,
    ...(input.dedupeKey ? { dedupeKey: `points.spent:${input.dedupeKey}` } : {}),
  }
}

/**
 * Spends points FIFO by expiry, with its `points.spent` event (a redeem or an adjustment; a
 * refund's reversal goes through the refund) and `extra` writes in the same commit. Races re-plan
 * up to SPEND_ATTEMPTS times, then NotEnoughPoints. With a dedupe key, a repeat is a no-op and
 * returns `false`.
 */
export async function spendPoints(
  deps: LedgerDeps,
  input: Omit<SpendInput, 'now' | 'kind'> & { kind: 'redeem' | 'adjust' },
  extra: () => Write[] = () => [],
): Promise<boolean> {
  try {
    await withRetry(SPEND_ATTEMPTS, async () => {
      const now = deps.now()
      const writes = await deps.points.spendWrites({ ...input, now })
      await deps.uow.commit([
        ...writes,
        deps.uow.event(
          pointsSpentEvent({
            memberId: input.memberId,
            points: input.points,
            kind: input.kind,
            couponId: input.couponId ?? null,
            dedupeKey: input.dedupeKey,
            now,
          }),
        ),
        ...extra(),
      ])
    })
    return true
  } catch (error) {
    if (input.dedupeKey && isUniqueFailure(error)) return false
    throw error
  }
}

export interface GrantRequest {
  memberId: number
  points: number
  kind: 'grant' | 'adjust'
  expiresAt: number
  reason?: string | null
  purchaseId?: number | null
  staffId?: number | null
  dedupeKey: string
}

/**
 * Grants points as one lot with its `points.granted` event and `extra` writes in the same commit;
 * a repeat with the same dedupe key is a no-op and returns `false`.
 */
export async function grantPoints(
  deps: LedgerDeps,
  input: GrantRequest,
  extra: Write[] = [],
): Promise<boolean> {
  const now = deps.now()
  try {
    await deps.uow.commit([
      ...deps.points.grantWrites({ ...input, now }),
      deps.uow.event(
        pointsGrantedEvent({
          memberId: input.memberId,
          points: input.points,
          kind: input.kind,
          purchaseId: input.purchaseId ?? null,
          expiresAt: input.expiresAt,
          dedupeKey: input.dedupeKey,
          now,
        }),
      ),
      ...extra,
    ])
    return true
  } catch (error) {
    if (isUniqueFailure(error)) return false
    throw error
  }
}

export interface ExpiryResult {
  lots: number
  points: number
}

/**
 * Writes off what is left of every lot past its expiry: one `expire` entry and one
 * `points.expired` event per lot in one commit, idempotent through the lot's dedupe key, so
 * overlapping runs (a cron and a timer) expire each lot once.
 */
export async function expirePoints(
  deps: LedgerDeps,
  now: number,
  batchSize = 100,
): Promise<ExpiryResult> {
  const result: ExpiryResult = { lots: 0, points: 0 }
  for (;;) {
    const due = await deps.points.dueLots(now, batchSize)
    if (due.length === 0) return result
    let progressed = false
    for (const lot of due) {
      await paced(deps.pace)
      try {
        await deps.uow.commit([
          ...deps.points.expireWrites(lot, now),
          deps.uow.event({
            type: 'points.expired',
            memberId: lot.memberId,
            data: { points: lot.remaining, lots: 1 },
            occurredAt: lot.expiresAt,
            dedupeKey: `points.expired:lot:${lot.ledgerId}`,
          }),
        ])
        result.lots++
        result.points += lot.remaining
        progressed = true
      } catch (error) {
        // Another run expired it, or a spend changed it since the read: the next pass re-reads.
        if (!isUniqueFailure(error) && !isCheckFailure(error)) throw error
      }
    }
    if (!progressed) return result
  }
}

export interface LedgerCheck {
  memberId: number
  ledgerSum: number
  storedBalance: number
  ok: boolean
}

/** The invariant: the stored balance equals the sum of the member's ledger. */
export async function checkLedger(
  deps: Pick<LedgerDeps, 'points'>,
  memberId: number,
): Promise<LedgerCheck> {
  const [ledgerSum, storedBalance] = await Promise.all([
    deps.points.ledgerSum(memberId),
    deps.points.storedBalance(memberId),
  ])
  return { memberId, ledgerSum, storedBalance, ok: ledgerSum === storedBalance }
}

export { NotEnoughPoints }
