/**
 * Webhook ingestion: Joren's Node server against LINE's documented Express + bot-sdk echo bot.
 *
 * Processes: the LINE stand-in, the server under test and this driver (the load generator) each
 * run in their own process. With taskset and ≥ 2 cores, the server under test (Joren, then the
 * baseline) gets core 0 to itself; the driver and the stand-in share core 1.
 *
 * Load: one event per request, bodies built by the stand-in (its reply tokens), signed and
 * serialised to raw HTTP before any timing.
 *   - closed loop: 64 requests in flight, 1.5 s warm-up + 8 s measured → events/s, p50/p99
 *   - open loop (Joren only): 1,000 events/s on a fixed timeline, 1 s lead-in + 8 s measured,
 *     latency from each request's scheduled send time (no coordinated omission) → p99
 * Afterwards every accepted event must be in Joren's webhook_events exactly once.
 *
 * BENCH_CPU_PROF=<dir> CPU-profiles the server during each measured phase (through the inspector,
 * 250 µs sampling, which costs some throughput) and writes <dir>/<server>-<phase>.cpuprofile;
 * summarise one with `npx tsx test/bench/support/cpu-profile-summary.ts <file>`.
 * BENCH_JOREN_NO_DRAIN=1 is a diagnostic: Joren runs without its processing loop (`process: false`),
 * to show what the drain sharing the thread costs the webhook path.
 */
import Database from 'better-sqlite3'
import { createHmac } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import type { BenchContext, Row } from './row.ts'
import {
  mainThreadCpuSeconds,
  pinningAvailable,
  pinSelf,
  procCpuSeconds,
  startChild,
  type Child,
} from './support/child.ts'
import {
  buildPost,
  closedLoop,
  openLoop,
  percentile,
  targetOf,
  type LoadResult,
} from './support/http-load.ts'
import type { BaselineSettings } from './webhook/baseline-process.ts'
import type { JorenSettings } from './webhook/joren-process.ts'
import type { BuiltEvents, StandInReady } from './webhook/stand-in-process.ts'

const CONCURRENCY = 64
const WARMUP_MS = 1_500
const MEASURE_MS = 8_000
const PROBE_MS = 1_000
const OPEN_RATE = 1_000
const OPEN_LEAD_IN_MS = 1_000
const MAX_EVENTS = 400_000

const JOREN_TARGET = 6_000
const SPEEDUP_TARGET = 10
const P99_TARGET_MS = 15

const NAMES = {
  joren: 'webhook events/s (Joren, Node, durable)',
  baseline: 'webhook events/s (baseline: Express + bot-sdk middleware, reply echo)',
  speedup: 'webhook speedup vs baseline',
  p99: 'webhook p99 at 1,000 events/s offered',
  once: 'webhook events stored exactly once',
}

interface Batch {
  requests: Buffer[]
  eventIds: string[]
}

interface Measured<R extends LoadResult> {
  result: R
  cpu: string
}

