import { isLineUserId } from '@joren/shared'
import { ConfigError, parseConfig } from '../config.ts'
import { openNodeDatabase } from '../db/node-sqlite.ts'
import { betterSqliteAtomic } from '../db/atomic.ts'
import { createRepositories } from '../db/repositories/index.ts'
import { createUnitOfWork } from '../db/unit-of-work.ts'
import { systemClock, type Clock } from '../domain/ports.ts'
import { appointOwner } from '../domain/staff/staff.ts'

export const STAFF_OWNER_USAGE =
  'usage: npm run staff:owner -- <LINE user ID (U + 32 hex)> [display name]'

/**
 * `npm run staff:owner -- <LINE user ID> [display name]`: makes that LINE user an owner directly in
 * the SQLite database at DATABASE_PATH (the way back in when no owner can sign in). Audited.
 * Returns the exit code.
 */
export async function runStaffOwner(
  args: string[],
  env: Record<string, string | undefined>,
  out: (line: string) => void,
  clock: Clock = systemClock,
): Promise<number> {
  const [lineUserId, ...nameParts] = args
  if (!lineUserId || !isLineUserId(lineUserId)) {
    out(STAFF_OWNER_USAGE)
    return 2
  }
  const displayName = nameParts.join(' ').trim().slice(0, 50) || null
  let path: string
  try {
    path = parseConfig(env).DATABASE_PATH
  } catch (error) {
    if (error instanceof ConfigError) {
      out(error.message)
      return 1
    }
    throw error
  }
  const database = openNodeDatabase(path, { checkpointEveryMs: 0 })
  try {
    const uow = createUnitOfWork(database.db, betterSqliteAtomic(database.sqlite), clock)
    const { staff } = createRepositories(database.db, uow)
    const owner = await appointOwner(
      { staff, uow, now: () => clock.now() },
      lineUserId,
      displayName,
      'cli',
    )
    out(`${owner.displayName} (${lineUserId}) is now an owner (staff #${owner.id}) in ${path}`)
    return 0
  } finally {
    await database.close()
  }
}
