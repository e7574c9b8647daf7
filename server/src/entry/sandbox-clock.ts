import type { SandboxClock, SandboxClockAdvance } from '@joren/shared'
import { atLocalTime } from '../domain/contact-policy/policy.ts'
import { InvalidRequest } from '../domain/errors.ts'
import { systemClock, type Clock } from '../domain/ports.ts'

const HOUR_MS = 60 * 60_000
const DAY_MS = 24 * HOUR_MS
/** The furthest one move may go (a year and a day). */
const MAX_MOVE_MS = 366 * DAY_MS

/**
 * The sandbox's clock: the real time plus an offset that only grows. Built by the sandbox entry
 * alone (never with a real LINE channel), shared by the product and the LINE stand-in so ID tokens,
 * webhook timestamps and the scheduler all agree on "now".
 */
export class SandboxShopClock implements Clock {
  #offsetMs = 0
  constructor(private readonly base: Clock = systemClock) {}
  now = (): number => this.base.now() + this.#offsetMs
  get offsetMs(): number {
    return this.#offsetMs
  }
  /** Moves to `at` (never back). */
  moveTo(at: number): void {
    this.#offsetMs = Math.max(this.#offsetMs, at - this.base.now())
  }
}

/**
 * Moves the sandbox clock forward and runs the periodic jobs (journeys' triggers and due steps,
 * expiry, tiers, delivery) at each day passed and at the end, so a welcome series or a birthday
 * arrives step by step as it would over those days. Overlapping calls wait for each other.
 */
export function sandboxClockControl(input: {
  clock: SandboxShopClock
  timeZone: string
  /** One run of the periodic jobs at the clock's current time. */
  tick(): Promise<void>
}) {
  let running: Promise<unknown> = Promise.resolve()
  const state = (ticks: number): SandboxClock => ({
    now: input.clock.now(),
    offsetMs: input.clock.offsetMs,
    ticks,
  })
  async function move(request: SandboxClockAdvance): Promise<SandboxClock> {
    const from = input.clock.now()
    const target =
      request.to !== undefined
        ? atLocalTime(request.to.slice(0, 10), request.to.slice(11), input.timeZone)
        : from + (request.days ?? 0) * DAY_MS + (request.hours ?? 0) * HOUR_MS
    if (target <= from)
      throw new InvalidRequest('時計は先にしか進められません（今より後の日時を指定してください）')
    if (target - from > MAX_MOVE_MS) throw new InvalidRequest('一度に進められるのは366日までです')
    let ticks = 0
    for (let at = Math.min(from + DAY_MS, target); ; at = Math.min(at + DAY_MS, target)) {
      input.clock.moveTo(at)
      await input.tick()
      ticks += 1
      if (at >= target) break
    }
    // A pass the minute timer began before the move may have been joined: one more at the new time.
    await input.tick()
    ticks += 1
    return state(ticks)
  }
  return {
    get: (): SandboxClock => state(0),
    advance(request: SandboxClockAdvance): Promise<SandboxClock> {
      const next = running.then(() => move(request))
      running = next.catch(() => undefined)
      return next
    },
  }
}

export type SandboxClockControl = ReturnType<typeof sandboxClockControl>
