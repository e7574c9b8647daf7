import { performance, type EventLoopUtilization } from 'node:perf_hooks'
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises'
import type { Logger } from '../domain/ports.ts'
import { drainOnce, type ProcessorDeps } from '../domain/webhook/processor.ts'

/** The longest the drain holds the event loop at a time (it runs on the requests' thread). */
const SLICE_MS = 2
/**
 * While webhooks keep arriving, the drain gets the loop's idle time plus this share of its busy
 * time: acceptance keeps ~90% of a saturated core, and processing never stops altogether.
 */
const BUSY_SHARE = 0.1
/** How long a backed-off drain waits before it looks again (any I/O still wakes the loop). */
const BACKOFF_MS = 1
/** A backed-off drain waits until it has at least this much loop time to spend. */
const MIN_SLICE_MS = 0.5

/**
 * Drains the inbox and outbox inside the Node process. `kick()` after the webhook's 200 starts a
 * drain (coalesced: one at a time); a timer picks up retries whose backoff has passed and events
 * left behind by a crash.
 *
 * Acceptance comes first: the drain works in slices of at most ~2 ms and yields between them.
 * When no webhook arrived since the last slice it runs at full speed; while they keep arriving it
 * backs off to the loop's idle time plus a minimum share, and catches up after the burst (the inbox
 * is durable, so deferring is safe).
 */
export class NodeProcessor {
  private running: Promise<void> | null = null
  private again = false
  private stopped = false
  private timer: ReturnType<typeof setInterval> | null = null
  /** kick() calls since the last slice: webhooks are arriving. */
  private kicks = 0
  /** Milliseconds of loop time the drain may still use while webhooks arrive (can go negative). */
  private credit = 0
  private loopMark: EventLoopUtilization | null = null
  private sliceMark: EventLoopUtilization | null = null
  private sliceStarted = 0
  private sliceBudgetMs = SLICE_MS
  private pausing: Promise<void> | null = null

  constructor(
    private readonly deps: ProcessorDeps,
    private readonly logger: Logger,
    private readonly options: { batchSize?: number; sweepEveryMs?: number } = {},
  ) {}

  start(): this {
    this.timer = setInterval(() => this.wake(), this.options.sweepEveryMs ?? 1_000)
    this.timer.unref()
    this.wake()
    return this
  }

  /** A webhook stored events: process them soon (and back off while more keep arriving). */
  kick(): void {
    this.kicks++
    this.wake()
  }

  private wake(): void {
    if (this.stopped) return
    if (this.running) {
      this.again = true
      return
    }
    this.running = this.loop().finally(() => {
      this.running = null
    })
  }

  /** Resolves when no drain is in flight (for tests and benchmarks). */
  async idle(): Promise<void> {
    while (this.running) await this.running
  }

  /** Stops scheduling new work and waits for the batch in flight to finish. */
  async stop(): Promise<void> {
    this.stopped = true
    if (this.timer) clearInterval(this.timer)
    await this.idle()
  }

  private async loop(): Promise<void> {
    // Right after the callbacks of the turn that kicked (the webhook's answer is written first),
    // so what was stored is claimed before later deliveries pile onto the same batch.
    await new Promise<void>((resolve) => process.nextTick(resolve))
    this.kicks = 0
    this.beginSlice(SLICE_MS)
    do {
      this.again = false
      for (;;) {
        if (this.stopped) return
        let handled = 0
        try {
          handled = await drainOnce(this.deps, this.options.batchSize ?? 50, this.pace)
        } catch (error) {
          this.logger.error('drain failed', { error: String(error) })
          return
        }
        if (handled === 0) break
        await this.pace()
      }
    } while (this.again && !this.stopped)
    this.endSlice()
  }

  /**
   * Called between events and between messages: within the slice's budget it returns at once;
   * past it, the drain yields the thread (and backs off while webhooks arrive). Concurrent callers
   * (messages to different members) share one pause.
   */
  private readonly pace = (): Promise<void> | undefined => {
    if (this.stopped || performance.now() - this.sliceStarted < this.sliceBudgetMs) return
    return (this.pausing ??= this.pause().finally(() => {
      this.pausing = null
    }))
  }

  private async pause(): Promise<void> {
    this.endSlice()
    await nextTurn()
    for (;;) {
      const budget = this.sliceBudget()
      if (budget !== null || this.stopped) {
        this.beginSlice(budget ?? SLICE_MS)
        return
      }
      await sleep(BACKOFF_MS)
    }
  }

  private beginSlice(budgetMs: number): void {
    this.sliceStarted = performance.now()
    this.sliceBudgetMs = budgetMs
    this.sliceMark = performance.eventLoopUtilization()
  }

  /** Charges the slice's loop time (not the time spent waiting for LINE) to the credit. */
  private endSlice(): void {
    if (!this.sliceMark) return
    this.credit -= performance.eventLoopUtilization(this.sliceMark).active
    this.sliceMark = null
    this.loopMark = performance.eventLoopUtilization()
  }

  /** How long the next slice may run, or null to back off (webhooks are using the loop). */
  private sliceBudget(): number | null {
    const busy = this.kicks > 0
    this.kicks = 0
    const since = performance.eventLoopUtilization(this.loopMark ?? undefined)
    this.loopMark = performance.eventLoopUtilization()
    if (!busy) {
      this.credit = 0
      return SLICE_MS
    }
    this.credit = Math.min(SLICE_MS, this.credit + since.idle + BUSY_SHARE * since.active)
    return this.credit >= MIN_SLICE_MS ? this.credit : null
  }
}
