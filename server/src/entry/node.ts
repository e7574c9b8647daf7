import { existsSync } from 'node:fs'
import { ConfigError, parseConfig, type Config } from '../config.ts'
import type { LineSettings } from '../services.ts'
import type { Sandbox } from './sandbox.ts'
import { createConsoleLogger } from './console-logger.ts'
import { startNodeServer } from './node-server.ts'

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
  const logger = createConsoleLogger()

  let line: LineSettings
  let sandbox: Sandbox | null = null
  if (config.sandbox) {
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

  const server = await startNodeServer({
    config,
    line,
    logger,
    mount: sandbox?.mount,
    demoOwner: sandbox?.demoOwner,
  })
  await sandbox?.attach(server)
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
}

await main()
