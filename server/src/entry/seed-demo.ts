import { existsSync } from 'node:fs'
import { runSeedDemo } from './seed-demo-command.ts'

if (existsSync('.env')) process.loadEnvFile('.env')
process.exitCode = await runSeedDemo(process.env, (line) => process.stdout.write(`${line}\n`))
