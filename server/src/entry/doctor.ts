import { existsSync } from 'node:fs'
import { doctorExitCode, formatDoctor, runDoctor, type Lang } from './doctor-command.ts'

/** `npm run doctor [-- --lang en]`: checks the configuration against LINE (see doctor-command.ts). */
if (existsSync('.env')) process.loadEnvFile('.env')
const args = process.argv.slice(2)
const langArg = args.find((a) => a.startsWith('--lang'))
const langValue = langArg?.includes('=') ? langArg.split('=')[1] : args[args.indexOf('--lang') + 1]
const lang: Lang = langArg && langValue === 'en' ? 'en' : args.includes('--en') ? 'en' : 'ja'
const checks = await runDoctor({ env: process.env, lang })
process.stdout.write(formatDoctor(checks, lang))
process.exitCode = doctorExitCode(checks)
