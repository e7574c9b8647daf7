import type { AuditEntryInput } from './audit/audit.ts'
import type { NewDomainEvent } from './events/events.ts'

import type { Write } from './rows.ts'

export { isRowRef, type RowRef, type Write } from './rows.ts'

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
