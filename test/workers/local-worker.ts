import { execFile } from 'node:child_process'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { Readable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { Miniflare, NoOpLog } from 'miniflare'
import { unstable_getMiniflareWorkerOptions, unstable_readConfig } from 'wrangler'

/**
 * The Workers entry run locally the way it ships: bundled by `wrangler deploy --dry-run` from the
 * repo's wrangler.toml, run on workerd through Miniflare with the bindings wrangler derives from the
 * same file, and a local D1 (in a fresh temp directory) migrated from the configured migrations_dir.
 */

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url))
export const WRANGLER_TOML = join(REPO_ROOT, 'wrangler.toml')
const WRANGLER_BIN = join(REPO_ROOT, 'node_modules', 'wrangler', 'bin', 'wrangler.js')

const run = promisify(execFile)

// The slice of Workers' D1 API that the tests and drizzle's D1 driver use (miniflare's declarations
// name @cloudflare/workers-types, which test/ does not resolve).
export interface D1Statement {
  bind(...values: unknown[]): D1Statement
  run(): Promise<unknown>
  all<T>(): Promise<{ results: T[] }>
  raw<T = unknown[]>(): Promise<T[]>
}
export interface D1Database {
  prepare(sql: string): D1Statement
  batch(statements: D1Statement[]): Promise<unknown[]>
}

export interface WorkerBundle {
  dir: string
  scriptPath: string
  /** Milliseconds the wrangler build took. */
  buildMs: number
  dispose(): Promise<void>
}

/** `wrangler deploy --dry-run --outdir`: the exact script `npm run deploy` would upload. */
export async function buildWorkerBundle(): Promise<WorkerBundle> {
  const dir = await mkdtemp(join(tmpdir(), 'joren-worker-bundle-'))
  const started = Date.now()
  try {
    await run(
      process.execPath,
      [WRANGLER_BIN, 'deploy', '--dry-run', '--outdir', dir, '--config', WRANGLER_TOML],
      {
        cwd: REPO_ROOT,
        env: {
          ...process.env,
          WRANGLER_SEND_METRICS: 'false',
          WRANGLER_LOG_PATH: join(dir, 'logs'),
          NO_COLOR: '1',
          FORCE_COLOR: '0',
        },
        timeout: 60_000,
        maxBuffer: 16 * 1024 * 1024,
      },
    )
  } catch (error) {
    await rm(dir, { recursive: true, force: true })
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string }
    throw new Error(`wrangler deploy --dry-run failed:\n${stdout}\n${stderr}`, { cause: error })
  }
  return {
    dir,
    scriptPath: join(dir, 'worker.js'),
    buildMs: Date.now() - started,
    dispose: () => rm(dir, { recursive: true, force: true }),
  }
}

export interface WranglerFacts {
  migrationsDir: string
  migrationsTable: string
  d1Binding: string
  crons: string[]
}

/** What the tests need to know from wrangler.toml, read with wrangler's own config reader. */
export function readWranglerFacts(): WranglerFacts {
  const config = unstable_readConfig({ config: WRANGLER_TOML })
  const d1 = config.d1_databases[0]
  if (!d1?.migrations_dir)
    throw new Error('wrangler.toml declares no D1 database with migrations_dir')
  return {
    migrationsDir: resolve(REPO_ROOT, d1.migrations_dir),
    migrationsTable: d1.migrations_table ?? 'd1_migrations',
    d1Binding: d1.binding,
    crons: config.triggers.crons ?? [],
  }
}

/**
 * Applies every migration file in name order, one batch (transaction) per file, recording each in
 * the migrations table as `wrangler d1 migrations apply` does. drizzle-kit separates statements with
 * `--> statement-breakpoint`.
 */
export async function applyMigrations(db: D1Database, facts: WranglerFacts): Promise<string[]> {
  const table = facts.migrationsTable
  await db
    .prepare(
      `CREATE TABLE IF NOT EXISTS ${table} (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, applied_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP)`,
    )
    .run()
  const files = (await readdir(facts.migrationsDir)).filter((f) => f.endsWith('.sql')).sort()
  if (files.length === 0) throw new Error(`no migrations in ${facts.migrationsDir}`)
  for (const file of files) {
    const sql = await readFile(join(facts.migrationsDir, file), 'utf8')
    const statements = sql
      .split('--> statement-breakpoint')
      .map((s) => s.trim())
      .filter((s) => s.length > 0)
    await db.batch([
      ...statements.map((s) => db.prepare(s)),
      db.prepare(`INSERT INTO ${table} (name) VALUES (?)`).bind(file),
    ])
  }
  return files
}

