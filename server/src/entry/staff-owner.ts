import { existsSync } from 'node:fs'
import { runStaffOwner } from './staff-owner-command.ts'

if (existsSync('.env')) process.loadEnvFile('.env')
process.exitCode = await runStaffOwner(process.argv.slice(2), process.env, (line) =>
  process.stdout.write(`${line}\n`),
)
