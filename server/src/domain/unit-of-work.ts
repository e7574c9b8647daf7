import type { AuditEntryInput } from './audit/audit.ts'
import type { NewDomainEvent } from './events/events.ts'

/**
 * A write a store planned for one atomic commit. Opaque to the domain: only stores make them and
 * only the unit of work runs them (a drizzle builder underneath).
 */
export type Write = object

/**
 * A value only known inside the commit, such as the ID of the row an earlier write of the same
 * commit inserts. Stores make them (e.g. `loyalty.newPurchaseId()`); audit rows and events take
 * them where they take an ID.
 */
export interface RowRef {
  readonly rowRef: true
}

export function isRowRef(value: unknown): value is RowRef {
  return typeof value === 'object' && value !== null && 'rowRef' in value
}

export interface PlanOptions {
  /**
   * Only when the write just before this one changed a row (SQLite's `changes()`): an audit row
   * or event for a conditional change that may turn out to be a no-op (already tagged, a replay).
   * Chains: a second conditional write follows the first one's outcome.
   */
  onlyIfChanged?: boolean
}

/**
 * Statements that commit together or not at all (a transaction on better-sqlite3, a batch on D1),
 * plus the two writes every command adds to its own: the staff audit row and domain events.
 */
export interface UnitOfWork {
  /** Commits the writes in order, all or none; a failing constraint rolls back the rest. */
  commit(writes: readonly Write[]): Promise<void>
  /** The audit row of a staff action, planned with the change it records. */
  audit(entry: AuditEntryInput, options?: PlanOptions): Write
  /** A business event (see events/events.ts), planned with the change it records. */
  event(event: NewDomainEvent, options?: PlanOptions): Write
}
