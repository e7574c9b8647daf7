import { and, eq, sql, type SQL } from 'drizzle-orm'
import type { SQLiteUpdateSetSource } from 'drizzle-orm/sqlite-core'
import type { ContactStore } from '../../../domain/contact-policy/policy.ts'
import type { JourneyStore } from '../../../domain/journeys/store.ts'
import type { Database } from '../../database.ts'
import { insertSelectList } from '../../insert-select.ts'
import { journeyRuns, journeyStepLog, marketingContacts } from '../../schema.ts'
import { allOf, num } from './rows.ts'

/**
 * The scheduler's writes for a claimed batch, set-based: one statement per table whatever the
 * batch's size, the rows travelling as one JSON parameter (D1 binds at most 100 parameters).
 * Each keeps the single-row write's keys and guards: a log row once per (run, step), a contact
 * once per ref, a run changed only while it is still active at the step it was claimed at.
 * The contact policy's counts (marketing pushes per member) read the same table.
 */
export function createJourneyRunWrites(
  db: Database,
): Pick<JourneyStore, 'logsWrite' | 'advancesWrite' | 'defersWrite' | 'endsWrite' | 'endWrite'> &
  ContactStore {
  const all = allOf(db)
  const rowsOf = (rows: readonly unknown[][]) =>
    sql`(SELECT value FROM json_each(${JSON.stringify(rows)}))`
  const v = (i: number) => sql.raw(`json_extract(v.value, '$[${i}]')`)
  /** `UPDATE journey_runs … FROM` the batch's rows, guarded per row. */
  const runUpdate = (
    rows: readonly unknown[][],
    set: SQLiteUpdateSetSource<typeof journeyRuns>,
    guard: SQL,
  ) =>
    db
      .update(journeyRuns)
      .set(set)
      .from(sql`${rowsOf(rows)} AS v`)
      .where(and(sql`${journeyRuns.id} = ${v(0)}`, eq(journeyRuns.status, 'active'), guard))
  return {
    logsWrite(entries) {
      const rows = entries.map((e) => [
        e.runId,
        e.journeyId,
        e.memberId,
        e.step,
        e.outcome,
        e.reason,
        e.outboxKey,
        e.couponId,
        e.at,
      ])
      const select = insertSelectList(journeyStepLog, {
        runId: v(0),
        journeyId: v(1),
        memberId: v(2),
        step: v(3),
        outcome: v(4),
        reason: v(5),
        outboxKey: v(6),
        couponId: v(7),
        at: v(8),
      })
      return db
        .insert(journeyStepLog)
        .select(sql`${select} FROM ${rowsOf(rows)} AS v WHERE true`)
        .onConflictDoNothing()
    },
    advancesWrite(advances, now) {
      const rows = advances.map((a) => [
        a.runId,
        a.step,
        a.advance.kind === 'completed' ? 1 : 0,
        a.advance.kind === 'next' ? a.advance.nextStep : null,
        a.advance.kind === 'next' ? a.advance.scheduledAt : null,
        a.advance.kind === 'next' ? a.advance.nextDueAt : null,
        a.sentStep,
      ])
      const done = sql`${v(2)} = 1`
      return runUpdate(
        rows,
        {
          status: sql`CASE WHEN ${done} THEN 'completed' ELSE ${journeyRuns.status} END`,
          nextStep: sql`CASE WHEN ${done} THEN ${journeyRuns.nextStep} ELSE ${v(3)} END`,
          scheduledAt: sql`CASE WHEN ${done} THEN ${journeyRuns.scheduledAt} ELSE ${v(4)} END`,
          nextDueAt: sql`CASE WHEN ${done} THEN NULL ELSE ${v(5)} END`,
          lockedUntil: null,
          endedAt: sql`CASE WHEN ${done} THEN ${now} ELSE ${journeyRuns.endedAt} END`,
          lastSentStep: sql`coalesce(${v(6)}, ${journeyRuns.lastSentStep})`,
        },
        sql`${journeyRuns.nextStep} = ${v(1)}`,
      )
    },
    defersWrite(defers) {
      return runUpdate(
        defers.map((d) => [d.runId, d.step, d.until]),
        { nextDueAt: sql`${v(2)}`, lockedUntil: null },
        sql`${journeyRuns.nextStep} = ${v(1)}`,
      )
    },
    endsWrite(ends, now) {
      return runUpdate(
        ends.map((e) => [e.runId, e.reason]),
        {
          status: 'exited',
          exitReason: sql`${v(1)}`,
          nextDueAt: null,
          lockedUntil: null,
          endedAt: now,
        },
        sql`true`,
      )
    },
    endWrite(runId, reason, now) {
      return db
        .update(journeyRuns)
        .set({
          status: 'exited',
          exitReason: reason,
          nextDueAt: null,
          lockedUntil: null,
          endedAt: now,
        })
        .where(and(eq(journeyRuns.id, runId), eq(journeyRuns.status, 'active')))
    },
    recordWrite(contact) {
      return db.insert(marketingContacts).values(contact).onConflictDoNothing()
    },
    recordManyWrite(contacts) {
      const rows = contacts.map((c) => [c.memberId, c.at, c.source, c.ref])
      return db
        .insert(marketingContacts)
        .select(
          sql`${insertSelectList(marketingContacts, {
            memberId: v(0),
            at: v(1),
            source: v(2),
            ref: v(3),
          })} FROM ${rowsOf(rows)} AS v WHERE true`,
        )
        .onConflictDoNothing()
    },
    async countSince(memberId, since) {
      const [row] = await all<{ n: number }>(
        sql`SELECT count(*) AS n FROM marketing_contacts WHERE member_id = ${memberId} AND at >= ${since}`,
      )
      return num(row?.n)
    },
    async countsSince(memberIds, since) {
      const out = new Map<number, number>()
      if (memberIds.length === 0) return out
      const rows = await all<{ id: number; n: number }>(
        sql`SELECT member_id AS id, count(*) AS n FROM marketing_contacts
          WHERE member_id IN (SELECT value FROM json_each(${JSON.stringify(memberIds)})) AND at >= ${since}
          GROUP BY member_id`,
      )
      for (const r of rows) out.set(num(r.id), num(r.n))
      return out
    },
  }
}
