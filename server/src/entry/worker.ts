import type {
  D1Database,
  ExecutionContext,
  Fetcher,
  MessageBatch,
  Queue,
  ScheduledController,
} from '@cloudflare/workers-types/index.ts'
import type { PublicConfig } from '@joren/shared'
import { drizzle } from 'drizzle-orm/d1'
import { createApp } from '../app.ts'
import { workersAiEmbeddings, type WorkersAi } from '../analysis/workers-ai-embeddings.ts'
import { composeServices, type Background } from '../compose/index.ts'
import { runPeriodicJobs } from '../compose/upkeep.ts'
import { ConfigError, parseConfig, type Config } from '../config.ts'
import { d1Atomic } from '../db/atomic.ts'
import type { Database } from '../db/database.ts'
import { schema } from '../db/schema.ts'
import { QUEUE_HOLD_MS, runChunk, runPlan } from '../domain/broadcasts/engine.ts'
import { systemClock, webIds, type Defer, type Logger } from '../domain/ports.ts'
import { drainAndLinger } from '../domain/webhook/processor.ts'
import { Redactor } from '../domain/ops/redaction.ts'
import { createConsoleLogger } from './console-logger.ts'
import { renderMemberPage } from './member-page.ts'
import { createWebCryptoVerifier } from '../line/signature.ts'
import { pageSecurityHeaders, type PageApp } from '../middleware/security-headers.ts'
import type { Services } from '../middleware/env.ts'

export interface Env {
  DB: D1Database
  JOBS: Queue<JobMessage>
  ASSETS?: Fetcher
  [name: string]: unknown
}

/** Messages on the JOBS queue: an inbox drain, one broadcast chunk to send, or a claimed plan. */
export type JobMessage =
  | { kind: 'drain' }
  | { kind: 'broadcast_chunk'; chunkId: number }
  | { kind: 'broadcast_plan'; broadcastId: number; token: number }

// JSON lines (Workers Logs parse them) through the redaction layer, which learns the channel's
// secrets below and each short-lived token as it is issued.
const redactor = new Redactor()
const logger: Logger = createConsoleLogger('info', {
  redactor,
  write: (line) => console.log(line.trimEnd()),
})

interface Runtime {
  config: Config
  services: Services
  background: Background
}

// Built from the bindings once per isolate and reused; the bindings' identity pins the cache.
let cached: { env: Env; runtime: Promise<Runtime> } | null = null

function runtimeFor(env: Env): Promise<Runtime> {
  if (cached?.env === env) return cached.runtime
  const runtime = (async (): Promise<Runtime> => {
    const config = parseConfig(stringVars(env))
    for (const secret of [
      config.LINE_CHANNEL_SECRET,
      config.LINE_CHANNEL_ACCESS_TOKEN,
      config.LINE_CHANNEL_PRIVATE_KEY,
    ])
      redactor.add(secret)
    if (config.sandbox)
      throw new Error('LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN must be set on Workers')
    const d1 = drizzle(env.DB as never, { schema })
    // The queue-backed jobs reach the background once it exists (it is built from the services).
    const late: { background?: Background } = {}
    const composed = composeServices({
      config,
      db: d1 as unknown as Database,
      atomic: d1Atomic(d1),
      line: {
        channelSecret: config.LINE_CHANNEL_SECRET ?? '',
        channelAccessToken: config.LINE_CHANNEL_ACCESS_TOKEN ?? '',
        apiBaseUrl: config.LINE_API_BASE_URL,
        dataApiBaseUrl: config.LINE_DATA_API_BASE_URL,
      },
      // A D1 row holds at most 2 MB: larger customer images are kept as 'too_large'.
      maxContentBytes: 1_900_000,
      clock: systemClock,
      ids: webIds,
      logger,
      secrets: redactor,
      verifySignature: await createWebCryptoVerifier(config.LINE_CHANNEL_SECRET ?? ''),
      faq: { embeddings: workerEmbeddings(config, env) },
      jobs: {
        kickProcessing: (defer) => {
          if (late.background) defer(drainAfterWebhook(late.background, env.JOBS))
        },
        dispatchBroadcast: async (broadcastId) => {
          const background = late.background
          if (!background) return
          // Held while queued, so the next cron does not enqueue the same chunks again.
          const ids = await background.broadcasts.store.holdDueChunks(
            systemClock.now(),
            QUEUE_HOLD_MS,
            20_000,
            broadcastId === 0 ? undefined : broadcastId,
          )
          // sendBatch takes at most 100 messages.
          for (let i = 0; i < ids.length; i += 100)
            await env.JOBS.sendBatch(
              ids.slice(i, i + 100).map((chunkId) => ({
                body: { kind: 'broadcast_chunk' as const, chunkId },
              })),
            )
        },
        // Planning a large audience outlives a request's waitUntil; a consumer has minutes.
        startBroadcastPlan: (broadcastId, token) =>
          env.JOBS.send({ kind: 'broadcast_plan', broadcastId, token }),
      },
    })
    late.background = composed.background
    return { config, services: composed.services, background: composed.background }
  })()
  cached = { env, runtime }
  return runtime
}

