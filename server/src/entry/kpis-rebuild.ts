import { existsSync } from 'node:fs'
import { runKpiRebuild } from './kpis-rebuild-command.ts'

if (existsSync('.env')) process.loadEnvFile('.env')
process.exitCode = await runKpiRebuild(process.env, (line) => process.stdout.write(`${line}\n`))
