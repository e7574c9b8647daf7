import { getRequestListener } from '@hono/node-server'
import { createServer, type Server } from 'node:http'
import { createApp } from '../app.ts'
import type { Config } from '../config.ts'
import { betterSqliteAtomic } from '../db/atomic.ts'
import { groupCommitInbox } from '../db/group-commit-inbox.ts'
import { openNodeDatabase, type NodeDatabase } from '../db/node-sqlite.ts'
import type { AppDeps } from '../deps.ts'
import { systemClock, webIds, type Clock, type Ids, type Logger } from '../domain/ports.ts'
import { prepareStaffAtStart } from '../domain/staff/staff.ts'
import { createLineLogin } from '../line/login.ts'
import { guardChannelMode } from '../domain/shop/channel-mode.ts'
import { createNodeHttpFetch } from '../line/node-http-fetch.ts'
import { createNodeVerifier } from '../line/signature-node.ts'
import { runPeriodicJobs } from '../periodic.ts'
import { rebuildMemberRfmInThreads } from '../db/segments/rfm-threads.ts'
import type { SummaryRebuild } from '../db/segments/upkeep.ts'
import { broadcastDeps, NodeBroadcastSender } from '../broadcast-services.ts'
import { createServices, type LineSettings, type Services } from '../services.ts'
import { nodeFaqOptionsFor } from '../analysis/node-faq.ts'
import { NodeProcessor } from './node-processor.ts'
import { handleWebhookRequest, isWebhookRequest } from './node-webhook.ts'
import { mountStaticApps } from './static-node.ts'

export interface NodeServer {
  url: string
  port: number
  database: NodeDatabase
  services: Services
  processor: NodeProcessor
  /** Sends broadcast chunks in-process (resumes interrupted broadcasts at start). */
  broadcasts: NodeBroadcastSender
  /** The daily segment summary rebuild in worker threads (undefined for an in-memory database). */
  rebuildSummary: SummaryRebuild | undefined
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
    // Enough sockets for broadcast chunks in flight at LINE's rate limits (see NodeBroadcastSender).
    lineFetch: createNodeHttpFetch({ maxSockets: 64 }),
    links: {
      liffId: config.LIFF_ID ?? null,
      publicUrl: config.PUBLIC_URL,
      timeZone: config.SHOP_TIMEZONE,
    },
    faq: await nodeFaqOptionsFor(config),
  })
  try {
    await guardChannelMode(services.repositories.settings, config.sandbox, clock.now())
  } catch (error) {
    await database.close()
    throw error
  }
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
  const broadcastEngine = broadcastDeps({
    ...services,
    clock,
    ids,
    logger,
    links: {
      liffId: config.LIFF_ID ?? null,
      publicUrl: config.PUBLIC_URL,
      timeZone: config.SHOP_TIMEZONE,
    },
    dispatch: async () => broadcasts.wake(),
    startPlan: async (id, token) => broadcasts.startPlan(id, token),
  })
  const broadcasts = new NodeBroadcastSender(() => broadcastEngine)
  const deps: AppDeps = {
    config,
    verifySignature: createNodeVerifier(line.channelSecret),
    // Webhook deliveries read in the same event-loop turn share one transaction (group commit).
    inbox: groupCommitInbox(database.sqlite, services.repositories.inbox),
    clock,
    logger,
    kickProcessing: () => processor.kick(),
    dispatchBroadcast: async () => broadcasts.wake(),
    startBroadcastPlan: async (id, token) => broadcasts.startPlan(id, token),
    repositories: services.repositories,
    db: database.db,
    atomic: services.atomic,
    ids,
    ...createLineLogin({ config, line, clock, logger }),
    cardKey: services.cardKey,
    messenger: services.messenger,
    support: services.support,
    faq: services.faq,
  }
  const app = createApp(() => deps)
  options.mount?.(app)
  mountStaticApps(app, logger)

  const server = await listen(app.fetch, deps, config.PORT, config.HOST)
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : config.PORT
  if (options.process !== false) {
    processor.start()
    await broadcasts.start()
  }
  // The daily summary rebuild reads purchases in worker threads (a file database only).
  const rebuildSummary: SummaryRebuild | undefined =
    config.DATABASE_PATH === ':memory:'
      ? undefined
      : (windowStart, now) =>
          rebuildMemberRfmInThreads(database.sqlite, config.DATABASE_PATH, windowStart, now)
  // A slow pass (the daily summary rebuild) must not overlap the next tick; close() waits for it.
  let periodicRun: Promise<void> | null = null
  const periodicTimer = setInterval(() => {
    if (periodicRun) return
    periodicRun = runPeriodicJobs({
      services,
      clock,
      ids,
      logger,
      timeZone: config.SHOP_TIMEZONE,
      broadcasts: broadcastEngine,
      rebuildSummary,
    }).finally(() => {
      periodicRun = null
    })
  }, 60_000)
  periodicTimer.unref()

  let closing: Promise<void> | null = null
  return {
    url: `http://${config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST}:${port}`,
    port,
    database,
    services,
    processor,
    broadcasts,
    rebuildSummary,
    ownerSetup,
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve())
          // Idle keep-alive sockets would hold close() open; in-flight requests still finish.
          if ('closeIdleConnections' in server) server.closeIdleConnections()
        })
        clearInterval(periodicTimer)
        await periodicRun
        await processor.stop()
        await broadcasts.stop()
        await database.close()
      })()
      return closing
    },
  }
}

/** POST /webhook straight from node:http (see node-webhook.ts); everything else through Hono. */
function listen(
  fetch: Parameters<typeof getRequestListener>[0],
  deps: AppDeps,
  port: number,
  hostname: string,
) {
  const honoListener = getRequestListener(fetch, { hostname })
  return new Promise<Server>((resolve, reject) => {
    const server = createServer((req, res) => {
      if (isWebhookRequest(req)) handleWebhookRequest(deps, req, res)
      else void honoListener(req, res)
    })
    server.once('error', reject)
    server.listen(port, hostname, () => resolve(server))
  })
}
