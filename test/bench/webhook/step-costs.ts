/**
 * Diagnostic (not part of `npm run bench`): what one webhook event costs Joren, step by step, on
 * one core. Runs the product's own functions in this process against a real SQLite file, with the
 * LINE stand-in in a child process (on the other core when taskset is available), so the CPU
 * figures below are Joren's alone.
 *
 *   npx tsx test/bench/webhook/step-costs.ts [events=20000]
 */
import { parseWebhookEvent, type WebhookEvent } from '@joren/shared'
import { createHmac } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { parseConfig } from '../../../server/src/config.ts'
import { openNodeDatabase } from '../../../server/src/db/node-sqlite.ts'
import { betterSqliteAtomic } from '../../../server/src/db/atomic.ts'
import { silentLogger, systemClock, webIds } from '../../../server/src/domain/ports.ts'
import { toInboxRow } from '../../../server/src/domain/webhook/inbox.ts'
import { drainOnce, processDueEvents } from '../../../server/src/domain/webhook/processor.ts'
import { deliverDueMessages } from '../../../server/src/domain/messaging/outbox.ts'
import { createNodeHttpFetch } from '../../../server/src/line/node-http-fetch.ts'
import { createNodeVerifier } from '../../../server/src/line/signature-node.ts'
import { startNodeServer } from '../../../server/src/entry/node-server.ts'
import { NodeProcessor } from '../../../server/src/entry/node-processor.ts'
import { composeServices } from '../../../server/src/compose/index.ts'
import { pinningAvailable, pinSelf, startChild } from '../support/child.ts'
import type { BuiltEvents, StandInReady } from './stand-in-process.ts'

/** The first event of a parsed body, sorted as the webhook sorts it (it must be a known shape). */
function firstEvent(json: unknown): WebhookEvent {
  const result = parseWebhookEvent((json as { events: unknown[] }).events[0])
  if (!result.success) throw new Error(`not a known event: ${result.problem}`)
  return result.event
}

const N = Number(process.argv[2] ?? 20_000)
const pinned = pinningAvailable()
const restore = pinned ? pinSelf(0) : () => undefined
const dir = mkdtempSync(join(tmpdir(), 'joren-steps-'))
const standIn = await startChild<StandInReady>({
  name: 'stand-in',
  script: 'test/bench/webhook/stand-in-process.ts',
  core: pinned ? 1 : null,
})
const out = (text: string) => process.stdout.write(`${text}\n`)

