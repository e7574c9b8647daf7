import type {
  D1Database,
  ExecutionContext,
  Fetcher,
  MessageBatch,
  Queue,
  ScheduledController,
} from '@cloudflare/workers-types/index.ts'
import { drizzle } from 'drizzle-orm/d1'
import { d1Atomic } from '../db/atomic.ts'
import { createApp } from '../app.ts'
import { ConfigError, parseConfig, type Config } from '../config.ts'
import type { Database } from '../db/database.ts'
import { schema } from '../db/schema.ts'
import type { AppDeps } from '../deps.ts'
import { systemClock, webIds, type Logger } from '../domain/ports.ts'
import { drainOnce } from '../domain/webhook/processor.ts'
import { createLineLogin } from '../line/login.ts'
import { createWebCryptoVerifier, type SignatureVerifier } from '../line/signature.ts'
import { runPeriodicJobs } from '../periodic.ts'
import { broadcastDeps } from '../broadcast-services.ts'
import {
  QUEUE_HOLD_MS,
  runChunk,
  runPlan,
  type BroadcastDeps,
} from '../domain/broadcasts/engine.ts'
import { createServices, type Services } from '../services.ts'
import { workersAiEmbeddings, type WorkersAi } from '../analysis/workers-ai-embeddings.ts'

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

const logger: Logger = {
  info: (message, fields) => console.log(message, fields ?? ''),
  warn: (message, fields) => console.warn(message, fields ?? ''),
  error: (message, fields) => console.error(message, fields ?? ''),
}

interface Runtime {
  config: Config
  services: Services
  verifySignature: SignatureVerifier
  login: ReturnType<typeof createLineLogin>
}

// Built from the bindings once per isolate and reused; the bindings' identity pins the cache.
let cached: { env: Env; runtime: Promise<Runtime> } | null = null

