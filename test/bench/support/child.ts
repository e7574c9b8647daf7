/**
 * Bench processes: each server under test runs in its own Node child (TypeScript through tsx),
 * optionally pinned to one CPU core, and talks to the driver over an IPC channel:
 * the child sends `{ ready }` once listening, then answers `{ id, type, ... }` requests.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { Session } from 'node:inspector/promises'
import { cpus } from 'node:os'
import { fileURLToPath } from 'node:url'

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url))

interface Envelope {
  id?: number
  type?: string
  ready?: unknown
  result?: unknown
  error?: string
}

export interface Child<Ready> {
  name: string
  pid: number
  ready: Ready
  request<T>(type: string, payload?: Record<string, unknown>): Promise<T>
  /** Asks the child to shut down cleanly (it replies, then exits); kills it after timeoutMs. */
  stop(timeoutMs?: number): Promise<void>
  /** User + system CPU seconds used so far by the whole process (all threads); null off Linux. */
  cpuSeconds(): number | null
}

/** Core pinning is possible when taskset exists and there are at least two cores. */
export function pinningAvailable(): boolean {
  if (cpus().length < 2) return false
  return spawnSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' }).status === 0
}

/** Pins every thread of the current process; returns a function restoring the previous mask. */
export function pinSelf(core: number): () => void {
  const shown = spawnSync('taskset', ['-p', String(process.pid)], { encoding: 'utf8' })
  const mask = /:\s*([0-9a-f]+)\s*$/i.exec(shown.stdout ?? '')?.[1]
  spawnSync('taskset', ['-a', '-p', '-c', String(core), String(process.pid)], { stdio: 'ignore' })
  return () => {
    if (mask) spawnSync('taskset', ['-a', '-p', mask, String(process.pid)], { stdio: 'ignore' })
  }
}

export async function startChild<Ready>(options: {
  name: string
  /** Path relative to the repository root. */
  script: string
  core: number | null
  env?: Record<string, string>
  nodeArgs?: string[]
  startTimeoutMs?: number
}): Promise<Child<Ready>> {
  const node = [...(options.nodeArgs ?? []), '--import', 'tsx', options.script]
  const [command, args] =
    options.core === null
      ? [process.execPath, node]
      : ['taskset', ['-c', String(options.core), process.execPath, ...node]]
  const child: ChildProcess = spawn(command, args, {
    cwd: repoRoot,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    serialization: 'advanced',
  })
  // Children never write to our stdout: with --json it must hold only JSON rows.
  child.stdout?.on('data', (d: Buffer) => process.stderr.write(prefix(options.name, d)))
  child.stderr?.on('data', (d: Buffer) => process.stderr.write(prefix(options.name, d)))

  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>()
  let nextId = 1
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.once('exit', (code, signal) => {
    for (const p of pending.values())
      p.reject(new Error(`${options.name} exited (${code ?? signal}) with a request pending`))
    pending.clear()
  })

  const ready = await new Promise<Ready>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${options.name} did not start in time`)),
      options.startTimeoutMs ?? 30_000,
    )
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      reject(new Error(`${options.name} exited during start (${code ?? signal})`))
    })
    child.on('message', (message: Envelope) => {
      if ('ready' in message) {
        clearTimeout(timer)
        resolve(message.ready as Ready)
        return
      }
      const waiter = message.id === undefined ? undefined : pending.get(message.id)
      if (!waiter || message.id === undefined) return
      pending.delete(message.id)
      if (message.error !== undefined) waiter.reject(new Error(`${options.name}: ${message.error}`))
      else waiter.resolve(message.result)
    })
  })
  const pid = child.pid ?? -1

  const request = <T>(type: string, payload: Record<string, unknown> = {}) =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++
      pending.set(id, { resolve: (v) => resolve(v as T), reject })
      child.send({ ...payload, id, type })
    })

  return {
    name: options.name,
    pid,
    ready,
    request,
    async stop(timeoutMs = 15_000) {
      if (child.exitCode !== null || child.signalCode !== null) return
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
      try {
        await request('stop').catch(() => undefined)
        await exited
      } finally {
        clearTimeout(timer)
      }
    },
    cpuSeconds: () => procCpuSeconds(pid),
  }
}

/** utime + stime of a process (or one thread: /proc/<pid>/task/<tid>) from /proc, 100 Hz ticks. */
export function procCpuSeconds(pid: number, tid?: number): number | null {
  try {
    const path = tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`
    const stat = readFileSync(path, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) / 100
  } catch {
    return null
  }
}

/** CPU seconds of the main thread (tid = pid) and of all other threads together. */
export function mainThreadCpuSeconds(pid: number): number | null {
  return procCpuSeconds(pid, pid)
}

function prefix(name: string, data: Buffer): string {
  return data
    .toString()
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => `[${name}] ${line}\n`)
    .join('')
}

type Handlers = Record<string, (message: Record<string, unknown>) => unknown>

/** Every child can be CPU-profiled for one phase: profileStart, then profileStop { path }. */
function profilerHandlers(): Handlers {
  let session: Session | null = null
  return {
    async profileStart(message) {
      session = new Session()
      session.connect()
      await session.post('Profiler.enable')
      await session.post('Profiler.setSamplingInterval', {
        interval: Number(message.intervalUs ?? 250),
      })
      await session.post('Profiler.start')
      return null
    },
    async profileStop(message) {
      if (!session) throw new Error('profiler not started')
      const { profile } = await session.post('Profiler.stop')
      writeFileSync(String(message.path), JSON.stringify(profile))
      session.disconnect()
      session = null
      return null
    },
  }
}

/** Child side: announce readiness and answer requests until 'stop'. */
export function serveParent(ready: unknown, own: Handlers, stop: () => Promise<void>): void {
  const handlers: Handlers = { ...profilerHandlers(), ...own }
  const send = process.send?.bind(process)
  if (!send) throw new Error('this script runs as a bench child (no IPC channel)')
  process.on('message', (message: Record<string, unknown>) => {
    const id = message.id as number
    const type = String(message.type)
    void (async () => {
      try {
        if (type === 'stop') {
          await stop()
          send({ id, result: null }, undefined, {}, () => process.exit(0))
          return
        }
        const handler = handlers[type]
        if (!handler) throw new Error(`unknown request ${type}`)
        send({ id, result: await handler(message) })
      } catch (error) {
        send({ id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) })
      }
    })()
  })
  // The driver going away (crash, Ctrl-C) must not leave servers running.
  process.on('disconnect', () => {
    void stop().finally(() => process.exit(0))
  })
  send({ ready })
}
