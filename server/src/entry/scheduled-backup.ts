import { backupDatabase, latestBackupAt, pruneBackups } from '../db/backup.ts'
import type { NodeDatabase } from '../db/node-sqlite.ts'
import type { Clock, Logger } from '../domain/ports.ts'

const DAY_MS = 24 * 60 * 60 * 1000

/**
 * Node's daily backup: each tick (every minute) takes an online backup through the server's own
 * connection when the newest one in `dir` is a day old or missing, then keeps the newest `keep`.
 * A failure is logged as an error and retried on the next tick.
 */
export function createScheduledBackup(input: {
  database: NodeDatabase
  databasePath: string
  dir: string
  keep: number
  clock: Clock
  logger: Logger
}) {
  let running: Promise<string | null> | null = null
  const run = async (): Promise<string | null> => {
    const now = input.clock.now()
    const latest = latestBackupAt(input.dir)
    if (latest !== null && now - latest < DAY_MS) return null
    try {
      const { path, bytes } = await backupDatabase({
        databasePath: input.databasePath,
        dir: input.dir,
        now,
        connection: input.database.sqlite,
      })
      const pruned = pruneBackups(input.dir, input.keep)
      input.logger.info('database backed up', { file: path, bytes, pruned: pruned.length })
      return path
    } catch (error) {
      input.logger.error('database backup failed', { error: String(error) })
      return null
    }
  }
  return {
    tick: () =>
      (running ??= run().finally(() => {
        running = null
      })),
    idle: async () => {
      await running
    },
  }
}
