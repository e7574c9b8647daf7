/**
 * Bench child: the product's Node server exactly as `npm start` wires it (Hono on
 * @hono/node-server, SQLite in WAL mode, the processing loop in the same process), pointed at the
 * LINE stand-in. Settings arrive as JSON in BENCH_JOREN.
 */
import { parseConfig } from '../../../server/src/config.ts'
import { createConsoleLogger } from '../../../server/src/entry/console-logger.ts'
import { startNodeServer } from '../../../server/src/entry/node-server.ts'
import { serveParent } from '../support/child.ts'

export interface JorenSettings {
  databasePath: string
  lineUrl: string
  channelSecret: string
  channelAccessToken: string
  /** false = diagnostic run without the in-process drain (events are stored, never processed). */
  process: boolean
}

const settings = JSON.parse(process.env.BENCH_JOREN ?? '{}') as JorenSettings
const config = parseConfig({
  DATABASE_PATH: settings.databasePath,
  PORT: '0',
  HOST: '127.0.0.1',
  LINE_CHANNEL_SECRET: settings.channelSecret,
  LINE_CHANNEL_ACCESS_TOKEN: settings.channelAccessToken,
  LINE_API_BASE_URL: settings.lineUrl,
  LINE_DATA_API_BASE_URL: settings.lineUrl,
})
const server = await startNodeServer({
  config,
  line: {
    channelSecret: settings.channelSecret,
    channelAccessToken: settings.channelAccessToken,
    apiBaseUrl: settings.lineUrl,
    dataApiBaseUrl: settings.lineUrl,
  },
  logger: createConsoleLogger('error'),
  process: settings.process,
})
// `process: false` only skips the timer: the webhook's kick would still start drains. Stopping the
// processor makes kick() a no-op, so nothing but the webhook path runs.
if (!settings.process) await server.processor.stop()

let stopped: Promise<void> | null = null
serveParent({ url: server.url }, {}, () => (stopped ??= server.close()))
