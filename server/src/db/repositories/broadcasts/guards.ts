import { and, eq, sql, type SQL } from 'drizzle-orm'
import type { BatchItem } from 'drizzle-orm/batch'
import type { Atomic } from '../../atomic.ts'
import type { Database } from '../../database.ts'
import { broadcasts } from '../../schema.ts'
import { allRows, num } from './rows.ts'

/** The commits every broadcast store module makes: atomic batches, status guards, plan claims. */
export interface BroadcastGuards {
  commit(items: BatchItem<'sqlite'>[]): Promise<void>
  /**
   * Fails the whole commit (the NOT NULL title is nulled) when `unless` holds for the broadcast:
   * the same in a bs3 transaction and a D1 batch.
   */
  statusGuard(id: number, unless: SQL): BatchItem<'sqlite'>
  holdsPlan(id: number, token: number | null): Promise<boolean>
  /**
   * Commits a plan batch only while this planner still holds the claim: the leading guard aborts
   * the whole batch when the broadcast left 'planning' or another planner's token replaced ours.
   * false: the claim was lost and nothing was written.
   */
  commitPlan(id: number, token: number | null, items: BatchItem<'sqlite'>[]): Promise<boolean>
}

export function createBroadcastGuards(db: Database, atomic: Atomic): BroadcastGuards {
  const all = allRows(db)
  const commit = (items: BatchItem<'sqlite'>[]) =>
    atomic(items as [BatchItem<'sqlite'>, ...BatchItem<'sqlite'>[]])
  const statusGuard = (id: number, unless: SQL) =>
    db
      .update(broadcasts)
      .set({ title: sql`NULL` })
      .where(and(eq(broadcasts.id, id), unless))
  const holdsPlan = async (id: number, token: number | null): Promise<boolean> => {
    const [row] = await all<{ n: number }>(sql`SELECT count(*) AS n FROM broadcasts
      WHERE id = ${id} AND status = 'planning' AND locked_until IS ${token}`)
    return num(row?.n) > 0
  }
  const commitPlan = async (
    id: number,
    token: number | null,
    items: BatchItem<'sqlite'>[],
  ): Promise<boolean> => {
    const guard = statusGuard(
      id,
      sql`NOT (${broadcasts.status} = 'planning' AND ${broadcasts.lockedUntil} IS ${token})`,
    )
    try {
      await commit([guard, ...items])
      return true
    } catch (error) {
      // A claim once lost never comes back (tokens only grow), so this answer is final.
      if (!(await holdsPlan(id, token))) return false
      throw error
    }
  }
  return { commit, statusGuard, holdsPlan, commitPlan }
}
