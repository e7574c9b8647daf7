import { couponDeps } from './compose/coupons.ts'
import type { Atomic } from './db/atomic.ts'
import type { Database } from './db/database.ts'
import { createBroadcastRepository } from './db/repositories/broadcast-repository.ts'
import type { Repositories } from './db/repositories/index.ts'
import {
  CHUNK_LEASE_MS,
  deliverChunk,
  runPlan,
  startDueBroadcasts,
  type BroadcastDeps,
} from './domain/broadcasts/engine.ts'
import type { BroadcastStore } from './domain/broadcasts/store.ts'
import type { AppLinks } from './domain/links.ts'
import type { Messenger } from './domain/messaging/messenger.ts'
import type { Clock, Ids, Logger } from './domain/ports.ts'

export interface BroadcastServiceInput {
  db: Database
  atomic: Atomic
  repositories: Repositories
  messenger: Messenger
  clock: Clock
  ids: Ids
  logger: Logger
  links: AppLinks
  dispatch(broadcastId: number): Promise<void>
  /** Runs a claimed plan off the request (Node: the sender's chain; Workers: the JOBS queue). */
  startPlan(broadcastId: number, token: number): Promise<void>
  /** Member IDs per freeze batch (tests; default the engine's). */
  membersPerStatement?: number
}

/** The broadcasts' store alone (other areas asking about broadcasts, e.g. a segment in use). */
export function broadcastStore(
  input: Pick<BroadcastServiceInput, 'db' | 'atomic'>,
): BroadcastStore {
  return createBroadcastRepository(input.db, input.atomic)
}

/** The broadcast engine's deps (both runtimes; `dispatch` says how chunks reach a sender). */
export function broadcastDeps(input: BroadcastServiceInput): BroadcastDeps {
  return {
    store: createBroadcastRepository(input.db, input.atomic),
    messenger: input.messenger,
    coupons: couponDeps({ ...input, timeZone: input.links.timeZone }),
    links: input.links,
    clock: input.clock,
    ids: input.ids,
    logger: input.logger,
    timeZone: input.links.timeZone,
    dispatch: input.dispatch,
    startPlan: input.startPlan,
    membersPerStatement: input.membersPerStatement,
  }
}

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