try {
  const line = standIn.ready
  const build = async (count: number) => {
    const built = await standIn.request<BuiltEvents>('events', { count })
    return built.bodies.map((body) => ({
      body,
      bytes: new TextEncoder().encode(body),
      signature: createHmac('sha256', line.channelSecret).update(body).digest('base64'),
    }))
  }
  const warm = await build(2_000)
  const events = await build(N)
  out(
    `${N} one-event webhook bodies (~${events[0]?.bytes.length ?? 0} bytes), pinned: ${pinned ? 'this process core 0, stand-in core 1' : 'no'}`,
  )
  out('step                                              µs/event (CPU, this thread)')

  /** Runs fn over every input; returns CPU µs per event (user + system of this process). */
  const time = async <T>(label: string, inputs: T[], fn: (input: T, i: number) => unknown) => {
    const c0 = process.cpuUsage()
    const t0 = performance.now()
    for (let i = 0; i < inputs.length; i++) await fn(inputs[i] as T, i)
    const wall = ((performance.now() - t0) * 1000) / inputs.length
    const c = process.cpuUsage(c0)
    const cpu = (c.user + c.system) / inputs.length
    out(`${label.padEnd(50)}${cpu.toFixed(1).padStart(8)}   (wall ${wall.toFixed(1)})`)
    return cpu
  }

  const verify = createNodeVerifier(line.channelSecret)
  const decoder = new TextDecoder()
  for (const e of warm) {
    await verify(e.bytes, e.signature)
    firstEvent(JSON.parse(decoder.decode(e.bytes)))
  }
  await time('signature verify (HMAC-SHA256, node:crypto)', events, (e) =>
    verify(e.bytes, e.signature),
  )
  const parsedJson = events.map(() => null as unknown)
  await time('TextDecoder + JSON.parse', events, (e, i) => {
    parsedJson[i] = JSON.parse(decoder.decode(e.bytes))
  })
  const parsed: WebhookEvent[] = []
  await time('zod parseWebhookEvent (the event of each body)', events, (_e, i) => {
    parsed[i] = firstEvent(parsedJson[i])
  })
  const rawEvent = (i: number) => (parsedJson[i] as { events: unknown[] }).events[0]
  const rows = parsed.map((event, i) => toInboxRow(event, rawEvent(i)))
  await time('toInboxRow (incl. JSON.stringify of the event)', parsed, (event, i) =>
    toInboxRow(event, rawEvent(i)),
  )

  const database = openNodeDatabase(join(dir, 'steps.db'))
  const services = composeAt(database, { line, lineFetch: undefined })
  const { inbox } = services.repositories
  await time('inbox.store (SQLite INSERT … RETURNING, WAL)', rows, (row) =>
    inbox.store([row], Date.now()),
  )

  // The whole route in-process: the product's own app (as startNodeServer wires it) through
  // app.fetch, without sockets; its drain is stopped so only the route runs.
  let app: { fetch(request: Request): Response | Promise<Response> } | null = null
  const routeServer = await startNodeServer({
    config: parseConfig({
      DATABASE_PATH: join(dir, 'steps-app.db'),
      PORT: '0',
      HOST: '127.0.0.1',
      LINE_CHANNEL_SECRET: line.channelSecret,
      LINE_CHANNEL_ACCESS_TOKEN: line.channelAccessToken,
      LINE_API_BASE_URL: line.url,
      LINE_DATA_API_BASE_URL: line.url,
    }),
    line: {
      channelSecret: line.channelSecret,
      channelAccessToken: line.channelAccessToken,
      apiBaseUrl: line.url,
      dataApiBaseUrl: line.url,
    },
    logger: silentLogger,
    process: false,
    mount: (mounted) => {
      app = mounted
    },
  })
  await routeServer.processor.stop()
  if (!app) throw new Error('startNodeServer did not mount the app')
  const route: { fetch(request: Request): Response | Promise<Response> } = app
  const request = (e: (typeof events)[number]) =>
    new Request('http://127.0.0.1/webhook', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-line-signature': e.signature },
      body: e.bytes,
    })
  for (const e of warm) await route.fetch(request(e))
  await time('whole route: Hono app.fetch(new Request) → 200', events, async (e) => {
    const response = await route.fetch(request(e))
    if (response.status !== 200) throw new Error(`status ${response.status}`)
  })

  // Processing: what the drain does per stored event, split into its two halves. Fresh events
  // in a fresh database, so reply tokens are still live when their turn comes.
  const drainDb = openNodeDatabase(join(dir, 'drain.db'))
  // As the Node entry wires it (node-server.ts): keep-alive node:http instead of global fetch.
  const drainServices = composeAt(drainDb, { line, lineFetch: createNodeHttpFetch() })
  const storeFresh = async (count: number) => {
    for (const e of await build(count)) {
      const json = JSON.parse(e.body) as { events: unknown[] }
      const row = toInboxRow(firstEvent(json), json.events[0])
      await drainServices.repositories.inbox.store([row], Date.now())
    }
  }
  const D = Math.min(N, 10_000)
  await storeFresh(D)
  out('')
  const drainStep = async (label: string, step: () => Promise<number>) => {
    const c0 = process.cpuUsage()
    const t0 = performance.now()
    let handled = 0
    for (let n = await step(); n > 0; n = await step()) handled += n
    const c = process.cpuUsage(c0)
    const wall = performance.now() - t0
    out(
      `${label.padEnd(50)}${((c.user + c.system) / handled).toFixed(1).padStart(8)}   (wall ${((wall * 1000) / handled).toFixed(1)}; ${handled} handled)`,
    )
  }
  const before = await standIn.request<{ reply: number; push: number }>('replies')
  await drainStep('drain: processDueEvents (batches of 50)', () =>
    processDueEvents(drainServices.processorDeps, 50),
  )
  await drainStep('drain: deliverDueMessages (one LINE call each)', () =>
    deliverDueMessages(drainServices.processorDeps, 50),
  )
  await drainOnce(drainServices.processorDeps, 50)
  const after = await standIn.request<{ reply: number; push: number }>('replies')
  out(
    `stand-in received ${after.reply - before.reply} replies, ${after.push - before.push} pushes for ${D} events`,
  )

  // How long one batch of 50 holds the event loop without yielding (the webhook waits that long).
  await storeFresh(2_000)
  const blocks: number[] = []
  let last = performance.now()
  let maxGap = 0
  const probe = setInterval(() => {
    const now = performance.now()
    maxGap = Math.max(maxGap, now - last)
    last = now
  }, 0)
  const t0 = performance.now()
  for (let n = 1; n > 0; ) {
    const b0 = performance.now()
    n = await processDueEvents(drainServices.processorDeps, 50)
    blocks.push(performance.now() - b0)
    await new Promise<void>((resolve) => setImmediate(resolve))
  }
  clearInterval(probe)
  blocks.sort((a, b) => a - b)
  out(
    `processDueEvents batch of 50: median ${(blocks[Math.floor(blocks.length / 2)] ?? 0).toFixed(1)} ms, max ${(blocks.at(-1) ?? 0).toFixed(1)} ms; longest event-loop stall ${maxGap.toFixed(1)} ms over ${(performance.now() - t0).toFixed(0)} ms`,
  )

  // The same kind of backlog through the product's NodeProcessor (time-sliced, yields between
  // events and messages): the longest a webhook arriving meanwhile would wait for the loop.
  await storeFresh(2_000)
  const processor = new NodeProcessor(drainServices.processorDeps, silentLogger)
  let lastTick = performance.now()
  let longestStall = 0
  const ticker = setInterval(() => {
    const now = performance.now()
    longestStall = Math.max(longestStall, now - lastTick)
    lastTick = now
  }, 0)
  const c0 = process.cpuUsage()
  const p0 = performance.now()
  processor.start()
  await processor.idle()
  await processor.stop()
  const drainCpu = process.cpuUsage(c0)
  clearInterval(ticker)
  out(
    `NodeProcessor drain of 2000 events: ${((drainCpu.user + drainCpu.system) / 2000).toFixed(1)} µs CPU/event (events + messages), longest event-loop stall ${longestStall.toFixed(1)} ms over ${(performance.now() - p0).toFixed(0)} ms`,
  )
  await drainDb.close()
  await database.close()
  await routeServer.close()
} finally {
  await standIn.stop()
  rmSync(dir, { recursive: true, force: true })
  restore()
}

