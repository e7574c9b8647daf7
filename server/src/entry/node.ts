import { existsSync } from 'node:fs'
import { ConfigError, parseConfig, type Config } from '../config.ts'
import type { LineSettings } from '../compose/ports.ts'
import type { Sandbox } from './sandbox.ts'
import { createConsoleLogger } from './console-logger.ts'
import { Redactor } from '../domain/ops/redaction.ts'
import { ChannelModeMismatch } from '../domain/shop/channel-mode.ts'
import { startNodeServer } from './node-server.ts'

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1'])
/** Unless DATABASE_PATH says otherwise, the sandbox keeps its test customers apart from a shop's data. */
const SANDBOX_DATABASE_PATH = './data/sandbox.db'

/** `npm start`: configuration, migrations, the server, and the sandbox when no channel is set. */
async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env')
  let config: Config
  try {
    config = parseConfig(process.env)
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`)
      process.exit(1)
    }
    throw error
  }
  // The redaction layer knows the configured secrets; issued short-lived tokens join as they come.
  const redactor = new Redactor()
  for (const secret of [
    config.LINE_CHANNEL_SECRET,
    config.LINE_CHANNEL_ACCESS_TOKEN,
    config.LINE_CHANNEL_PRIVATE_KEY,
  ])
    redactor.add(secret)
  const logger = createConsoleLogger('info', { redactor })
  const fail = (message: string): never => {
    process.stderr.write(`${message}\n`)
    process.exit(1)
  }

  let line: LineSettings
  let sandbox: Sandbox | null = null
  if (config.sandbox) {
    // The sandbox lets anyone sign in as its demo owner: loopback only, and its own database.
    if (!LOOPBACK_HOSTS.has(config.HOST))
      fail(
        `The sandbox (no LINE channel configured) only listens on loopback, not HOST=${config.HOST}.`,
      )
    if (!process.env.DATABASE_PATH) config = { ...config, DATABASE_PATH: SANDBOX_DATABASE_PATH }
    const { startSandbox } = await import('./sandbox.ts')
    const started = await startSandbox(config)
    sandbox = started
    line = started.line
    config = { ...config, ...started.configOverrides }
  } else {
    line = {
      channelSecret: config.LINE_CHANNEL_SECRET ?? '',
      channelAccessToken: config.LINE_CHANNEL_ACCESS_TOKEN ?? '',
      apiBaseUrl: config.LINE_API_BASE_URL,
      dataApiBaseUrl: config.LINE_DATA_API_BASE_URL,
    }
  }

  redactor.add(line.channelSecret)
  redactor.add(line.channelAccessToken)

  const server = await startNodeServer({
    config,
    line,
    logger,
    mount: sandbox?.mount,
    demoOwner: sandbox?.demoOwner,
    warmFaq: true,
    // The sandbox's clock can be moved forward (time travel); elsewhere it is the system clock.
    clock: sandbox?.clock,
    secrets: redactor,
  }).catch(async (error: unknown) => {
    await sandbox?.close()
    if (error instanceof ChannelModeMismatch) return fail(error.message)
    throw error
  })
  await sandbox?.attach(server)
  // Handlers first: a supervisor may signal as soon as it reads the line below.
  let stopping = false
  const stop = (signal: string) => {
    if (stopping) return
    stopping = true
    logger.info(`received ${signal}, shutting down`)
    void (async () => {
      await server.close()
      await sandbox?.close()
      process.exit(0)
    })()
  }
  process.on('SIGTERM', () => stop('SIGTERM'))
  process.on('SIGINT', () => stop('SIGINT'))
  if (config.sandbox) {
    const shown = process.env.PUBLIC_URL ? config.PUBLIC_URL : `http://localhost:${server.port}`
    process.stdout.write(`Joren sandbox is running: open ${shown}/sandbox\n`)
  } else
    process.stdout.write(
      `Joren is running on ${server.url} (webhook: ${config.PUBLIC_URL}/webhook)\n`,
    )

  // Printed, not logged: the code is a one-time secret for whoever runs the server.
  if (server.ownerSetup)
    process.stdout.write(
      `Owner setup code: ${server.ownerSetup.code} (open /staff/ and enter it)\n`,
    )
}

await main()
