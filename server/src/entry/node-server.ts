import { getRequestListener } from '@hono/node-server'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { nodeFaqOptionsFor, warmNodeFaq } from '../analysis/node-faq.ts'
import { createApp } from '../app.ts'
import { composeServices, type Background } from '../compose/index.ts'
import type { LineSettings } from '../compose/ports.ts'
import { runPeriodicJobs } from '../compose/upkeep.ts'
import type { Config } from '../config.ts'
import { betterSqliteAtomic } from '../db/atomic.ts'
import { groupCommitInbox } from '../db/group-commit-inbox.ts'
import { openNodeDatabase, type NodeDatabase } from '../db/node-sqlite.ts'
import { createScheduledBackup } from './scheduled-backup.ts'
import { rebuildMemberRfmInThreads } from '../db/segments/rfm-threads.ts'
import type { SummaryRebuild } from '../db/segments/upkeep.ts'
import { systemClock, webIds, type Clock, type Ids, type Logger } from '../domain/ports.ts'
import { guardChannelMode } from '../domain/shop/channel-mode.ts'
import { createNodeHttpFetch } from '../line/node-http-fetch.ts'
import { createNodeVerifier } from '../line/signature-node.ts'
import type { Services } from '../middleware/env.ts'
import { loopbackRefusal, loopbackRefusalBody } from '../middleware/loopback-only.ts'
import { NodeBroadcastSender } from './node-broadcast-sender.ts'
import { NodeProcessor } from './node-processor.ts'
import { handleWebhookRequest, isWebhookRequest } from './node-webhook.ts'
import { mountStaticApps } from './static-node.ts'

export interface NodeServer {
  url: string
  port: number
  database: NodeDatabase
  services: Services
  /** What the background loops drive (repositories, the processor's deps, the broadcast engine). */
  background: Background
  processor: NodeProcessor
  /** Sends broadcast chunks in-process (resumes interrupted broadcasts at start). */
  broadcasts: NodeBroadcastSender
  /** The daily segment summary rebuild in worker threads (undefined for an in-memory database). */
  rebuildSummary: SummaryRebuild | undefined
  /** The one-time code that makes the first owner (null once an owner exists). Shown, never logged. */
  ownerSetup: { code: string; expiresAt: number } | null
  /** One pass of the periodic jobs (the timer runs it every minute). */
  runPeriodic(): Promise<void>
  /** The scheduled backup's check (BACKUP_DIR): a backup if the newest is a day old; its path. */
  backupNow(): Promise<string | null>
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
  /**
   * Load the FAQ analyser (lindera: ~1.2 s of WebAssembly compilation on one thread) before the
   * server listens, so no customer's message waits for it. `npm start` does; tests that never ask
   * the FAQ leave it to the first question.
   */
  warmFaq?: boolean
  /** The log redaction layer: learns each issued channel access token. */
  secrets?: { add(secret: string): void }
}

