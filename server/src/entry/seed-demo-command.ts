import { ConfigError, parseConfig } from '../config.ts'
import { betterSqliteAtomic } from '../db/atomic.ts'
import { openNodeDatabase } from '../db/node-sqlite.ts'
import { createRepositories } from '../db/repositories/index.ts'
import { createUnitOfWork } from '../db/unit-of-work.ts'
import { composeDemoShop } from '../compose/demo.ts'
import { createKpiStore } from '../db/repositories/kpi-repository.ts'
import { rebuildKpiRollups } from '../domain/kpis/rollups.ts'
import { DomainError } from '../domain/errors.ts'
import { systemClock, webIds } from '../domain/ports.ts'

/** Where the sandbox keeps its data unless DATABASE_PATH says otherwise (as `npm start`). */
export const SANDBOX_DATABASE_PATH = './data/sandbox.db'

/**
 * `npm run seed:demo`: fills the sandbox's database with the demo café. Refused (exit 1, nothing
 * written) when a LINE channel is configured or the database has served one. Exit code.
 */
export async function runSeedDemo(
  env: Record<string, string | undefined>,
  out: (line: string) => void,
  options: { now?: () => number } = {},
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
  const path = env.DATABASE_PATH ? config.DATABASE_PATH : SANDBOX_DATABASE_PATH
  const database = openNodeDatabase(path, { checkpointEveryMs: 0 })
  try {
    const atomic = betterSqliteAtomic(database.sqlite)
    const clock = options.now ? { now: options.now } : systemClock
    const uow = createUnitOfWork(database.db, atomic, clock)
    const repositories = createRepositories(database.db, uow)
    const started = Date.now()
    const demo = composeDemoShop({
      db: database.db,
      atomic,
      uow,
      repositories,
      clock,
      ids: webIds,
      timeZone: config.SHOP_TIMEZONE,
      sandbox: config.sandbox,
      rebuildKpis: () =>
        rebuildKpiRollups({
          kpis: createKpiStore(database.db, atomic),
          uow,
          timeZone: config.SHOP_TIMEZONE,
        }),
    })
    try {
      const r = await demo.seed()
      out(
        `デモ店（カフェ こもれび）を入れました: 会員 ${r.members}・購入 ${r.purchases}・クーポン ${r.coupons}・アンケート回答 ${r.responses}・会話 ${r.conversations}・配信 ${r.broadcasts}（${Date.now() - started} ms, ${path}）`,
      )
      return 0
    } catch (error) {
      if (error instanceof DomainError) {
        out(error.message)
        return 1
      }
      throw error
    }
  } finally {
    await database.close()
  }
}