/** The composition root over one database, as startNodeServer builds it (no loops started). */
function composeAt(
  database: {
    db: ReturnType<typeof openNodeDatabase>['db']
    sqlite: ReturnType<typeof openNodeDatabase>['sqlite']
  },
  input: {
    line: { channelSecret: string; channelAccessToken: string; url: string }
    lineFetch: typeof fetch | undefined
  },
) {
  const { line } = input
  return composeServices({
    config: parseConfig({
      LINE_CHANNEL_SECRET: line.channelSecret,
      LINE_CHANNEL_ACCESS_TOKEN: line.channelAccessToken,
      LINE_API_BASE_URL: line.url,
      LINE_DATA_API_BASE_URL: line.url,
    }),
    db: database.db,
    atomic: betterSqliteAtomic(database.sqlite),
    line: {
      channelSecret: line.channelSecret,
      channelAccessToken: line.channelAccessToken,
      apiBaseUrl: line.url,
      dataApiBaseUrl: line.url,
    },
    clock: systemClock,
    ids: webIds,
    logger: silentLogger,
    verifySignature: async () => true,
    lineFetch: input.lineFetch,
    jobs: {
      kickProcessing: () => undefined,
      dispatchBroadcast: async () => undefined,
      startBroadcastPlan: async () => undefined,
    },
  }).background
}
