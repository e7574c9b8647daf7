/** Effects the domain needs, injected by each runtime's entry so domain code stays pure. */
export interface Clock {
  now(): number
}

export interface Ids {
  /** A random UUID (v4), used for X-Line-Retry-Key. */
  uuid(): string
  /** Random integer in [0, max). */
  randomInt(max: number): number
}

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void
  warn(message: string, fields?: Record<string, unknown>): void
  error(message: string, fields?: Record<string, unknown>): void
}

/** Keeps work going after the response: Workers' `waitUntil`; on Node the promise just runs. */
export type Defer = (task: Promise<unknown>) => void
/**
 * Awaited before each step of background work (an event, a message, a step of a periodic pass):
 * returns undefined to go at once, or a promise that resolves when the step may run. On Node the
 * work shares the thread that answers webhooks and API calls (see NodeProcessor); elsewhere it
 * may be absent.
 */
export type Pace = () => Promise<void> | undefined

/** Waits for the pace (if any) to let the step run. */
export async function paced(pace: Pace | undefined): Promise<void> {
  await pace?.()
}

export const systemClock: Clock = { now: () => Date.now() }

export const webIds: Ids = {
  uuid: () => crypto.randomUUID(),
  randomInt: (max) => {
    const buf = new Uint32Array(1)
    crypto.getRandomValues(buf)
    return (buf[0] ?? 0) % max
  },
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} }
