import { sql, type SQL } from 'drizzle-orm'
import { SQLiteSyncDialect } from 'drizzle-orm/sqlite-core'
import type { BatchItem } from 'drizzle-orm/batch'
import type { AuditEntryInput } from '../domain/audit/audit.ts'
import type { NewDomainEvent } from '../domain/events/events.ts'
import type { Clock } from '../domain/ports.ts'
import { isRowRef, type PlanOptions, type UnitOfWork, type Write } from '../domain/unit-of-work.ts'
import type { Atomic } from './atomic.ts'
import type { Database } from './database.ts'
import { insertSelectList } from './insert-select.ts'
import { preparedWrite } from './prepared-write.ts'
import { rowRefSql } from './row-ref.ts'
import { auditLog, domainEvents } from './schema.ts'

/**
 * The UnitOfWork port over drizzle: writes are lazy builders committed by `atomic` (a transaction
 * on better-sqlite3, a batch on D1). Audit rows and events are `INSERT … SELECT` so they can take
 * values only the commit knows (RowRef) and follow the previous write's `changes()`.
 */
export function createUnitOfWork(db: Database, atomic: Atomic, clock: Clock): UnitOfWork {
  const dialect = new SQLiteSyncDialect()
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

  /**
   * Events are recorded by most commands, so their insert is prepared once per shape: whether it
   * follows the previous write's `changes()`, and which values are RowRefs of constant SQL (such as
   * the purchase just added). A RowRef with values of its own (a member by LINE user ID) is built.
   */
  const eventStatements = new Map<string, (values: Record<string, unknown>) => Write>()
  const p = sql.placeholder
  const refText = (value: unknown): string | null | undefined => {
    if (!isRowRef(value)) return undefined
    const query = dialect.sqlToQuery(rowRefSql(value))
    return query.params.length === 0 ? query.sql : null
  }
  const preparedEvent = (event: NewDomainEvent, options?: PlanOptions): Write | null => {
    const member = refText(event.memberId)
    if (member === null) return null
    const data = event.data as unknown
    const plain: Record<string, unknown> = {}
    const refs: [string, string][] = []
    if (typeof data === 'object' && data !== null && !Array.isArray(data)) {
      for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
        const text = refText(value)
        if (text === null) return null
        if (text === undefined) plain[key] = value
        else refs.push([key, text])
      }
    }
    const shape = JSON.stringify([options?.onlyIfChanged === true, member ?? null, refs])
    let statement = eventStatements.get(shape)
    if (!statement) {
      const memberSql = member === undefined ? sql`${p('memberId')}` : sql.raw(member)
      const dataSql =
        refs.length === 0
          ? sql`${p('data')}`
          : sql`json_set(${p('data')}, ${sql.join(
              refs.map(([key, text]) => sql`${`$.${key}`}, ${sql.raw(text)}`),
              sql`, `,
            )})`
      statement = preparedWrite(
        db
          .insert(domainEvents)
          .select(
            sql`${insertSelectList(domainEvents, {
              type: sql`${p('type')}`,
              memberId: memberSql,
              data: dataSql,
              dedupeKey: sql`${p('dedupeKey')}`,
              occurredAt: sql`${p('occurredAt')}`,
              recordedAt: sql`${p('now')}`,
            })} ${condition(options)}`,
          )
          .onConflictDoNothing(),
      )
      eventStatements.set(shape, statement)
    }
    return statement({
      type: event.type,
      memberId: member === undefined ? event.memberId : null,
      data: refs.length === 0 ? json(event.data) : JSON.stringify(plain),
      dedupeKey: event.dedupeKey ?? null,
      occurredAt: event.occurredAt,
      now: clock.now(),
    })
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
      const select = insertSelectList(auditLog, {
        staffId,
        action: entry.action,
        targetType: entry.targetType,
        targetId,
        before: json(entry.before),
        after: jsonWithRefs(entry.after),
        at: clock.now(),
      })
      return db.insert(auditLog).select(sql`${select} ${condition(options)}`)
    },

    event(event: NewDomainEvent, options?: PlanOptions): Write {
      const prepared = preparedEvent(event, options)
      if (prepared) return prepared
      const memberId = isRowRef(event.memberId) ? rowRefSql(event.memberId) : sql`${event.memberId}`
      const data = jsonWithRefs(event.data)
      return db
        .insert(domainEvents)
        .select(
          sql`${insertSelectList(domainEvents, {
            type: event.type,
            memberId,
            data,
            dedupeKey: event.dedupeKey ?? null,
            occurredAt: event.occurredAt,
            recordedAt: clock.now(),
          })} ${condition(options)}`,
        )
        .onConflictDoNothing()
    },
  }
}
