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

// miniflare's declarations name @cloudflare/workers-types, which test/ does not resolve: the slices
// of the binding proxies used here, typed by hand.
export interface D1Statement {
  bind(...values: unknown[]): D1Statement
  run(): Promise<unknown>
  all<T>(): Promise<{ results: T[] }>
}
export interface D1Database {
  prepare(sql: string): D1Statement
  batch(statements: D1Statement[]): Promise<unknown[]>
}
interface ScheduledFetcher {
  scheduled(options: { cron?: string; scheduledTime?: Date }): Promise<{ outcome: string }>
}
interface QueueProducer {
  send(body: unknown): Promise<void>
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

export interface LocalWorker {
  /** http://127.0.0.1:port, what the LINE stand-in posts webhooks to. */
  url: string
  mf: Miniflare
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
    ...workerOptions,
    name: 'joren',
    modules: true,
    scriptPath: options.bundle.scriptPath,
    modulesRoot: options.bundle.dir,
    bindings: { ...workerOptions.bindings, ...options.vars },
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
  let url: URL
  let db: D1Database
  try {
    url = await mf.ready
    db = (await mf.getD1Database(facts.d1Binding)) as unknown as D1Database
    await applyMigrations(db, facts)
  } catch (error) {
    await mf.dispose().catch(() => {})
    await rm(persistDir, { recursive: true, force: true })
    throw error
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
      const worker = (await mf.getWorker()) as unknown as ScheduledFetcher
      return worker.scheduled({ cron: facts.crons[0] ?? '* * * * *', scheduledTime: new Date() })
    },
    async sendToQueue(binding: string, body: unknown) {
      const producer = (await mf.getQueueProducer(binding)) as unknown as QueueProducer
      await producer.send(body)
    },
    logs: () => output.join(''),
    async dispose() {
      await mf.dispose()
      await rm(persistDir, { recursive: true, force: true })
    },
  }
}
