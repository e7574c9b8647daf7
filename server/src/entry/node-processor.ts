import { performance, type EventLoopUtilization } from 'node:perf_hooks'
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises'
import { deliverEvents } from '../domain/event-relay/relay.ts'
import { outboxPumpSource } from '../domain/messaging/outbox-sender.ts'
import type { OutboxItem } from '../domain/messaging/outbox.ts'
import type { Logger } from '../domain/ports.ts'
import { Pump } from '../domain/pump.ts'
import type { InboxEvent } from '../domain/webhook/inbox.ts'
import { eventPumpSource, type ProcessorDeps } from '../domain/webhook/processor.ts'

/** The longest the background work holds the event loop at a time (it runs on the requests' thread). */
const SLICE_MS = 2
/**
 * While webhooks keep arriving, background work gets the loop's idle time plus this share of its
 * busy time: acceptance keeps ~90% of a saturated core, and processing never stops altogether.
 */
const BUSY_SHARE = 0.1
/** How long a backed-off drain waits before it looks again (any I/O still wakes the loop). */
const BACKOFF_MS = 1
/** A backed-off drain waits until it has at least this much loop time to spend. */
const MIN_SLICE_MS = 0.5
/** Events handled side by side (most of an event is CPU; this covers profile look-ups). */
const EVENTS_IN_FLIGHT = 64
/**
 * Sends in flight at most: LINE answers in 50–300 ms, so this carries ~1,000 answers a second
 * (the shared pacer keeps the calls under LINE's rate limits whatever the window).
 */
const SENDS_IN_FLIGHT = 256

/**
 * Processes the inbox and sends the outbox inside the Node process, independently: events are
 * handled as they arrive (`kick()` after the webhook's 200) and each one's answer is claimed for
 * sending as soon as it is enqueued, with up to SENDS_IN_FLIGHT calls to LINE in flight; neither
 * waits for the other's batch. A timer picks up retries whose backoff has passed and work left
 * behind by a crash.
 *
 * Acceptance comes first: background work goes one step at a time, each step in its own turn of
 * the event loop, in slices of ~2 ms (`pace`, shared by both pumps and by the periodic jobs).
 * Concurrency only overlaps the waits for LINE: however many events and sends are in progress,
 * their work never piles into one long stretch. When no webhook arrived since the last slice it
 * runs at full speed; while they keep arriving it backs off to the loop's idle time plus a minimum
 * share, and catches up after the burst (inbox and outbox are durable).
 */
export class NodeProcessor {
  private stopped = false
  private timer: ReturnType<typeof setInterval> | null = null
  readonly events: Pump<InboxEvent>
  readonly sender: Pump<OutboxItem>
  private readonly eventSource: ReturnType<typeof eventPumpSource>
  /** kick() calls since the last slice: webhooks are arriving. */
  private kicks = 0
  /** Milliseconds of loop time the drain may still use while webhooks arrive (can go negative). */
  private credit = 0
  private loopMark: EventLoopUtilization | null = null
  private sliceMark: EventLoopUtilization | null = null
  private sliceStarted = 0
  private sliceBudgetMs = SLICE_MS
  /** Steps waiting for their turn, in order. */
  private readonly waiting: (() => void)[] = []
  private stepping: Promise<void> | null = null
  /** The domain-event relay in progress (one at a time), and whether it should go round again. */
  private relaying: Promise<void> | null = null
  private relayAgain = false
  /** A relay pass was asked for that must look at every subscriber (the sweep's). */
  private relayAll = false
  /** The domain events' head when the relay last went through them all (null: not yet). */
  private settledHead: number | null = null

  constructor(
    private readonly deps: ProcessorDeps,
    private readonly logger: Logger,
    private readonly options: {
      sweepEveryMs?: number
      eventsInFlight?: number
      sendsInFlight?: number
    } = {},
  ) {
    const onError = (error: unknown) =>
      this.logger.error('background processing failed', { error: String(error) })
    this.sender = new Pump(outboxPumpSource({ ...deps, pace: this.pace }), {
      maxInFlight: options.sendsInFlight ?? SENDS_IN_FLIGHT,
      claimBatch: 64,
      pace: this.pace,
      defer: setImmediate,
      onError,
    })
    this.eventSource = eventPumpSource(deps, () => {
      this.sender.wake()
      this.relay(true)
    })
    this.events = new Pump(this.eventSource, {
      maxInFlight: options.eventsInFlight ?? EVENTS_IN_FLIGHT,
      claimBatch: 32,
      pace: this.pace,
      defer: setImmediate,
      onError,
    })
  }

  start(): this {
    this.timer = setInterval(() => this.sweep(), this.options.sweepEveryMs ?? 1_000)
    this.timer.unref()
    this.sweep()
    return this
  }

