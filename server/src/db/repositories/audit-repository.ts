import type { AuditLog } from '../../domain/audit/audit.ts'
import type { Database } from '../database.ts'
import { auditLog } from '../schema.ts'

export function createAuditLog(db: Database): AuditLog {
  return {
    async record(entry, at) {
      await db.insert(auditLog).values({
        staffId: entry.staffId,
        action: entry.action,
        targetType: entry.targetType,
        targetId: entry.targetId,
        before: entry.before === undefined ? null : JSON.stringify(entry.before),
        after: entry.after === undefined ? null : JSON.stringify(entry.after),
        at,
      })
    },
  }
}
