import {
  CHUNK_LEASE_MS,
  deliverChunk,
  runPlan,
  startDueBroadcasts,
  type BroadcastDeps,
} from '../domain/broadcasts/engine.ts'

/**
 * Node: sends broadcast chunks inside the process. Claims due chunks in small batches and keeps
 * up to `concurrency` in flight; the shared pacer in the messaging client holds the rate under
 * LINE's limits. A timer looks for scheduled broadcasts and retries whose backoff has passed.
 */
export class NodeBroadcastSender {
  private running: Promise<void> | null = null
  private again = false
  private stopped = false
  /** Until start() nothing is sent (tests and tools that drive the engine by hand). */
  private started = false
  private timer: ReturnType<typeof setInterval> | null = null
  private readonly inFlight = new Set<Promise<void>>()
  /** Plans started by send requests, one after another (each yields between its statements). */
  private plans: Promise<void> = Promise.resolve()

  constructor(
    private readonly deps: () => BroadcastDeps,
    private readonly options: { concurrency?: number; tickMs?: number } = {},
  ) {}

  /** Resumes what the previous process left (its leases are void) and starts the timer. */
  async start(): Promise<this> {
    const released = await this.deps().store.releaseInterrupted(this.deps().clock.now())
    if (released > 0)
      this.deps().logger.info('resuming broadcasts interrupted by the previous stop', { released })
    this.started = true
    this.timer = setInterval(() => this.tick(), this.options.tickMs ?? 1_000)
    this.timer.unref()
    this.tick()
    return this
  }

  private tick(): void {
    if (this.stopped) return
    void startDueBroadcasts(this.deps())
      .catch((error: unknown) =>
        this.deps().logger.error('starting scheduled broadcasts failed', { error: String(error) }),
      )
      .finally(() => this.wake())
  }

  /** Chunks are due (a send, a resume): start sending if not already. */
  wake(): void {
    if (this.stopped || !this.started) return
    if (this.running) {
      this.again = true
      return
    }
    this.running = this.loop().finally(() => {
      this.running = null
    })
  }

  /**
   * Plans a broadcast a send request claimed, on this sender's own chain (also before start():
   * planning sends nothing), then its chunks are dispatched. Returns at once; errors are logged.
   * After stop() nothing starts: the claim's lease is void at the next start and planned then.
   */
  startPlan(broadcastId: number, token: number): void {
    if (this.stopped) return
    this.plans = this.plans.then(() =>
      runPlan(this.deps(), broadcastId, token).catch((error: unknown) =>
        this.deps().logger.error('broadcast planning failed', {
          broadcastId,
          error: String(error),
        }),
      ),
    )
  }

  async idle(): Promise<void> {
    await this.plans
    while (this.running) await this.running
  }

  async stop(): Promise<void> {
    this.stopped = true
    if (this.timer) clearInterval(this.timer)
    await this.idle()
  }

  private async loop(): Promise<void> {
    const concurrency = this.options.concurrency ?? 64
    do {
      this.again = false
      for (;;) {
        if (this.stopped) break
        const room = concurrency - this.inFlight.size
        if (room <= 0) {
          await Promise.race(this.inFlight)
          continue
        }
        const deps = this.deps()
        let chunks
        try {
          chunks = await deps.store.claimDueChunks(deps.clock.now(), CHUNK_LEASE_MS, room)
        } catch (error) {
          deps.logger.error('claiming broadcast chunks failed', { error: String(error) })
          break
        }
        if (chunks.length === 0) {
          if (this.inFlight.size === 0) break
          await Promise.race(this.inFlight)
          continue
        }
        for (const chunk of chunks) {
          const job: Promise<void> = deliverChunk(deps, chunk)
            .catch((error: unknown) =>
              deps.logger.error('broadcast chunk failed', {
                chunkId: chunk.id,
                error: String(error),
              }),
            )
            .finally(() => this.inFlight.delete(job))
          this.inFlight.add(job)
        }
      }
      await Promise.all(this.inFlight)
    } while (this.again && !this.stopped)
  }
}