  /** A webhook stored events: process them soon (and back off while more keep arriving). */
  kick(): void {
    if (this.stopped) return
    this.kicks++
    // After the turn that kicked (the webhook's answer is written first); webhooks stored in the
    // same turn share one claim (the pump defers it).
    this.events.wake()
  }

  /** Retries whose backoff has passed, and anything a previous run left. */
  private sweep(): void {
    if (this.stopped) return
    this.events.wake()
    this.sender.wake()
    this.relay()
  }

  /**
   * Hands committed domain events to their subscribers (the welcome coupon, …) — after events
   * were handled (their commits record domain events) and on every sweep (subscribers waiting for
   * the reply window, retries). One pass at a time, each batch a paced step; what a subscriber
   * queued is sent at once.
   *
   * `onlyIfNew` (after a handled event): one read of the head, and no pass at all when no domain
   * event was recorded since the relay last went through them all — most handled events record
   * none, and a pass reads every subscriber's cursor. What waits for time (a retry, the reply
   * window, a lease) is the sweep's, which always passes.
   */
  private relay(onlyIfNew = false): void {
    const relayDeps = this.deps.relay
    if (!relayDeps || this.stopped) return
    if (!onlyIfNew) this.relayAll = true
    if (this.relaying) {
      this.relayAgain = true
      return
    }
    this.relaying = (async () => {
      do {
        this.relayAgain = false
        const all = this.relayAll
        this.relayAll = false
        await this.pace()
        if (this.stopped) return
        // Read before the passes: an event recorded during them moves the head past it.
        const head = await relayDeps.store.headId()
        if (!all && head === this.settledHead) continue
        for (;;) {
          const delivered = await deliverEvents(relayDeps, 50)
          if (delivered === 0) break
          this.sender.wake()
          await this.pace()
          if (this.stopped) return
        }
        this.settledHead = head
      } while (this.relayAgain && !this.stopped)
    })()
      .catch((error: unknown) => this.logger.error('event relay failed', { error: String(error) }))
      .finally(() => {
        this.relaying = null
      })
  }

  /** Resolves when nothing is being processed or sent (for tests and benchmarks). */
  async idle(): Promise<void> {
    do {
      await this.events.idle()
      await this.eventSource.flush()
      await this.relaying
      await this.sender.idle()
    } while (this.events.inFlight > 0 || this.sender.inFlight > 0 || this.relaying)
    this.endSlice()
  }

  /** Stops claiming new work and waits for what is in progress to finish. */
  async stop(): Promise<void> {
    this.stopped = true
    if (this.timer) clearInterval(this.timer)
    this.releaseWaiting()
    await this.events.stop()
    await this.eventSource.flush()
    await this.relaying
    await this.sender.stop()
    this.endSlice()
  }

  /**
   * Called before each step of background work (an event, a message, a send's outcome, a claim, a
   * step of a periodic pass). Steps are let through one at a time, each in its own turn of the
   * event loop — so the previous step's work (all of it: its awaits on the database are
   * microtasks) is done, and webhooks waiting on their sockets were read, before the next starts.
   * Within a slice's budget the next step follows at once; past it, the work backs off while
   * webhooks arrive (see sliceBudget).
   */
  readonly pace = (): Promise<void> | undefined => {
    if (this.stopped) return
    return new Promise<void>((resolve) => {
      this.waiting.push(resolve)
      this.startStepping()
    })
  }

  private startStepping(): void {
    this.stepping ??= this.runSteps().finally(() => {
      this.stepping = null
      if (this.waiting.length > 0) this.startStepping()
    })
  }

  private async runSteps(): Promise<void> {
    for (;;) {
      await nextTurn()
      const next = this.waiting.shift()
      if (!next) {
        // Nothing waiting: the slice ends; the next step goes through the budget check again.
        this.endSlice()
        return
      }
      if (
        !this.stopped &&
        (this.sliceMark === null || performance.now() - this.sliceStarted >= this.sliceBudgetMs)
      ) {
        this.endSlice()
        for (;;) {
          const budget = this.sliceBudget()
          if (budget !== null || this.stopped) {
            this.beginSlice(budget ?? SLICE_MS)
            break
          }
          await sleep(BACKOFF_MS)
        }
      }
      next()
    }
  }

  /** After stop(): every step still waiting goes (to finish or give up), unpaced. */
  private releaseWaiting(): void {
    for (const next of this.waiting.splice(0)) next()
  }

  private beginSlice(budgetMs: number): void {
    this.sliceStarted = performance.now()
    this.sliceBudgetMs = budgetMs
    this.sliceMark = performance.eventLoopUtilization()
  }

  /**
   * Charges the slice's loop time to the credit (webhooks read between its steps included, which
   * errs on the side of acceptance), at most its budget plus one step's overrun.
   */
  private endSlice(): void {
    if (!this.sliceMark) return
    this.credit -= Math.min(
      performance.eventLoopUtilization(this.sliceMark).active,
      this.sliceBudgetMs + SLICE_MS,
    )
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