export async function run(ctx: BenchContext): Promise<Row[]> {
  const pinned = pinningAvailable()
  const serverCore = pinned ? 0 : null
  const driverCore = pinned ? 1 : null
  const restoreAffinity = pinned ? pinSelf(1) : () => undefined
  const dir = mkdtempSync(join(tmpdir(), 'joren-bench-'))
  const started: Child<unknown>[] = []
  const startedAt = performance.now()
  const track = <T>(child: Child<T>) => {
    started.push(child as Child<unknown>)
    return child
  }

  try {
    const load = loadavg()[0] ?? 0
    if (load > 0.5)
      ctx.note(
        `machine not idle at start (1-min load average ${load.toFixed(2)} on ${cpusCount()} cores): other processes compete for the pinned cores, see "other processes" in the CPU figures`,
      )
    ctx.note(
      pinned
        ? 'CPU pinning (taskset): server under test (Joren, then baseline) on core 0; load generator and LINE stand-in on core 1'
        : 'CPU pinning unavailable (no taskset or < 2 cores): all processes share the CPUs',
    )
    const standIn = track(
      await startChild<StandInReady>({
        name: 'stand-in',
        script: 'test/bench/webhook/stand-in-process.ts',
        core: driverCore,
      }),
    )
    const line = standIn.ready
    ctx.progress(`LINE stand-in at ${line.url} (${line.users} users, rate limits off)`)

    const buildBatch = async (url: string, count: number): Promise<Batch> => {
      const target = targetOf(url)
      const requests: Buffer[] = []
      const eventIds: string[] = []
      for (let done = 0; done < count; ) {
        const chunk = Math.min(20_000, count - done)
        const built = await standIn.request<BuiltEvents>('events', { count: chunk })
        for (const body of built.bodies) {
          const signature = createHmac('sha256', line.channelSecret).update(body).digest('base64')
          requests.push(
            buildPost(
              target,
              '/webhook',
              {
                'Content-Type': 'application/json; charset=utf-8',
                'User-Agent': 'LineBotWebhook/2.0',
                'x-line-signature': signature,
              },
              body,
            ),
          )
        }
        eventIds.push(...built.eventIds)
        done += chunk
      }
      return { requests, eventIds }
    }

    const profileDir = process.env.BENCH_CPU_PROF
    /** Runs the load with CPU accounting for the server, the stand-in and this driver. */
    const measure = async <R extends LoadResult>(
      server: Child<unknown>,
      phase: string,
      load: () => Promise<R>,
    ): Promise<Measured<R>> => {
      if (profileDir) await server.request('profileStart')
      const before = cpuSnapshot(server, standIn)
      const t0 = performance.now()
      const result = await load()
      const cpu = cpuReport(before, cpuSnapshot(server, standIn), performance.now() - t0, pinned)
      if (profileDir) {
        const path = join(profileDir, `${server.name}-${phase}.cpuprofile`)
        await server.request('profileStop', { path })
        ctx.note(`CPU profile of ${server.name} during the ${phase}: ${path}`)
      }
      return { result, cpu }
    }

    /** A short closed-loop run (also the JIT warm-up) sizes the real run's pre-built batch. */
    const closedLoopRun = async (server: Child<{ url: string }>, sent: Batch[]) => {
      const probe = await buildBatch(server.ready.url, 30_000)
      sent.push(probe)
      const probed = await closedLoop({
        target: targetOf(server.ready.url),
        requests: probe.requests,
        concurrency: CONCURRENCY,
        warmupMs: 0,
        durationMs: PROBE_MS,
      })
      // Generous: the probe runs cold, and running out early only shortens the window.
      const rate = probed.throughput * (probed.exhausted ? 4 : 3)
      const count = Math.min(
        MAX_EVENTS,
        Math.max(40_000, Math.ceil((rate * (WARMUP_MS + MEASURE_MS)) / 1000) + CONCURRENCY),
      )
      return { probed, count }
    }

    // ---- Joren ----
    const dbPath = join(dir, 'joren.db')
    const jorenSettings: JorenSettings = {
      databasePath: dbPath,
      lineUrl: line.url,
      channelSecret: line.channelSecret,
      channelAccessToken: line.channelAccessToken,
      process: process.env.BENCH_JOREN_NO_DRAIN !== '1',
    }
    if (!jorenSettings.process)
      ctx.note(
        'DIAGNOSTIC RUN (BENCH_JOREN_NO_DRAIN=1): Joren runs without its processing loop; events are stored but never processed or replied to',
      )
    const drainWait = (ms: number) => (jorenSettings.process ? waitForDrain(dbPath, ms) : 0)
    const joren = track(
      await startChild<{ url: string }>({
        name: 'joren',
        script: 'test/bench/webhook/joren-process.ts',
        core: serverCore,
        env: { BENCH_JOREN: JSON.stringify(jorenSettings) },
      }),
    )
    ctx.progress(`Joren at ${joren.ready.url} (database ${dbPath})`)
    const jorenSent: Batch[] = []
    const jorenResults: LoadResult[] = []

    const jorenProbe = await closedLoopRun(joren, jorenSent)
    jorenResults.push(jorenProbe.probed)
    ctx.progress(`Joren probe: ${Math.round(jorenProbe.probed.throughput)} events/s`)
    const backlogAfterProbe = await drainWait(15_000)
    ctx.progress(`processing backlog after probe: ${backlogAfterProbe} (waited for the drain)`)

    const openBatch = await buildBatch(
      joren.ready.url,
      Math.ceil((OPEN_RATE * (OPEN_LEAD_IN_MS + MEASURE_MS)) / 1000),
    )
    jorenSent.push(openBatch)
    ctx.progress(
      `Joren open loop: ${OPEN_RATE} events/s for ${(OPEN_LEAD_IN_MS + MEASURE_MS) / 1000} s`,
    )
    const open = await measure(joren, 'open-loop', () =>
      openLoop({
        target: targetOf(joren.ready.url),
        requests: openBatch.requests,
        ratePerSec: OPEN_RATE,
        leadInMs: OPEN_LEAD_IN_MS,
        durationMs: MEASURE_MS,
        connections: 8,
        maxConnections: 256,
      }),
    )
    jorenResults.push(open.result)
    const backlogAfterOpen = await pendingWork(dbPath)
    await drainWait(10_000)

    const closedBatch = await buildBatch(joren.ready.url, jorenProbe.count)
    jorenSent.push(closedBatch)
    ctx.progress(
      `Joren closed loop: ${CONCURRENCY} in flight, ${WARMUP_MS / 1000} s warm-up + ${MEASURE_MS / 1000} s (${closedBatch.requests.length} events pre-built)`,
    )
    const closed = await measure(joren, 'closed-loop', () =>
      closedLoop({
        target: targetOf(joren.ready.url),
        requests: closedBatch.requests,
        concurrency: CONCURRENCY,
        warmupMs: WARMUP_MS,
        durationMs: MEASURE_MS,
      }),
    )
    jorenResults.push(closed.result)
    const backlogAtStop = await pendingWork(dbPath)
    const replies = await standIn.request<{ reply: number; push: number }>('replies')
    await joren.stop()

    const check = checkStoredOnce(dbPath, jorenSent, jorenResults)

    // ---- baseline ----
    const baselineSettings: BaselineSettings = {
      lineUrl: line.url,
      channelSecret: line.channelSecret,
      channelAccessToken: line.channelAccessToken,
    }
    const baseline = track(
      await startChild<{ url: string }>({
        name: 'baseline',
        script: 'test/bench/webhook/baseline-process.ts',
        core: serverCore,
        env: { BENCH_BASELINE: JSON.stringify(baselineSettings) },
      }),
    )
    const baselineSent: Batch[] = []
    const baselineProbe = await closedLoopRun(baseline, baselineSent)
    const baselineBatch = await buildBatch(baseline.ready.url, baselineProbe.count)
    ctx.progress(
      `baseline closed loop: ${CONCURRENCY} in flight (${baselineBatch.requests.length} events pre-built)`,
    )
    const base = await measure(baseline, 'closed-loop', () =>
      closedLoop({
        target: targetOf(baseline.ready.url),
        requests: baselineBatch.requests,
        concurrency: CONCURRENCY,
        warmupMs: WARMUP_MS,
        durationMs: MEASURE_MS,
      }),
    )
    await baseline.stop()
    await standIn.stop()

    // ---- rows ----
    const jorenRate = closed.result.throughput
    const baseRate = base.result.throughput
    const speedup = baseRate > 0 ? jorenRate / baseRate : Infinity
    const p99 = percentile(open.result.latencies, 0.99)
    const openErrors = errorCount(open.result)
    const rows: Row[] = [
      {
        name: NAMES.joren,
        value: Math.round(jorenRate),
        unit: 'events/s',
        target: `≥ ${JOREN_TARGET} and ≥ ${SPEEDUP_TARGET}× baseline`,
        ok:
          jorenRate >= JOREN_TARGET && speedup >= SPEEDUP_TARGET && errorCount(closed.result) === 0,
      },
      {
        name: NAMES.baseline,
        value: Math.round(baseRate),
        unit: 'events/s',
        target: '—',
        ok: true,
      },
      {
        name: NAMES.speedup,
        value: round(speedup, 2),
        unit: '×',
        target: `≥ ${SPEEDUP_TARGET}`,
        ok: speedup >= SPEEDUP_TARGET,
      },
      {
        name: NAMES.p99,
        value: round(p99, 2),
        unit: 'ms',
        target: `≤ ${P99_TARGET_MS}`,
        ok: p99 <= P99_TARGET_MS && openErrors === 0 && !open.result.exhausted,
      },
      {
        name: NAMES.once,
        value: `${check.storedOnce}/${check.accepted}`,
        unit: 'events',
        target: 'all accepted, once',
        ok: check.ok,
      },
    ]

    // ---- notes ----
    const sdkVersion = (
      JSON.parse(
        readFileSync(
          new URL('../../node_modules/@line/bot-sdk/package.json', import.meta.url),
          'utf8',
        ),
      ) as { version: string; engines?: { node?: string } }
    ).version
    ctx.note(
      `baseline ran @line/bot-sdk ${sdkVersion} (declares engines node >=22) on Node ${process.version}: ${base.result.statuses.get(200) ?? 0} webhooks answered 200 with the reply sent, ${errorCount(base.result)} failures`,
    )
    ctx.note(`Joren closed loop: ${describe(closed.result)}; CPU ${closed.cpu}`)
    ctx.note(`baseline closed loop: ${describe(base.result)}; CPU ${base.cpu}`)
    ctx.note(
      `Joren open loop ${OPEN_RATE}/s: ${open.result.latencies.length} measured, p50 ${fmt(percentile(open.result.latencies, 0.5))} ms, p99 ${fmt(p99)} ms, p99.9 ${fmt(percentile(open.result.latencies, 0.999))} ms, max ${fmt(open.result.latencies.at(-1) ?? NaN)} ms (from the scheduled send time; load generator timer lag p99 ${fmt(open.result.timerLagP99Ms)} ms, scheduled → written p99 ${fmt(open.result.sendDelayP99Ms)} ms, ${open.result.connections} connections), ${openErrors} errors; CPU ${open.cpu}`,
    )
    ctx.note(
      `Joren processing (same process): backlog ${backlogAfterOpen} right after the open loop, ${backlogAtStop} unprocessed events/messages when the closed loop ended; the stand-in received ${replies.reply} replies and ${replies.push} pushes in total`,
    )
    ctx.note(`exactly-once check: ${check.detail}`)
    for (const [label, result] of [
      ['Joren', closed.result],
      ['Joren open loop', open.result],
      ['baseline', base.result],
    ] as const)
      for (const failure of result.failures.slice(0, 2))
        ctx.note(`${label} failure: ${failure.replace(/\s+/g, ' ')}`)
    ctx.progress(`webhook bench took ${((performance.now() - startedAt) / 1000).toFixed(1)} s`)
    return rows
  } finally {
    for (const child of started.reverse()) await child.stop().catch(() => undefined)
    rmSync(dir, { recursive: true, force: true })
    restoreAffinity()
  }
}

