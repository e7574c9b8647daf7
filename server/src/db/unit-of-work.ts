import { sql, type SQL } from 'drizzle-orm'
import type { BatchItem } from 'drizzle-orm/batch'
import type { AuditEntryInput } from '../domain/audit/audit.ts'
import type { NewDomainEvent } from '../domain/events/events.ts'
import type { Clock } from '../domain/ports.ts'
import { isRowRef, type PlanOptions, type UnitOfWork, type Write } from '../domain/unit-of-work.ts'
import type { Atomic } from './atomic.ts'
import type { Database } from './database.ts'
import { rowRefSql } from './row-ref.ts'
import { auditLog, domainEvents } from './schema.ts'

/**
 * The UnitOfWork port over drizzle: writes are lazy builders committed by `atomic` (a transaction
 * on better-sqlite3, a batch on D1). Audit rows and events are `INSERT … SELECT` so they can take
 * values only the commit knows (RowRef) and follow the previous write's `changes()`.
 */
export function createUnitOfWork(db: Database, atomic: Atomic, clock: Clock): UnitOfWork {
  const condition = (options?: PlanOptions): SQL =>
    options?.onlyIfChanged ? sql`WHERE changes() > 0` : sql`WHERE 1`
  // As the audit log has always stored them: JSON text (null is "null"); undefined is NULL.
  const json = (value: unknown): string | null =>
    value === undefined ? null : JSON.stringify(value)
  /** JSON of an object whose top-level values may be RowRefs (filled in by the commit). */
  const jsonWithRefs = (value: unknown): SQL => {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      return sql`${json(value)}`
    const plain: Record<string, unknown> = {}
    const refs: SQL[] = []
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      if (isRowRef(v)) refs.push(sql`${`$.${key}`}, ${rowRefSql(v)}`)
      else plain[key] = v
    }
    return refs.length === 0
      ? sql`${JSON.stringify(plain)}`
      : sql`json_set(${JSON.stringify(plain)}, ${sql.join(refs, sql`, `)})`
  }

  return {
    async commit(writes) {
      if (writes.length === 0) return
      await atomic(writes as [BatchItem<'sqlite'>, ...BatchItem<'sqlite'>[]])
    },

    audit(entry: AuditEntryInput, options?: PlanOptions): Write {
      const targetId = isRowRef(entry.targetId)
        ? sql`CAST(${rowRefSql(entry.targetId)} AS TEXT)`
        : sql`${entry.targetId}`
      const staffId = isRowRef(entry.staffId) ? rowRefSql(entry.staffId) : sql`${entry.staffId}`
      // Every column in table order (drizzle lists them all for INSERT … SELECT).
      return db
        .insert(auditLog)
        .select(
          sql`SELECT NULL, ${staffId}, ${entry.action}, ${entry.targetType}, ${targetId}, ${json(entry.before)}, ${jsonWithRefs(entry.after)}, ${clock.now()} ${condition(options)}`,
        )
    },

    event(event: NewDomainEvent, options?: PlanOptions): Write {
      const memberId = isRowRef(event.memberId) ? rowRefSql(event.memberId) : sql`${event.memberId}`
      const data = jsonWithRefs(event.data)
      return db
        .insert(domainEvents)
        .select(
          sql`SELECT NULL, ${event.type}, ${memberId}, ${data}, ${event.dedupeKey ?? null}, ${event.occurredAt}, ${clock.now()} ${condition(options)}`,
        )
        .onConflictDoNothing()
    },
  }
}
