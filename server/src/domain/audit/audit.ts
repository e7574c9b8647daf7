/** Every staff action that changes data is written here: who, what, when, before and after. */
export interface AuditEntryInput {
  staffId: number | null
  action: string
  targetType: string
  targetId: string | null
  before: unknown
  after: unknown
}

export interface AuditLog {
  record(entry: AuditEntryInput, at: number): Promise<void>
}