/** Unprocessed inbox events plus unsent outbox messages, read from a read-only connection. */
async function pendingWork(dbPath: string): Promise<number> {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true })
  try {
    const events = db
      .prepare("SELECT count(*) AS n FROM webhook_events WHERE status IN ('pending', 'processing')")
      .get() as { n: number }
    const messages = db
      .prepare("SELECT count(*) AS n FROM outbox WHERE status IN ('pending', 'sending')")
      .get() as { n: number }
    return events.n + messages.n
  } finally {
    db.close()
  }
}

/** Waits until the server's processing loop has caught up (or the time is up); returns what is left. */
async function waitForDrain(dbPath: string, timeoutMs: number): Promise<number> {
  const deadline = performance.now() + timeoutMs
  let left = await pendingWork(dbPath)
  while (left > 0 && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200))
    left = await pendingWork(dbPath)
  }
  return left
}

/** Every event answered 2xx must be stored exactly once; nothing unknown may be stored. */
function checkStoredOnce(dbPath: string, batches: Batch[], results: LoadResult[]) {
  const accepted = new Set<string>()
  const sent = new Set<string>()
  batches.forEach((batch, b) => {
    const status = results[b]?.status
    batch.eventIds.forEach((id, i) => {
      const s = status?.[i] ?? 0
      if (s !== 0) sent.add(id)
      if (s >= 200 && s < 300) accepted.add(id)
    })
  })
  const db = new Database(dbPath, { readonly: true, fileMustExist: true })
  const counts = new Map<string, number>()
  try {
    for (const row of db.prepare('SELECT event_id AS id FROM webhook_events').iterate())
      counts.set((row as { id: string }).id, (counts.get((row as { id: string }).id) ?? 0) + 1)
  } finally {
    db.close()
  }
  let storedOnce = 0
  let missing = 0
  let duplicated = 0
  for (const id of accepted) {
    const n = counts.get(id) ?? 0
    if (n === 1) storedOnce++
    else if (n === 0) missing++
    else duplicated++
  }
  let unknown = 0
  let storedButRefused = 0
  for (const id of counts.keys()) {
    if (!sent.has(id)) unknown++
    else if (!accepted.has(id)) storedButRefused++
  }
  const rows = [...counts.values()].reduce((a, b) => a + b, 0)
  return {
    accepted: accepted.size,
    storedOnce,
    ok: missing === 0 && duplicated === 0 && unknown === 0 && accepted.size > 0,
    detail: `${accepted.size} events accepted (probe + open loop + closed loop), ${rows} rows in webhook_events; ${missing} missing, ${duplicated} duplicated, ${unknown} never sent, ${storedButRefused} stored although not answered 2xx`,
  }
}