/** Node: one SQLite file, one process; the composition root builds the services once. */
export async function startNodeServer(options: NodeServerOptions): Promise<NodeServer> {
  const { config, line, logger } = options
  const clock = options.clock ?? systemClock
  const ids = options.ids ?? webIds
  const database = openNodeDatabase(config.DATABASE_PATH)
  if (options.warmFaq) warmNodeFaq(logger)
  // The daily summary rebuild reads purchases in worker threads (a file database only).
  const rebuildSummary: SummaryRebuild | undefined =
    config.DATABASE_PATH === ':memory:'
      ? undefined
      : (windowStart, now) =>
          rebuildMemberRfmInThreads(database.sqlite, config.DATABASE_PATH, windowStart, now)
  // The loops below are built from the services; the ports reach them once they exist.
  const loops: { processor?: NodeProcessor; broadcasts?: NodeBroadcastSender } = {}
  const { services, background } = composeServices({
    config,
    db: database.db,
    atomic: betterSqliteAtomic(database.sqlite),
    line,
    clock,
    ids,
    logger,
    verifySignature: createNodeVerifier(line.channelSecret),
    secrets: options.secrets,
    lineTimeoutMs: options.lineTimeoutMs,
    // Enough sockets that no call waits for one: the outbox's sends in flight (NodeProcessor),
    // broadcast chunks (NodeBroadcastSender) and profile look-ups; the pacer keeps the rates.
    lineFetch: createNodeHttpFetch({ maxSockets: 512 }),
    // Webhook deliveries read in the same event-loop turn share one transaction (group commit).
    wrapInbox: (inbox) => groupCommitInbox(database.sqlite, inbox),
    rebuildSummary,
    // lindera words (loaded on the first FAQ message), plus ONNX embeddings when turned on.
    faq: await nodeFaqOptionsFor(config),
    jobs: {
      kickProcessing: () => loops.processor?.kick(),
      dispatchBroadcast: async () => loops.broadcasts?.wake(),
      startBroadcastPlan: async (id, token) => loops.broadcasts?.startPlan(id, token),
    },
  })
  try {
    await guardChannelMode(background.repositories.settings, config.sandbox, clock.now())
  } catch (error) {
    await database.close()
    throw error
  }
  // This process is the database's only user on Node: whatever was in flight when the previous
  // one stopped (crash, kill -9) is due again now, not after its lease runs out.
  const { inbox, outbox } = background.repositories
  const released =
    (await inbox.releaseInterrupted(clock.now())) + (await outbox.releaseInterrupted(clock.now()))
  if (released > 0) logger.info('resuming work interrupted by the previous stop', { released })
  const ownerSetup = await background.prepareStaffAtStart(
    config.sandbox ? (options.demoOwner ?? null) : null,
  )
  const processor = new NodeProcessor(background.processorDeps, logger)
  const sender = new NodeBroadcastSender(() => background.broadcasts)
  loops.processor = processor
  loops.broadcasts = sender

  const app = createApp(() => ({ services, defer: () => undefined }))
  options.mount?.(app)
  mountStaticApps(app, logger, { https: config.PUBLIC_URL.startsWith('https:') })

  const server = await listen(app.fetch, services, config.PORT, config.HOST, config.sandbox)
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : config.PORT
  if (options.process !== false) {
    processor.start()
    await sender.start()
  }
  // A slow pass (the daily summary rebuild) must not overlap the next tick: a call during a run
  // joins it; close() waits for it.
  let periodicRun: Promise<void> | null = null
  const runPeriodic = () =>
    (periodicRun ??= runPeriodicJobs({
      background,
      clock,
      ids,
      logger,
      timeZone: config.SHOP_TIMEZONE,
      // Long passes take turns with event processing and sending on the requests' thread.
      pace: processor.pace,
    }).finally(() => {
      periodicRun = null
    }))
  // BACKUP_DIR: an online backup once a day (checked each minute), the newest BACKUP_KEEP kept.
  const scheduledBackup = config.BACKUP_DIR
    ? createScheduledBackup({
        database,
        databasePath: config.DATABASE_PATH,
        dir: config.BACKUP_DIR,
        keep: config.BACKUP_KEEP,
        clock,
        logger,
      })
    : null
  const periodicTimer = setInterval(() => {
    void runPeriodic()
    void scheduledBackup?.tick()
  }, 60_000)
  periodicTimer.unref()

  let closing: Promise<void> | null = null
  return {
    url: `http://${config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST}:${port}`,
    port,
    database,
    services,
    background,
    processor,
    broadcasts: sender,
    rebuildSummary,
    ownerSetup,
    runPeriodic,
    backupNow: () => scheduledBackup?.tick() ?? Promise.resolve(null),
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve())
          // Idle keep-alive sockets would hold close() open; in-flight requests still finish.
          if ('closeIdleConnections' in server) server.closeIdleConnections()
        })
        clearInterval(periodicTimer)
        await periodicRun
        await scheduledBackup?.idle()
        await processor.stop()
        await sender.stop()
        await database.close()
      })()
      return closing
    },
  }
}

/**
 * POST /webhook straight from node:http (see node-webhook.ts); everything else through Hono. The
 * sandbox answers only loopback requests to its own port, without proxy headers (loopback-only.ts).
 */
function listen(
  fetch: Parameters<typeof getRequestListener>[0],
  services: Services,
  port: number,
  hostname: string,
  loopbackOnly: boolean,
) {
  const honoListener = getRequestListener(fetch, { hostname })
  return new Promise<Server>((resolve, reject) => {
    const server = createServer((req, res) => {
      if (loopbackOnly && refuseNonLoopback(server, req, res)) return
      if (isWebhookRequest(req)) {
        // Hono's request log does not see this path: the same line, with its request ID.
        const requestId = crypto.randomUUID()
        const started = Date.now()
        res.setHeader('x-request-id', requestId)
        res.once('finish', () =>
          services.logger.info('request', {
            requestId,
            method: 'POST',
            path: '/webhook',
            status: res.statusCode,
            ms: Date.now() - started,
          }),
        )
        handleWebhookRequest(services, req, res)
      } else void honoListener(req, res)
    })
    server.once('error', reject)
    server.listen(port, hostname, () => resolve(server))
  })
}

function refuseNonLoopback(server: Server, req: IncomingMessage, res: ServerResponse): boolean {
  const address = server.address()
  const refusal = loopbackRefusal(
    {
      host: req.headers.host,
      remoteAddress: req.socket.remoteAddress,
      has: (name) => req.headers[name] !== undefined,
    },
    typeof address === 'object' && address ? address.port : -1,
  )
  if (refusal === null) return false
  const body = JSON.stringify(loopbackRefusalBody(refusal))
  // The request body (if any) is never read: close the connection rather than drain it.
  res.shouldKeepAlive = false
  res.writeHead(403, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    connection: 'close',
  })
  res.end(body)
  return true
}
