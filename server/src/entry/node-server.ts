import { serve, type ServerType } from '@hono/node-server'
import { createApp } from '../app.ts'
import type { Config } from '../config.ts'
import { betterSqliteAtomic } from '../db/atomic.ts'
import { openNodeDatabase, type NodeDatabase } from '../db/node-sqlite.ts'
import type { AppDeps } from '../deps.ts'
import { systemClock, webIds, type Clock, type Ids, type Logger } from '../domain/ports.ts'
import { prepareStaffAtStart } from '../domain/staff/staff.ts'
import { createLineLogin } from '../line/login.ts'
import { createNodeVerifier } from '../line/signature-node.ts'
import { createServices, type LineSettings, type Services } from '../services.ts'
import { NodeProcessor } from './node-processor.ts'
import { mountStaticApps } from './static-node.ts'

export interface NodeServer {
  url: string
  port: number
  database: NodeDatabase
  services: Services
  processor: NodeProcessor
  /** The one-time code that makes the first owner (null once an owner exists). Shown, never logged. */
  ownerSetup: { code: string; expiresAt: number } | null
  /** Stop accepting, finish in-flight requests and processing, close the database. */
  close(): Promise<void>
}

export interface NodeServerOptions {
  config: Config
  line: LineSettings
  logger: Logger
  clock?: Clock
  ids?: Ids
  /** Start the background drain (tests may drive processing by hand). */
  process?: boolean
  lineTimeoutMs?: number
  mount?: (app: ReturnType<typeof createApp>) => void
  /** Sandbox only: this stand-in user is the shop's owner (no setup code needed). */
  demoOwner?: { lineUserId: string; displayName: string }
}

export async function startNodeServer(options: NodeServerOptions): Promise<NodeServer> {
  const { config, line, logger } = options
  const clock = options.clock ?? systemClock
  const ids = options.ids ?? webIds
  const database = openNodeDatabase(config.DATABASE_PATH)
  const services = createServices({
    db: database.db,
    atomic: betterSqliteAtomic(database.sqlite),
    line,
    clock,
    ids,
    logger,
    lineTimeoutMs: options.lineTimeoutMs,
  })
  // This process is the database's only user on Node: whatever was in flight when the previous
  // one stopped (crash, kill -9) is due again now, not after its lease runs out.
  const { inbox, outbox } = services.repositories
  const released =
    (await inbox.releaseInterrupted(clock.now())) + (await outbox.releaseInterrupted(clock.now()))
  if (released > 0) logger.info('resuming work interrupted by the previous stop', { released })
  const ownerSetup = await prepareStaffAtStart(
    {
      staff: services.repositories.staff,
      audit: services.repositories.audit,
      ids,
      now: () => clock.now(),
    },
    config.sandbox ? (options.demoOwner ?? null) : null,
  )
  const processor = new NodeProcessor(services.processorDeps, logger)
  const deps: AppDeps = {
    config,
    verifySignature: createNodeVerifier(line.channelSecret),
    inbox: services.repositories.inbox,
    clock,
    logger,
    kickProcessing: () => processor.kick(),
    repositories: services.repositories,
    db: database.db,
    ids,
    ...createLineLogin({ config, line, clock, logger }),
    cardKey: services.cardKey,
  }
  const app = createApp(() => deps)
  options.mount?.(app)
  mountStaticApps(app, logger)

  const server = await listen(app.fetch, config.PORT, config.HOST)
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : config.PORT
  if (options.process !== false) processor.start()

  let closing: Promise<void> | null = null
  return {
    url: `http://${config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST}:${port}`,
    port,
    database,
    services,
    processor,
    ownerSetup,
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve())
          // Idle keep-alive sockets would hold close() open; in-flight requests still finish.
          if ('closeIdleConnections' in server) server.closeIdleConnections()
        })
        await processor.stop()
        await database.close()
      })()
      return closing
    },
  }
}

function listen(fetch: Parameters<typeof serve>[0]['fetch'], port: number, hostname: string) {
  return new Promise<ServerType>((resolve, reject) => {
    const server = serve({ fetch, port, hostname }, () => resolve(server))
    server.once('error', reject)
  })
}
