import { existsSync } from 'node:fs'
import { runRichMenu } from './go-live-command.ts'

if (existsSync('.env')) process.loadEnvFile('.env')
process.exitCode = await runRichMenu(process.argv.slice(2), process.env, (line) =>
  process.stdout.write(`${line}\n`),
)
