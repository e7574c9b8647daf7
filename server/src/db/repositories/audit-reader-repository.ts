import { desc, eq, lt } from 'drizzle-orm'
import type { AuditReader } from '../../domain/audit/audit-reader.ts'
import type { Database } from '../database.ts'
import { auditLog, staff } from '../schema.ts'

export function createAuditReader(db: Database): AuditReader {
  return {
    async page(beforeId, limit) {
      const rows = await db
        .select({
          id: auditLog.id,
          staffId: auditLog.staffId,
          staffName: staff.displayName,
          action: auditLog.action,
          targetType: auditLog.targetType,
          targetId: auditLog.targetId,
          before: auditLog.before,
          after: auditLog.after,
          at: auditLog.at,
        })
        .from(auditLog)
        .leftJoin(staff, eq(staff.id, auditLog.staffId))
        .where(beforeId === null ? undefined : lt(auditLog.id, beforeId))
        .orderBy(desc(auditLog.id))
        .limit(limit)
      return rows.map(({ staffId, ...row }) => ({
        ...row,
        // Null means the system (CLI, sandbox); a removed staff member keeps a visible trace.
        staffName: row.staffName ?? (staffId === null ? null : `削除済みスタッフ #${staffId}`),
        before: parse(row.before),
        after: parse(row.after),
      }))
    },
  }
}

function parse(value: string | null): unknown {
  if (value === null) return null
  try {
    return JSON.parse(value) as unknown
  } catch {
    return value
  }
}
