import type { Logger } from '../domain/ports.ts'
import { drainOnce, type ProcessorDeps } from '../domain/webhook/processor.ts'

/**
 * Drains the inbox and outbox inside the Node process. `kick()` after the webhook's 200 starts a
 * drain (coalesced: one at a time); a timer picks up retries whose backoff has passed and events
 * left behind by a crash. Each batch yields to the event loop so requests keep flowing.
 */
export class NodeProcessor {
  private running: Promise<void> | null = null
  private again = false
  private stopped = false
  private timer: ReturnType<typeof setInterval> | null = null

  constructor(
    private readonly deps: ProcessorDeps,
    private readonly logger: Logger,
    private readonly options: { batchSize?: number; sweepEveryMs?: number } = {},
  ) {}

  start(): this {
    this.timer = setInterval(() => this.kick(), this.options.sweepEveryMs ?? 1_000)
    this.timer.unref()
    this.kick()
    return this
  }

  kick(): void {
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
    do {
      this.again = false
      for (;;) {
        if (this.stopped) return
        let handled = 0
        try {
          handled = await drainOnce(this.deps, this.options.batchSize ?? 50)
        } catch (error) {
          this.logger.error('drain failed', { error: String(error) })
          return
        }
        if (handled === 0) break
        await new Promise<void>((resolve) => setImmediate(resolve))
      }
    } while (this.again && !this.stopped)
  }
}
