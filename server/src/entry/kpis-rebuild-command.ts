import { ConfigError, parseConfig } from '../config.ts'
import { betterSqliteAtomic } from '../db/atomic.ts'
import { openNodeDatabase } from '../db/node-sqlite.ts'
import { createKpiStore } from '../db/repositories/kpi-repository.ts'
import { createUnitOfWork } from '../db/unit-of-work.ts'
import { rebuildKpiRollups } from '../domain/kpis/rollups.ts'
import { systemClock } from '../domain/ports.ts'

/**
 * `npm run kpis:rebuild`: recomputes the KPI rollups from the purchases in the SQLite database at
 * DATABASE_PATH, in the shop's time zone (SHOP_TIMEZONE). Equal to what the event subscriber
 * keeps; safe while the server runs (each member range is replaced atomically). Exit code.
 */
export async function runKpiRebuild(
  env: Record<string, string | undefined>,
  out: (line: string) => void,
): Promise<number> {
  let config
  try {
    config = parseConfig(env)
  } catch (error) {
    if (error instanceof ConfigError) {
      out(error.message)
      return 1
    }
    throw error
  }
  const database = openNodeDatabase(config.DATABASE_PATH, { checkpointEveryMs: 0 })
  try {
    const atomic = betterSqliteAtomic(database.sqlite)
    const started = Date.now()
    const { members } = await rebuildKpiRollups({
      kpis: createKpiStore(database.db, atomic),
      uow: createUnitOfWork(database.db, atomic, systemClock),
      timeZone: config.SHOP_TIMEZONE,
    })
    out(
      `KPI rollups rebuilt for member IDs up to ${members} in ${Date.now() - started} ms (${config.DATABASE_PATH})`,
    )
    return 0
  } finally {
    await database.close()
  }
}
