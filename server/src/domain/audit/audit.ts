import type { Role } from '@joren/shared'
import type { RowRef } from '../rows.ts'

/** The staff member a command acts for: every staff mutation takes one and audits it. */
export interface StaffActor {
  id: number
  role: Role
}

/** Every staff action that changes data is written here: who, what, when, before and after. */
export interface AuditEntryInput {
  /** Who acted (a RowRef when the commit creates them, e.g. the first owner). */
  staffId: number | null | RowRef
  action: string
  targetType: string
  /** The target's ID; a RowRef when the same commit creates it. */
  targetId: string | null | RowRef
  before: unknown
  /** An object's top-level values may be RowRefs (the commit fills them in). */
  after: unknown
}

/** Writes an audit row on its own (prefer UnitOfWork.audit, which commits it with the change). */
export interface AuditLog {
  record(
    entry: AuditEntryInput & { staffId: number | null; targetId: string | null },
    at: number,
  ): Promise<void>
}
