import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import { spawnJoren, type JorenProcess } from '../support/joren-process.ts'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const DIST = join(ROOT, 'liff-app/dist')
const PAGES = ['liff', 'staff', 'sandbox'].map((app) => join(DIST, app, 'index.html'))
/** What the build reads: when any of it is newer than the built pages, build again. */
const BUILD_INPUTS = [
  'liff-app/src',
  'liff-app/liff',
  'liff-app/staff',
  'liff-app/sandbox',
  'liff-app/public',
  'liff-app/vite.config.ts',
  'liff-app/package.json',
  'shared/src',
].map((path) => join(ROOT, path))
const LOCK = join(ROOT, 'test-results/.e2e-build.lock')
const STALE_LOCK_MS = 120_000

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0
  const stat = statSync(path)
  if (!stat.isDirectory()) return stat.mtimeMs
  let newest = stat.mtimeMs
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)))
  return newest
}

function isBuilt(): boolean {
  if (!PAGES.every((page) => existsSync(page))) return false
  const built = Math.min(...PAGES.map((page) => statSync(page).mtimeMs))
  return BUILD_INPUTS.every((input) => newestMtime(input) <= built)
}

/**
 * Builds liff-app/dist when it is missing or older than its sources (`npm test` has just built
 * it, so this is usually a few stat calls). Test files run in parallel: one builds, the others
 * wait for its lock and then find the build fresh.
 */
export async function ensureAppsBuilt(): Promise<void> {
  mkdirSync(join(ROOT, 'test-results'), { recursive: true })
  for (;;) {
    if (isBuilt()) return
    try {
      mkdirSync(LOCK)
    } catch {
      // Another file is building; a lock left by a killed run is taken over after a while.
      const lock = statSync(LOCK, { throwIfNoEntry: false })
      if (lock && Date.now() - lock.mtimeMs > STALE_LOCK_MS) {
        rmSync(LOCK, { recursive: true, force: true })
      }
      await new Promise((resolve) => setTimeout(resolve, 250))
      continue
    }
    try {
      if (!isBuilt()) {
        // The workspace's own build script (it runs more than one vite build).
        execFileSync('npm', ['run', 'build', '--silent', '-w', 'liff-app'], {
          cwd: ROOT,
          stdio: ['ignore', 'ignore', 'inherit'],
        })
      }
      return
    } finally {
      rmSync(LOCK, { recursive: true, force: true })
    }
  }
}

export interface SandboxServer {
  url: string
  process: JorenProcess
  /** Read-only SQL against the product's SQLite file, for assertions. */
  rows<T = Record<string, unknown>>(sql: string, ...params: unknown[]): T[]
  /** One write to the product's SQLite file (WAL: the server keeps running), to set a scene. */
  write(sql: string, ...params: unknown[]): void
  /** A JSON request to the server (a bearer token if given); a non-2xx answer throws with its body. */
  call<T>(method: string, path: string, body?: unknown, token?: string): Promise<T>
  /** A sandbox customer follows the account; resolves once the member row is written. */
  follow(displayName: string): Promise<{ userId: string; memberId: number; memberNumber: string }>
  /** The customer agrees to receive news in the mini-app's profile (with their own ID token). */
  optIn(userId: string): Promise<void>
  /** Stops the process (SIGTERM, as Ctrl-C would) and runs `npm start` again on the same port and data. */
  restart(): Promise<void>
  close(): Promise<void>
}

/**
 * The real `npm start` entry as a child process, in sandbox mode (no LINE credentials: it starts
 * the LINE stand-in itself), on a free port and a fresh database.
 */
export async function startSandboxServer(): Promise<SandboxServer> {
  await ensureAppsBuilt()
  const dir = mkdtempSync(join(tmpdir(), 'joren-e2e-'))
  const dbPath = join(dir, 'joren.db')
  const env = {
    DATABASE_PATH: dbPath,
    PORT: '0',
    // Set and empty: a developer's .env cannot turn the sandbox into a real channel.
    LINE_CHANNEL_SECRET: '',
    LINE_CHANNEL_ACCESS_TOKEN: '',
  }
  let joren = await spawnJoren(env)
  const stop = async () => {
    joren.child.kill('SIGTERM')
    const timer = setTimeout(() => joren.child.kill('SIGKILL'), 5_000)
    await joren.exited
    clearTimeout(timer)
  }
  const server: SandboxServer = {
    get url() {
      return joren.url
    },
    get process() {
      return joren
    },
    async restart() {
      await stop()
      joren = await spawnJoren({ ...env, PORT: new URL(joren.url).port })
    },
    rows<T>(sql: string, ...params: unknown[]): T[] {
      const db = new Database(dbPath, { readonly: true, fileMustExist: true })
      try {
        return db.prepare(sql).all(...params) as T[]
      } finally {
        db.close()
      }
    },
    write(sql: string, ...params: unknown[]): void {
      const db = new Database(dbPath, { fileMustExist: true })
      try {
        db.pragma('busy_timeout = 5000')
        db.prepare(sql).run(...params)
      } finally {
        db.close()
      }
    },
    async call<T>(method: string, path: string, body?: unknown, token?: string): Promise<T> {
      const headers: Record<string, string> = { 'content-type': 'application/json' }
      if (token) headers.authorization = `Bearer ${token}`
      const response = await fetch(`${joren.url}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      })
      const text = await response.text()
      if (!response.ok) throw new Error(`${method} ${path} → ${response.status} ${text}`)
      return (text ? JSON.parse(text) : undefined) as T
    },
    async follow(displayName: string) {
      const { userId } = await server.call<{ userId: string }>('POST', '/sandbox/api/users', {
        displayName,
        language: 'ja',
      })
      await server.call('POST', `/sandbox/api/users/${userId}/follow`)
      // The webhook is accepted first and handled just after: wait for the member it creates.
      const deadline = Date.now() + 15_000
      for (;;) {
        const [member] = server.rows<{ id: number; member_number: string }>(
          'SELECT id, member_number FROM members WHERE line_user_id = ?',
          userId,
        )
        if (member) return { userId, memberId: member.id, memberNumber: member.member_number }
        if (Date.now() > deadline) throw new Error(`no member for ${displayName} after 15 s`)
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
    },
    async optIn(userId: string) {
      const { idToken } = await server.call<{ idToken: string }>(
        'POST',
        `/sandbox/api/users/${userId}/id-token`,
      )
      const profile = { birthday: null, gender: null, prefecture: null, interests: [] }
      await server.call('PUT', '/api/liff/profile', { ...profile, marketingConsent: true }, idToken)
    },
    async close() {
      await stop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
  return server
}

/**
 * The shop switches its quiet hours off (start = end), as an owner would in the console. For tests
 * that send marketing with the real clock: they run at any hour, and quiet hours are not what they
 * test (the contact-policy suites do, with an injected clock).
 */
export async function contactAtAnyHour(server: SandboxServer): Promise<void> {
  const { userId } = await server.call<{ userId: string }>('GET', '/sandbox/api/demo-owner')
  const { idToken } = await server.call<{ idToken: string }>(
    'POST',
    `/sandbox/api/users/${userId}/id-token`,
  )
  const anyHour = { quietStart: '00:00', quietEnd: '00:00', weeklyCap: 2 }
  await server.call('PUT', '/api/staff/journeys/policy', anyHour, idToken)
}
