import { existsSync } from 'node:fs'
import { ConfigError, parseConfig } from '../config.ts'
import { backupDatabase, pruneBackups } from '../db/backup.ts'

/**
 * `npm run backup -- DIR [--keep N]`: a consistent copy of the database at DATABASE_PATH into DIR
 * (joren-<UTC time>.db), safe while the server runs; with --keep, only the newest N stay.
 */
if (existsSync('.env')) process.loadEnvFile('.env')
const args = process.argv.slice(2)
const keepAt = args.indexOf('--keep')
const keep = keepAt >= 0 ? Number(args[keepAt + 1]) : null
const dir = args.find((a, i) => !a.startsWith('--') && (keepAt < 0 || i !== keepAt + 1))
if (!dir || (keep !== null && (!Number.isInteger(keep) || keep < 1))) {
  process.stderr.write('usage: npm run backup -- DIR [--keep N]\n')
  process.exit(2)
}
try {
  const config = parseConfig(process.env)
  if (!existsSync(config.DATABASE_PATH)) {
    process.stderr.write(`No database at ${config.DATABASE_PATH} (DATABASE_PATH)\n`)
    process.exit(1)
  }
  const { path, bytes } = await backupDatabase({
    databasePath: config.DATABASE_PATH,
    dir,
    now: Date.now(),
  })
  const pruned = keep === null ? [] : pruneBackups(dir, keep)
  process.stdout.write(
    `Backed up ${config.DATABASE_PATH} to ${path} (${bytes} bytes)${pruned.length ? `; removed ${pruned.length} older` : ''}\n`,
  )
} catch (error) {
  process.stderr.write(`${error instanceof ConfigError ? error.message : String(error)}\n`)
  process.exit(1)
}
