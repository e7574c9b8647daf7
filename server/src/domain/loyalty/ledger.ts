import { paced, type Pace } from '../ports.ts'
import {
  NotEnoughPoints,
  isCheckFailure,
  isUniqueFailure,
  withRetry,
  type AtomicOf,
  type PointsRepository,
  type SpendInput,
} from './points.ts'

export interface LedgerDeps<S> {
  points: PointsRepository<S>
  atomic: AtomicOf<S>
  now(): number
  /** Yields between lots of a long pass (Node: the thread answers requests too). */
  pace?: Pace
}

/** How often a spend is re-planned when a concurrent writer beat it to the same lots. */
export const SPEND_ATTEMPTS = 5

export async function commit<S>(atomic: AtomicOf<S>, statements: S[]): Promise<void> {
  const [first, ...rest] = statements
  if (first === undefined) return
  await atomic([first, ...rest])
}

/**
 * Spends points FIFO by expiry. Races re-plan up to SPEND_ATTEMPTS times, then NotEnoughPoints.
 * With a dedupe key, a repeat is a no-op and returns `false`.
 */
export async function spendPoints<S>(
  deps: LedgerDeps<S>,
  input: Omit<SpendInput, 'now'>,
): Promise<boolean> {
  try {
    await withRetry(SPEND_ATTEMPTS, async () => {
      const statements = await deps.points.spendStatements({ ...input, now: deps.now() })
      await commit(deps.atomic, statements)
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

/** Grants points as one lot; a repeat with the same dedupe key is a no-op and returns `false`. */
export async function grantPoints<S>(deps: LedgerDeps<S>, input: GrantRequest): Promise<boolean> {
  try {
    await commit(deps.atomic, await deps.points.grantStatements({ ...input, now: deps.now() }))
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
 * Writes off what is left of every lot past its expiry: one `expire` entry per lot, idempotent
 * through the lot's dedupe key, so overlapping runs (a cron and a timer) expire each lot once.
 */
export async function expirePoints<S>(
  deps: LedgerDeps<S>,
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
        await commit(deps.atomic, deps.points.expireStatements(lot, now))
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
export async function checkLedger<S>(deps: LedgerDeps<S>, memberId: number): Promise<LedgerCheck> {
  const [ledgerSum, storedBalance] = await Promise.all([
    deps.points.ledgerSum(memberId),
    deps.points.storedBalance(memberId),
  ])
  return { memberId, ledgerSum, storedBalance, ok: ledgerSum === storedBalance }
}

export { NotEnoughPoints }