interface CpuSnapshot {
  server: number | null
  serverMain: number | null
  standIn: number | null
  driver: number
  /** Busy CPU seconds of core 0 and core 1, all processes (from /proc/stat). */
  cores: (number | null)[]
}

function cpuSnapshot(server: Child<unknown>, standIn: Child<unknown>): CpuSnapshot {
  const usage = process.cpuUsage()
  return {
    server: procCpuSeconds(server.pid),
    serverMain: mainThreadCpuSeconds(server.pid),
    standIn: procCpuSeconds(standIn.pid),
    driver: (usage.user + usage.system) / 1e6,
    cores: [coreBusySeconds(0), coreBusySeconds(1)],
  }
}

function cpuReport(a: CpuSnapshot, b: CpuSnapshot, wallMs: number, pinned: boolean): string {
  const diff = (x: number | null | undefined, y: number | null | undefined) =>
    x === null || x === undefined || y === null || y === undefined ? null : y - x
  const pct = (seconds: number | null) =>
    seconds === null ? '?' : `${Math.max(0, Math.round((seconds * 100_000) / wallMs))}%`
  const server = diff(a.server, b.server)
  const standIn = diff(a.standIn, b.standIn)
  const driver = b.driver - a.driver
  const main = diff(a.serverMain, b.serverMain)
  const threads = main === null || server === null ? '' : ` (main thread ${pct(main)})`
  let text = `server ${pct(server)}${threads}, stand-in ${pct(standIn)}, load generator ${pct(driver)} of one core`
  const core0 = diff(a.cores[0], b.cores[0])
  const core1 = diff(a.cores[1], b.cores[1])
  if (pinned && core0 !== null && core1 !== null && server !== null && standIn !== null)
    text += `; other processes: ${pct(core0 - server)} of core 0, ${pct(core1 - standIn - driver)} of core 1`
  return text
}