/** FAQ embeddings through the Workers AI binding, when FAQ_EMBEDDINGS=workers-ai. */
function workerEmbeddings(config: Config, env: Env) {
  if (config.FAQ_EMBEDDINGS === 'off') return null
  const ai = env.AI as WorkersAi | undefined
  if (config.FAQ_EMBEDDINGS !== 'workers-ai' || !ai?.run)
    throw new ConfigError(
      'Invalid configuration: FAQ_EMBEDDINGS on Workers must be workers-ai, with an [ai] binding named AI',
    )
  return workersAiEmbeddings(ai, config.FAQ_EMBEDDING_MODEL)
}

function stringVars(env: Env): Record<string, string | undefined> {
  const vars: Record<string, string | undefined> = {}
  for (const [key, value] of Object.entries(env)) if (typeof value === 'string') vars[key] = value
  return vars
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/**
 * Drains until nothing is due or the pass budget is spent (waiting a few seconds for reply
 * retries, whose tokens expire); the cron sweep picks up the rest.
 */
async function drain(background: Background, passes = 20): Promise<void> {
  await drainAndLinger(background.processorDeps, {
    batch: 50,
    passes,
    lingerMs: 3_000,
    budgetMs: 60_000,
    sleep,
  })
}

/**
 * After a webhook's 200: small batches, so what this invocation claims is handled while its reply
 * tokens are fresh (a claimed batch of 50 slow profile look-ups would outlive both the token and
 * waitUntil); reply retries a moment later are waited for within waitUntil's time; anything left
 * over goes to the queue at once instead of waiting for the cron.
 */
async function drainAfterWebhook(background: Background, jobs: Env['JOBS']): Promise<void> {
  const done = await drainAndLinger(background.processorDeps, {
    batch: 5,
    passes: 20,
    lingerMs: 3_000,
    budgetMs: 20_000,
    sleep,
  })
  if (!done) await jobs.send({ kind: 'drain' })
}

/**
 * Static assets (wrangler.toml [assets]) answer every file, with the headers of
 * liff-app/public/_headers; a deep link into an app that is not a file (/liff/card,
 * /staff/members/…) reaches the Worker and gets that app's page, with the same security headers
 * set here (a Worker's response does not get _headers).
 */
async function appPage(request: Request, env: Env): Promise<Response | null> {
  const app = /^\/(liff|staff)(\/|$)/.exec(new URL(request.url).pathname)?.[1] as
    | PageApp
    | undefined
  if (!app || !env.ASSETS || (request.method !== 'GET' && request.method !== 'HEAD')) return null
  const page = new URL(`/${app}/`, request.url).href
  const asset = (await env.ASSETS.fetch(page, { method: request.method })) as unknown as Response
  const response =
    app === 'liff' && request.method === 'GET' && asset.ok
      ? new Response(
          renderMemberPage(await asset.text(), new URL(request.url), await memberConfig(env)),
          asset,
        )
      : new Response(asset.body, asset)
  response.headers.set('Cache-Control', 'no-cache')
  for (const [name, value] of Object.entries(pageSecurityHeaders(app, true)))
    response.headers.set(name, value)
  return response
}

/** The public config for the member page; null (the page then fetches it) when it cannot be read. */
async function memberConfig(env: Env): Promise<PublicConfig | null> {
  try {
    return await (await runtimeFor(env)).services.memberApp.publicConfig()
  } catch (error) {
    logger.error('member page: public config not inlined', { error: String(error) })
    return null
  }
}

/** The bindings plus this isolate's runtime, handed to the app as its env. */
type AppBindings = Env & { runtime: Runtime }

const app = createApp((bindings, waitUntil) => {
  const { runtime } = bindings as AppBindings
  const defer: Defer = waitUntil ?? (() => undefined)
  return { services: runtime.services, defer }
})

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    const page = await appPage(request, env)
    if (page) return page
    const runtime = await runtimeFor(env)
    const bindings: AppBindings = { ...env, runtime }
    return app.fetch(request, bindings, ctx as never)
  },

  async scheduled(
    _controller: ScheduledController,
    env: Env,
    ctx: ExecutionContext,
  ): Promise<void> {
    const { background, config } = await runtimeFor(env)
    ctx.waitUntil(drain(background, 100))
    ctx.waitUntil(
      runPeriodicJobs({
        background,
        clock: systemClock,
        ids: webIds,
        logger,
        timeZone: config.SHOP_TIMEZONE,
      }),
    )
  },

  async queue(batch: MessageBatch<JobMessage>, env: Env): Promise<void> {
    const { background } = await runtimeFor(env)
    // Chunks of one batch go out concurrently (the shared pacer keeps the rate); a chunk whose
    // send failed for good or was retried later is settled in its row, so every message is acked.
    await Promise.all(
      batch.messages.map(async (message) => {
        try {
          const body = message.body
          if (body.kind === 'drain') await drain(background, 100)
          else if (body.kind === 'broadcast_plan')
            await runPlan(background.broadcasts, body.broadcastId, body.token)
          else await runChunk(background.broadcasts, body.chunkId)
          message.ack()
        } catch (error) {
          logger.error('job failed', { kind: message.body.kind, error: String(error) })
          message.retry()
        }
      }),
    )
  },
}
