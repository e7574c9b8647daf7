import { existsSync } from 'node:fs'
import { runFollowerImport } from './go-live-command.ts'

if (existsSync('.env')) process.loadEnvFile('.env')
process.exitCode = await runFollowerImport(process.argv.slice(2), process.env, (line) =>
  process.stdout.write(`${line}\n`),
)
