/**
 * A small HTTP/1.1 load generator over raw keep-alive sockets. Every request is a pre-built Buffer
 * (request line, headers and body), so sending one is a single socket.write and the only per-request
 * work is finding the end of a tiny response. One request in flight per connection (no pipelining).
 */
import { connect, type Socket } from 'node:net'
import { performance } from 'node:perf_hooks'

export interface Target {
  host: string
  port: number
}

export function targetOf(url: string): Target {
  const u = new URL(url)
  return { host: u.hostname, port: Number(u.port) }
}

/** A complete POST request, ready to write to a socket. */
export function buildPost(
  target: Target,
  path: string,
  headers: Record<string, string>,
  body: string,
): Buffer {
  return buildRequest(target, 'POST', path, headers, body)
}

/** A complete request (any method; a body only when given), ready to write to a socket. */
export function buildRequest(
  target: Target,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Buffer {
  const bytes = Buffer.from(body ?? '')
  let head = `${method} ${path} HTTP/1.1\r\nHost: ${target.host}:${target.port}\r\n`
  for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`
  if (body !== undefined) head += `Content-Length: ${bytes.length}\r\n`
  head += '\r\n'
  return Buffer.concat([Buffer.from(head, 'latin1'), bytes])
}

/** Per-request outcome, indexed like the request list (status 0 = not sent or connection failed). */
export interface LoadResult {
  status: Uint16Array
  /** Requests counted in the measured window and their latencies in ms, sorted ascending. */
  latencies: Float64Array
  /** Successful (2xx) responses completed inside the measured window, per second. */
  throughput: number
  windowMs: number
  sent: number
  /** Status → count over all requests, including warm-up (0 = connection error). */
  statuses: Map<number, number>
  /** First few non-2xx response heads and bodies, for diagnosis. */
  failures: string[]
  /** The request list ran out before the time was up (the window was shortened). */
  exhausted: boolean
}

export interface OpenLoopResult extends LoadResult {
  /** Each request's latency from its due time in ms (NaN when it never completed). */
  latencyOf: Float64Array
  /** performance.now() of request 0's due time (request i is due at start + i / rate). */
  start: number
  /** How late the driver's timer fired (load generator health): p99 in ms. */
  timerLagP99Ms: number
  /** Scheduled time → bytes written, including waiting for a free connection: p99 in ms. */
  sendDelayP99Ms: number
  /** Connections the pool grew to. */
  connections: number
}

interface InFlight {
  index: number
  /** When the request should have gone out (open loop) or did go out (closed loop). */
  startedAt: number
}

const CRLF2 = Buffer.from('\r\n\r\n')
const LAST_CHUNK = Buffer.from('0\r\n\r\n')

class Connection {
  private socket: Socket
  private buffer: Buffer | null = null
  inFlight: InFlight | null = null
  ready: Promise<void>
  dead = false
  /** When the last response arrived (or the connection opened). */
  idleSince = performance.now()

  constructor(
    target: Target,
    private readonly onResponse: (conn: Connection, status: number, detail: string) => void,
  ) {
    this.socket = connect({ host: target.host, port: target.port, noDelay: true })
    this.ready = new Promise((resolve, reject) => {
      this.socket.once('connect', () => resolve())
      this.socket.once('error', reject)
    })
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk))
    const fail = () => {
      if (this.dead) return
      this.dead = true
      if (this.inFlight) this.onResponse(this, 0, 'connection closed or failed')
    }
    this.socket.on('error', fail)
    this.socket.on('close', fail)
  }

  /** Servers drop keep-alive connections idle for ~5 s (Node's default); don't race that. */
  stale(now: number): boolean {
    return this.dead || (this.inFlight === null && now - this.idleSince > 3_000)
  }

  send(request: Buffer, inFlight: InFlight): void {
    this.inFlight = inFlight
    this.socket.write(request)
  }

  close(): void {
    this.dead = true
    this.socket.destroy()
  }

  private onData(chunk: Buffer): void {
    let buf = this.buffer ? Buffer.concat([this.buffer, chunk]) : chunk
    for (;;) {
      const headEnd = buf.indexOf(CRLF2)
      if (headEnd < 0) break
      const head = buf.toString('latin1', 0, headEnd)
      const status = Number(head.slice(9, 12))
      const length = /\r\ncontent-length:\s*(\d+)/i.exec(head)
      let end: number
      if (length) {
        end = headEnd + 4 + Number(length[1])
        if (buf.length < end) break
      } else if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) {
        const last = buf.indexOf(LAST_CHUNK, headEnd + 4)
        if (last < 0) break
        end = last + LAST_CHUNK.length
      } else {
        end = headEnd + 4
      }
      const detail = status >= 200 && status < 300 ? '' : buf.toString('utf8', 0, end)
      buf = buf.subarray(end)
      this.idleSince = performance.now()
      this.onResponse(this, status, detail)
    }
    this.buffer = buf.length > 0 ? buf : null
  }
}

class Recorder {
  readonly status: Uint16Array
  /** Each request's latency in ms (NaN until it completed). */
  readonly latencyOf: Float64Array
  private readonly latencies: number[] = []
  private readonly statuses = new Map<number, number>()
  readonly failures: string[] = []
  completedInWindow = 0
  sent = 0

  constructor(
    size: number,
    private windowStart: number,
    private windowEnd: number,
  ) {
    this.status = new Uint16Array(size)
    this.latencyOf = new Float64Array(size).fill(NaN)
  }

  setWindow(start: number, end: number): void {
    this.windowStart = start
    this.windowEnd = end
  }

  record(inFlight: InFlight, status: number, detail: string, now: number): void {
    this.status[inFlight.index] = status
    this.latencyOf[inFlight.index] = now - inFlight.startedAt
    this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1)
    const ok = status >= 200 && status < 300
    if (!ok && this.failures.length < 5) this.failures.push(`${status}: ${detail.slice(0, 500)}`)
    if (inFlight.startedAt >= this.windowStart && inFlight.startedAt < this.windowEnd)
      this.latencies.push(now - inFlight.startedAt)
    if (ok && now >= this.windowStart && now < this.windowEnd) this.completedInWindow++
  }

  result(exhausted: boolean, windowMs: number): LoadResult {
    const latencies = Float64Array.from(this.latencies).sort()
    return {
      status: this.status,
      latencies,
      throughput: (this.completedInWindow * 1000) / windowMs,
      windowMs,
      sent: this.sent,
      statuses: this.statuses,
      failures: this.failures,
      exhausted,
    }
  }
}

async function openConnections(
  target: Target,
  count: number,
  onResponse: (conn: Connection, status: number, detail: string) => void,
): Promise<Connection[]> {
  const conns = Array.from({ length: count }, () => new Connection(target, onResponse))
  await Promise.all(conns.map((c) => c.ready))
  return conns
}

/**
 * Closed loop: `concurrency` connections, each sending its next request as soon as the previous
 * response arrives, for warmupMs + durationMs. Only the last durationMs is measured.
 */
export async function closedLoop(options: {
  target: Target
  requests: Buffer[]
  concurrency: number
  warmupMs: number
  durationMs: number
}): Promise<LoadResult> {
  const { requests } = options
  const recorder = new Recorder(requests.length, Infinity, Infinity)
  let next = 0
  let stopAt = Infinity
  let active = 0
  let exhaustedAt: number | null = null
  let finish: () => void = () => {}
  const finished = new Promise<void>((resolve) => (finish = resolve))

  const issue = (conn: Connection) => {
    const now = performance.now()
    if (now >= stopAt || next >= requests.length || conn.dead) {
      if (next >= requests.length && exhaustedAt === null && now < stopAt) exhaustedAt = now
      active--
      if (active === 0) finish()
      return
    }
    const index = next++
    recorder.sent++
    conn.send(requests[index] as Buffer, { index, startedAt: now })
  }
  const onResponse = (conn: Connection, status: number, detail: string) => {
    const inFlight = conn.inFlight
    if (!inFlight) return
    conn.inFlight = null
    recorder.record(inFlight, status, detail, performance.now())
    issue(conn)
  }

  const conns = await openConnections(options.target, options.concurrency, onResponse)
  const start = performance.now()
  const windowStart = start + options.warmupMs
  stopAt = windowStart + options.durationMs
  recorder.setWindow(windowStart, stopAt)
  active = conns.length
  for (const conn of conns) issue(conn)
  await withDeadline(finished, options.warmupMs + options.durationMs + 15_000)
  for (const conn of conns) conn.close()

  const windowEnd = Math.min(stopAt, exhaustedAt ?? Infinity)
  return recorder.result(exhaustedAt !== null, Math.max(1, windowEnd - windowStart))
}

/**
 * Open loop: request i is due at start + i / rate whatever happened before (no coordinated
 * omission). Latency is measured from the due time, so time spent queued for a free connection or
 * behind a late timer counts against the server. Requests due in the first leadInMs are not measured.
 * The pool grows (up to maxConnections) when every connection is busy.
 */
export async function openLoop(options: {
  target: Target
  requests: Buffer[]
  ratePerSec: number
  leadInMs: number
  durationMs: number
  connections: number
  maxConnections: number
  /** performance.now() at which request 0 is due (default: 5 ms after the connections open). */
  startAt?: number
}): Promise<OpenLoopResult> {
  const { requests, ratePerSec } = options
  const needed = Math.floor((ratePerSec * (options.leadInMs + options.durationMs)) / 1000)
  const total = Math.min(requests.length, needed)
  const recorder = new Recorder(requests.length, Infinity, Infinity)
  const interval = 1000 / ratePerSec
  const queue: InFlight[] = []
  const idle: Connection[] = []
  const all: Connection[] = []
  const sendLag: number[] = []
  const timerLag: number[] = []
  let outstanding = total
  let finish: () => void = () => {}
  const finished = new Promise<void>((resolve) => (finish = resolve))

  const send = (conn: Connection, inFlight: InFlight) => {
    sendLag.push(performance.now() - inFlight.startedAt)
    recorder.sent++
    conn.send(requests[inFlight.index] as Buffer, inFlight)
  }
  const release = (conn: Connection) => {
    if (conn.dead) return
    const waiting = queue.shift()
    if (waiting) send(conn, waiting)
    else idle.push(conn)
  }
  const onResponse = (conn: Connection, status: number, detail: string) => {
    const inFlight = conn.inFlight
    if (!inFlight) return
    conn.inFlight = null
    recorder.record(inFlight, status, detail, performance.now())
    if (--outstanding === 0) finish()
    release(conn)
  }
  const grow = () => {
    if (all.filter((c) => !c.dead).length >= options.maxConnections) return
    const conn = new Connection(options.target, onResponse)
    all.push(conn)
    conn.ready.then(
      () => release(conn),
      () => undefined,
    )
  }
  const dispatch = (inFlight: InFlight) => {
    const now = performance.now()
    let conn = idle.pop()
    while (conn?.stale(now)) {
      conn.close()
      conn = idle.pop()
    }
    if (conn) send(conn, inFlight)
    else {
      queue.push(inFlight)
      grow()
    }
  }

  all.push(...(await openConnections(options.target, options.connections, onResponse)))
  idle.push(...all)
  const start = options.startAt ?? performance.now() + 5
  const windowStart = start + options.leadInMs
  recorder.setWindow(windowStart, windowStart + options.durationMs)
  let due = 0
  const tick = () => {
    const now = performance.now()
    while (due < total && start + due * interval <= now) {
      timerLag.push(now - (start + due * interval))
      dispatch({ index: due, startedAt: start + due * interval })
      due++
    }
    if (due < total) setTimeout(tick, Math.max(0, start + due * interval - performance.now()))
  }
  setTimeout(tick, Math.max(0, start - performance.now()))
  await withDeadline(
    finished,
    Math.max(0, start - performance.now()) + options.leadInMs + options.durationMs + 15_000,
  )
  for (const conn of all) conn.close()

  return {
    ...recorder.result(total < needed, options.durationMs),
    latencyOf: recorder.latencyOf,
    start,
    timerLagP99Ms: percentile(Float64Array.from(timerLag).sort(), 0.99),
    sendDelayP99Ms: percentile(Float64Array.from(sendLag).sort(), 0.99),
    connections: all.length,
  }
}

/** Resolves when the promise does or after ms, whichever is first (a lost response must not hang). */
function withDeadline(promise: Promise<void>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer))
}

/** Nearest-rank percentile of an ascending array; NaN when empty. */
export function percentile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)))
  return sorted[rank - 1] as number
}
