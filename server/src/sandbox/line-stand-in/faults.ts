import { STATUS_CODES } from 'node:http'
import type { Fault, FaultHandle, FaultPhase, LatencyRange } from './types.ts'

interface ActiveFault {
  id: string
  fault: Fault
  path: string | RegExp | undefined
  method: string | undefined
  remaining: number
  random: () => number
  hits: number
}

export type FaultOutcome =
  | {
      kind: 'status'
      status: number
      body: unknown
      headers: Record<string, string>
      phase: FaultPhase
    }
  | { kind: 'drop'; phase: FaultPhase }

export interface FaultDecision {
  latencyMs: number
  /** Waits between processing the call and answering it. */
  answerLatencyMs: number
  outcome: FaultOutcome | undefined
}

const none: FaultDecision = { latencyMs: 0, answerLatencyMs: 0, outcome: undefined }

/** Small deterministic PRNG (mulberry32) so `share` faults can be reproduced by seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export function defaultFaultBody(status: number): unknown {
  if (status === 429) return { message: 'The API rate limit has been exceeded. Try again later.' }
  return { message: STATUS_CODES[status] ?? 'Error' }
}

export class Faults {
  private active: ActiveFault[] = []
  private nextId = 0

  add(fault: Fault): FaultHandle {
    validateFault(fault)
    const entry: ActiveFault = {
      id: `fault-${++this.nextId}`,
      fault,
      // a global or sticky RegExp would carry lastIndex between calls
      path:
        fault.path instanceof RegExp
          ? new RegExp(fault.path.source, fault.path.flags.replace(/[gy]/g, ''))
          : fault.path,
      method: fault.method?.toUpperCase(),
      remaining: fault.count ?? Number.POSITIVE_INFINITY,
      random: fault.seed === undefined ? Math.random : seededRandom(fault.seed),
      hits: 0,
    }
    this.active.push(entry)
    return {
      id: entry.id,
      remove: () => this.remove(entry.id),
      get hits() {
        return entry.hits
      },
    }
  }

  remove(id: string): boolean {
    const before = this.active.length
    this.active = this.active.filter((entry) => entry.id !== id)
    return this.active.length !== before
  }

  clear(): void {
    this.active = []
  }

  /**
   * Picks the one fault (if any) that affects a call: count-limited faults first, in the order
   * they were injected, so `inject(drop, count 1); inject(latency, count 1)` hits the next two
   * calls in that order; then the earliest unlimited fault.
   */
  decide(method: string, path: string): FaultDecision {
    if (this.active.length === 0) return none
    const chosen = this.pick(method, path, true) ?? this.pick(method, path, false)
    if (!chosen) return none
    chosen.hits++
    chosen.remaining--
    if (chosen.remaining <= 0) this.active = this.active.filter((entry) => entry !== chosen)
    const { fault } = chosen
    if (fault.kind === 'latency')
      return fault.phase === 'after'
        ? { latencyMs: 0, answerLatencyMs: fault.ms, outcome: undefined }
        : { latencyMs: fault.ms, answerLatencyMs: 0, outcome: undefined }
    if (fault.kind === 'drop')
      return {
        latencyMs: 0,
        answerLatencyMs: 0,
        outcome: { kind: 'drop', phase: fault.phase ?? 'before' },
      }
    return {
      latencyMs: 0,
      answerLatencyMs: 0,
      outcome: {
        kind: 'status',
        status: fault.status,
        body: fault.body ?? defaultFaultBody(fault.status),
        headers: fault.headers ?? {},
        phase: fault.phase ?? 'before',
      },
    }
  }

  private pick(method: string, path: string, limited: boolean): ActiveFault | undefined {
    for (const entry of this.active) {
      if ((entry.fault.count !== undefined) !== limited) continue
      if (entry.method !== undefined && entry.method !== method) continue
      if (entry.path !== undefined) {
        if (typeof entry.path === 'string' ? entry.path !== path : !entry.path.test(path)) continue
      }
      if (entry.fault.share !== undefined && entry.random() >= entry.fault.share) continue
      return entry
    }
    return undefined
  }
}

function validateFault(fault: Fault): void {
  if (fault.kind === 'status' && !(fault.status >= 100 && fault.status <= 599)) {
    throw new Error(`fault status must be an HTTP status: ${String(fault.status)}`)
  }
  if (fault.kind === 'latency' && !(fault.ms >= 0)) throw new Error('fault ms must be >= 0')
  if (!['status', 'latency', 'drop'].includes(fault.kind)) {
    throw new Error(`unknown fault kind: ${String((fault as { kind: unknown }).kind)}`)
  }
  if (fault.phase !== undefined && fault.phase !== 'before' && fault.phase !== 'after') {
    throw new Error(`fault phase must be 'before' or 'after': ${String(fault.phase)}`)
  }
  if (fault.share !== undefined && !(fault.share >= 0 && fault.share <= 1)) {
    throw new Error('fault share must be between 0 and 1')
  }
  if (fault.count !== undefined && !(Number.isInteger(fault.count) && fault.count > 0)) {
    throw new Error('fault count must be a positive integer')
  }
}

/** The base latency of every LINE API call: uniform in [minMs, maxMs]. */
export class BaseLatency {
  private range: LatencyRange | undefined
  private path: string | RegExp | undefined
  private random: () => number = Math.random

  set(range: LatencyRange | undefined): void {
    if (range) {
      if (!(range.minMs >= 0 && range.maxMs >= range.minMs))
        throw new Error('latency needs 0 <= minMs <= maxMs')
      this.path =
        range.path instanceof RegExp
          ? new RegExp(range.path.source, range.path.flags.replace(/[gy]/g, ''))
          : range.path
      this.random = range.seed === undefined ? Math.random : seededRandom(range.seed)
    }
    this.range = range
  }

  /** Milliseconds this call waits before it is handled (0 when no range applies). */
  for(path: string): number {
    const range = this.range
    if (!range) return 0
    if (this.path !== undefined) {
      if (typeof this.path === 'string' ? this.path !== path : !this.path.test(path)) return 0
    }
    return range.minMs + this.random() * (range.maxMs - range.minMs)
  }
}