/** user + nice + system + irq + softirq + steal of one core, in seconds (USER_HZ = 100). */
function coreBusySeconds(core: number): number | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8')
      .split('\n')
      .find((l) => l.startsWith(`cpu${core} `))
    if (!line) return null
    const f = line.trim().split(/\s+/).slice(1).map(Number)
    return ((f[0] ?? 0) + (f[1] ?? 0) + (f[2] ?? 0) + (f[5] ?? 0) + (f[6] ?? 0) + (f[7] ?? 0)) / 100
  } catch {
    return null
  }
}

function cpusCount(): number {
  return cpus().length
}

function errorCount(result: LoadResult): number {
  let n = 0
  for (const [status, count] of result.statuses) if (status < 200 || status >= 300) n += count
  return n
}

function describe(result: LoadResult): string {
  const statuses = [...result.statuses].map(([s, n]) => `${s === 0 ? 'conn-error' : s}×${n}`)
  return `${Math.round(result.throughput)} events/s over ${(result.windowMs / 1000).toFixed(1)} s${result.exhausted ? ' (ran out of pre-built events: window shortened)' : ''}, p50 ${fmt(percentile(result.latencies, 0.5))} ms, p99 ${fmt(percentile(result.latencies, 0.99))} ms, statuses ${statuses.join(' ')}`
}

function fmt(ms: number): string {
  return Number.isFinite(ms) ? ms.toFixed(2) : 'n/a'
}

function round(value: number, digits: number): number {
  const f = 10 ** digits
  return Math.round(value * f) / f
}