function runtimeFor(env: Env): Promise<Runtime> {
  if (cached?.env === env) return cached.runtime
  const runtime = (async (): Promise<Runtime> => {
    const config = parseConfig(stringVars(env))
    if (config.sandbox)
      throw new Error('LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN must be set on Workers')
    const d1 = drizzle(env.DB as never, { schema })
    const db = d1 as unknown as Database
    const line = {
      channelSecret: config.LINE_CHANNEL_SECRET ?? '',
      channelAccessToken: config.LINE_CHANNEL_ACCESS_TOKEN ?? '',
      apiBaseUrl: config.LINE_API_BASE_URL,
      dataApiBaseUrl: config.LINE_DATA_API_BASE_URL,
    }
    const services = createServices({
      db,
      atomic: d1Atomic(d1),
      line,
      // A D1 row holds at most 2 MB: larger customer images are kept as 'too_large'.
      maxContentBytes: 1_900_000,
      clock: systemClock,
      ids: webIds,
      logger,
      links: {
        liffId: config.LIFF_ID ?? null,
        publicUrl: config.PUBLIC_URL,
        timeZone: config.SHOP_TIMEZONE,
      },
      faq: { embeddings: workerEmbeddings(config, env) },
    })
    const verifySignature = await createWebCryptoVerifier(config.LINE_CHANNEL_SECRET ?? '')
    // Per isolate: ID token keys and the bot info are cached for the isolate's lifetime.
    const login = createLineLogin({ config, line, clock: systemClock, logger })
    return { config, services, verifySignature, login }
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

/** Drains until nothing is due or the pass budget is spent; the cron sweep picks up the rest. */
async function drain(services: Services, passes = 20): Promise<void> {
  for (let i = 0; i < passes; i++) {
    if ((await drainOnce(services.processorDeps)) === 0) return
  }
}

/**
 * After a webhook's 200: small batches, so what this invocation claims is handled while its reply
 * tokens are fresh (a claimed batch of 50 slow profile look-ups would outlive both the token and
 * waitUntil); anything left over goes to the queue at once instead of waiting for the cron.
 */
async function drainAfterWebhook(services: Services, jobs: Env['JOBS']): Promise<void> {
  for (let i = 0; i < 20; i++) {
    if ((await drainOnce(services.processorDeps, 5)) === 0) return
  }
  await jobs.send({ kind: 'drain' })
}

/**
 * Static assets (wrangler.toml [assets]) answer every file; a deep link into an app that is not a
 * file (/liff/card, /staff/members/…) reaches the Worker and gets that app's page.
 */
function appPage(request: Request, env: Env): Promise<Response> | null {
  const app = /^\/(liff|staff)\//.exec(new URL(request.url).pathname)?.[1]
  if (!app || !env.ASSETS || (request.method !== 'GET' && request.method !== 'HEAD')) return null
  const page = new URL(`/${app}/`, request.url).href
  return env.ASSETS.fetch(page, { method: request.method }) as unknown as Promise<Response>
}

/** The broadcast engine on Workers: due chunks fan out through the JOBS queue, one message each. */
function workerBroadcasts(runtime: Runtime, jobs: Env['JOBS']): BroadcastDeps {
  const deps: BroadcastDeps = broadcastDeps({
    ...runtime.services,
    clock: systemClock,
    ids: webIds,
    logger,
    links: {
      liffId: runtime.config.LIFF_ID ?? null,
      publicUrl: runtime.config.PUBLIC_URL,
      timeZone: runtime.config.SHOP_TIMEZONE,
    },
    dispatch: async (broadcastId) => {
      // Held while queued, so the next cron does not enqueue the same chunks again.
      const ids = await deps.store.holdDueChunks(
        systemClock.now(),
        QUEUE_HOLD_MS,
        20_000,
        broadcastId === 0 ? undefined : broadcastId,
      )
      // sendBatch takes at most 100 messages.
      for (let i = 0; i < ids.length; i += 100)
        await jobs.sendBatch(
          ids.slice(i, i + 100).map((chunkId) => ({
            body: { kind: 'broadcast_chunk' as const, chunkId },
          })),
        )
    },
    // Planning a large audience outlives a request's waitUntil; a consumer invocation has minutes.
    startPlan: (broadcastId, token) => jobs.send({ kind: 'broadcast_plan', broadcastId, token }),
  })
  return deps
}

/** The bindings plus this isolate's runtime, handed to the app as its env. */
type AppBindings = Env & { runtime: Runtime }

const app = createApp((c): AppDeps => {
  const { runtime, JOBS } = c.env as AppBindings
  const ctx = c.executionCtx as unknown as ExecutionContext
  return {
    config: runtime.config,
    verifySignature: runtime.verifySignature,
    inbox: runtime.services.repositories.inbox,
    clock: systemClock,
    logger,
    kickProcessing: () => ctx.waitUntil(drainAfterWebhook(runtime.services, JOBS)),
    dispatchBroadcast: (id) => workerBroadcasts(runtime, JOBS).dispatch(id),
    startBroadcastPlan: (id, token) => workerBroadcasts(runtime, JOBS).startPlan(id, token),
    repositories: runtime.services.repositories,
    db: runtime.services.db,
    atomic: runtime.services.atomic,
    ids: webIds,
    idTokens: runtime.login.idTokens,
    botInfo: runtime.login.botInfo,
    cardKey: runtime.services.cardKey,
    messenger: runtime.services.messenger,
    support: runtime.services.support,
    faq: runtime.services.faq,
  }
})

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    const page = appPage(request, env)
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
    const { services } = await runtimeFor(env)
    ctx.waitUntil(drain(services, 100))
    const runtime = await runtimeFor(env)
    const { config } = runtime
    ctx.waitUntil(
      runPeriodicJobs({
        services,
        clock: systemClock,
        ids: webIds,
        logger,
        timeZone: config.SHOP_TIMEZONE,
        broadcasts: workerBroadcasts(runtime, env.JOBS),
      }),
    )
  },

  async queue(batch: MessageBatch<JobMessage>, env: Env): Promise<void> {
    const runtime = await runtimeFor(env)
    const { services } = runtime
    const broadcasts = workerBroadcasts(runtime, env.JOBS)
    // Chunks of one batch go out concurrently (the shared pacer keeps the rate); a chunk whose
    // send failed for good or was retried later is settled in its row, so every message is acked.
    await Promise.all(
      batch.messages.map(async (message) => {
        try {
          const body = message.body
          if (body.kind === 'drain') await drain(services, 100)
          else if (body.kind === 'broadcast_plan')
            await runPlan(broadcasts, body.broadcastId, body.token)
          else await runChunk(broadcasts, body.chunkId)
          message.ack()
        } catch (error) {
          logger.error('job failed', { kind: message.body.kind, error: String(error) })
          message.retry()
        }
      }),
    )
  },
}