/**
 * Why the tests do not use Miniflare's Node-side binding proxies (`mf.getD1Database()`,
 * `mf.getWorker().scheduled()`, `mf.getQueueProducer()`): every property read and first call on
 * those proxies goes through Miniflare's `SynchronousFetcher`, which blocks the test's thread with
 * `Atomics.wait` on one flag that a helper thread sets and then notifies (`store(1)` then
 * `notify()`). Under CPU load the test thread can see the flag already set, take the reply, and
 * start waiting for its *next* request before the helper thread runs the `notify()` of the
 * previous one; that late notify wakes the new wait with no reply queued (`assert(message?.id ===
 * id)` fails), and every later call reads the reply meant for the call before it. So the harness
 * reaches D1 and the queue through a second worker in the same workerd instead, over plain async
 * HTTP (`mf.dispatchFetch` routed to it): the same local D1 database and queue, no shared flag.
 */
const GATEWAY_WORKER = 'test-gateway'
const GATEWAY_SCRIPT = /* javascript */ `
const decode = (v) => v !== null && typeof v === 'object' && typeof v.$bytes === 'string'
  ? Uint8Array.from(atob(v.$bytes), (c) => c.charCodeAt(0))
  : v
const statement = (db, s) => db.prepare(s.sql).bind(...s.params.map(decode))
const describe = (e) => e instanceof Error
  ? { name: e.name, message: e.message, cause: e.cause === undefined ? undefined : describe(e.cause) }
  : { name: 'Error', message: String(e) }
export default {
  async fetch(request, env) {
    const op = new URL(request.url).pathname
    const body = await request.json()
    try {
      let result = null
      if (op === '/d1/statement') {
        const s = statement(env[body.binding], body.statement)
        result = body.method === 'raw' ? await s.raw() : body.method === 'run' ? await s.run() : await s.all()
      } else if (op === '/d1/batch') {
        const db = env[body.binding]
        result = await db.batch(body.statements.map((s) => statement(db, s)))
      } else if (op === '/queue') {
        await env[body.binding].send(body.body)
      } else {
        return new Response('unknown op ' + op, { status: 404 })
      }
      return Response.json({ ok: true, result })
    } catch (e) {
      return Response.json({ ok: false, error: describe(e) })
    }
  },
}
`

interface GatewayError {
  name: string
  message: string
  cause?: GatewayError
}

function reviveError(e: GatewayError): Error {
  const error = new Error(e.message, e.cause ? { cause: reviveError(e.cause) } : undefined)
  error.name = e.name
  return error
}

type GatewayCall = (op: string, body: unknown) => Promise<unknown>

