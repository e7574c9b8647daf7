import { existsSync } from 'node:fs'
import { ConfigError, parseConfig } from '../config.ts'
import { restoreDatabase } from '../db/backup.ts'

/**
 * `npm run restore -- FILE`: puts a backup in place of the database at DATABASE_PATH. Stop the
 * server first (systemctl stop joren). The current database is kept beside it; start the server
 * afterwards and it applies any migrations the backup predates.
 */
if (existsSync('.env')) process.loadEnvFile('.env')
const file = process.argv.slice(2).find((a) => !a.startsWith('--'))
if (!file) {
  process.stderr.write('usage: npm run restore -- FILE   (stop the server first)\n')
  process.exit(2)
}
try {
  const config = parseConfig(process.env)
  const { keptPrevious } = restoreDatabase({
    file,
    databasePath: config.DATABASE_PATH,
    now: Date.now(),
  })
  process.stdout.write(
    `Restored ${file} to ${config.DATABASE_PATH}${keptPrevious ? ` (the previous database is kept as ${keptPrevious})` : ''}. Start the server now.\n`,
  )
} catch (error) {
  process.stderr.write(`${error instanceof ConfigError ? error.message : String(error)}\n`)
  process.exit(1)
}