function gatewayCaller(mf: Miniflare): GatewayCall {
  return async (op, body) => {
    const res = await mf.dispatchFetch(`http://gateway.local${op}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'MF-Route-Override': GATEWAY_WORKER },
      body: JSON.stringify(body),
    })
    const text = await res.text()
    if (res.status !== 200) throw new Error(`test gateway ${op}: ${res.status} ${text}`)
    const reply = JSON.parse(text) as
      | { ok: true; result: unknown }
      | { ok: false; error: GatewayError }
    if (!reply.ok) throw reviveError(reply.error)
    return reply.result
  }
}

/** Bound values as JSON; bytes travel as base64 (D1 binds them as BLOBs). */
function encodeParam(value: unknown): unknown {
  if (value instanceof ArrayBuffer) value = new Uint8Array(value)
  if (ArrayBuffer.isView(value))
    return {
      $bytes: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64'),
    }
  return value
}

class GatewayStatement implements D1Statement {
  constructor(
    private readonly call: GatewayCall,
    private readonly binding: string,
    readonly sql: string,
    readonly params: unknown[] = [],
  ) {}
  bind(...values: unknown[]): D1Statement {
    return new GatewayStatement(this.call, this.binding, this.sql, values.map(encodeParam))
  }
  private exec(method: 'all' | 'run' | 'raw') {
    return this.call('/d1/statement', {
      binding: this.binding,
      method,
      statement: { sql: this.sql, params: this.params },
    })
  }
  run() {
    return this.exec('run')
  }
  async all<T>() {
    return (await this.exec('all')) as { results: T[] }
  }
  async raw<T = unknown[]>() {
    return (await this.exec('raw')) as T[]
  }
}

/** A D1Database (the slice drizzle's D1 driver uses) whose every call is one async request. */
function gatewayD1(call: GatewayCall, binding: string): D1Database {
  return {
    prepare: (sql) => new GatewayStatement(call, binding, sql),
    async batch(statements) {
      const list = statements.map((s) => {
        if (!(s instanceof GatewayStatement)) throw new TypeError('batch takes prepared statements')
        return { sql: s.sql, params: s.params }
      })
      return (await call('/d1/batch', { binding, statements: list })) as unknown[]
    },
  }
}

export interface LocalWorker {
  /** http://127.0.0.1:port, what the LINE stand-in posts webhooks to. */
  url: string
  /** Use `db`, `query`, `scheduled` and `sendToQueue`, not its binding proxies (see GATEWAY_WORKER). */
  mf: Miniflare
  /** The local D1 (what drizzle's D1 driver takes), one async request per call. */
  db: D1Database
  facts: WranglerFacts
  /** Rows from the local D1, read directly (not through the worker). */
  query<T = Record<string, unknown>>(sql: string, ...params: unknown[]): Promise<T[]>
  /** Runs the worker's scheduled() handler for the cron in wrangler.toml; waits for waitUntil. */
  scheduled(): Promise<{ outcome: string }>
  /** Sends a message on a queue binding from wrangler.toml (consumed by the worker's queue()). */
  sendToQueue(binding: string, body: unknown): Promise<void>
  /** What the worker printed (console.log/warn/error), for failure messages. */
  logs(): string
  dispose(): Promise<void>
}

export interface LocalWorkerOptions {
  bundle: WorkerBundle
  /** Secrets and vars on top of wrangler.toml's [vars], e.g. LINE_CHANNEL_SECRET. */
  vars: Record<string, string>
}

export async function startLocalWorker(options: LocalWorkerOptions): Promise<LocalWorker> {
  const facts = readWranglerFacts()
  const { workerOptions } = unstable_getMiniflareWorkerOptions(WRANGLER_TOML)
  const persistDir = await mkdtemp(join(tmpdir(), 'joren-worker-state-'))
  const output: string[] = []
  const collect = (stream: Readable) =>
    stream.on('data', (chunk: Buffer) => output.push(String(chunk)))

  const mf = new Miniflare({
    workers: [
      {
        ...workerOptions,
        name: 'joren',
        modules: true,
        scriptPath: options.bundle.scriptPath,
        modulesRoot: options.bundle.dir,
        bindings: { ...workerOptions.bindings, ...options.vars },
      },
      {
        name: GATEWAY_WORKER,
        modules: true,
        script: GATEWAY_SCRIPT,
        compatibilityDate: workerOptions.compatibilityDate,
        d1Databases: workerOptions.d1Databases,
        queueProducers: workerOptions.queueProducers,
      },
    ],
    // `/cdn-cgi/handler/scheduled`, see scheduled() below.
    unsafeTriggerHandlers: true,
    defaultPersistRoot: persistDir,
    d1Persist: join(persistDir, 'd1'),
    cachePersist: false,
    // The Request.cf placeholder, not a fetch from workers.cloudflare.com (offline here).
    cf: false,
    host: '127.0.0.1',
    port: 0,
    log: new NoOpLog(),
    handleRuntimeStdio: (stdout: Readable, stderr: Readable) => {
      collect(stdout)
      collect(stderr)
    },
  })
  const call = gatewayCaller(mf)
  const db = gatewayD1(call, facts.d1Binding)
  let url: URL
  try {
    url = await mf.ready
    await applyMigrations(db, facts)
  } catch (error) {
    await mf.dispose().catch(() => {})
    await rm(persistDir, { recursive: true, force: true })
    throw new Error(`the local worker did not start:\n${output.join('')}`, { cause: error })
  }

  return {
    url: url.origin,
    mf,
    db,
    facts,
    async query<T>(sql: string, ...params: unknown[]) {
      const result = await db
        .prepare(sql)
        .bind(...params)
        .all<T>()
      return result.results
    },
    async scheduled() {
      // Miniflare's trigger route runs Fetcher#scheduled, which answers once the handler's
      // waitUntil work has settled. Routed to the worker itself: its default (fallback) service
      // is the assets proxy, which has no scheduled handler (outcome 'exception').
      const cron = encodeURIComponent(facts.crons[0] ?? '* * * * *')
      const res = await mf.dispatchFetch(
        `http://localhost/cdn-cgi/handler/scheduled?cron=${cron}&time=${Date.now()}`,
        { headers: { 'MF-Route-Override': 'joren' } },
      )
      return { outcome: await res.text() }
    },
    async sendToQueue(binding: string, body: unknown) {
      await call('/queue', { binding, body })
    },
    logs: () => output.join(''),
    async dispose() {
      await mf.dispose()
      await rm(persistDir, { recursive: true, force: true })
    },
  }
}
