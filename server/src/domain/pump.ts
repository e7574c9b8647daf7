/**
 * Whether a claim now should also look for items a stopped run left leased: at most once per
 * `everyMs` (that query walks every leased row, and a busy pump claims many times a second).
 */
export function interruptedCheck(now: () => number, everyMs = 1_000): () => boolean {
  let last = -Infinity
  return () => {
    const at = now()
    if (at - last < everyMs) return false
    last = at
    return true
  }
}

export interface PumpSource<T> {
  /** Claims up to `limit` due items (they are leased: no other claim returns them). */
  claim(limit: number): Promise<T[]>
  /** Items with the same key run one after another, in claim order. */
  keyOf(item: T): string
  /** Handles one item; it settles the item itself (a throw is logged and the item left leased). */
  handle(item: T): Promise<void>
}

export interface PumpOptions {
  /** Items in progress (or waiting behind their key) at most. */
  maxInFlight: number
  /** The largest claim. */
  claimBatch: number
  /** Called before each item starts; may yield the thread (see NodeProcessor). */
  pace?: () => Promise<void> | undefined
  /**
   * Runs a claim a moment after the wake that asked for it (Node: setImmediate), so the wakes of
   * one turn — webhooks arriving together, answers queued together — share one claim.
   */
  defer?: (run: () => void) => void
  onError(error: unknown): void
}

/**
 * Continuous background work: claims due items and keeps up to `maxInFlight` of them in progress,
 * one at a time per key (a member's events and messages stay in order), claiming more as soon as
 * there is room — no batch waits for its slowest item. Runtime-neutral (promises only): the Node
 * entry wakes it when work arrives and on a timer for retries whose backoff has passed.
 */
export class Pump<T> {
  private running: Promise<void> | null = null
  /** A claim loop is scheduled (defer) and not started yet. */
  private deferred = false
  private again = false
  private stopped = false
  /** Items claimed and not finished (in progress or waiting behind their key). */
  private held = 0
  private readonly waiting = new Map<string, T[]>()
  private readonly tasks = new Set<Promise<void>>()
  /** Resolved when an item finishes, for a pump waiting for room. */
  private roomMade: (() => void) | null = null

  constructor(
    private readonly source: PumpSource<T>,
    private readonly options: PumpOptions,
  ) {}

  /** Work may be due: claim soon (coalesced with a claim loop in progress or scheduled). */
  wake(): void {
    if (this.stopped) return
    if (this.running) {
      this.again = true
      return
    }
    if (this.deferred) return
    const { defer } = this.options
    if (!defer) {
      this.begin()
      return
    }
    this.deferred = true
    defer(() => {
      this.deferred = false
      if (!this.stopped && !this.running) this.begin()
    })
  }

  private begin(): void {
    this.running = this.loop().finally(() => {
      this.running = null
      if (this.again && !this.stopped) this.wake()
    })
  }

  get inFlight(): number {
    return this.held
  }

  /** Resolves when nothing is being claimed or handled. */
  async idle(): Promise<void> {
    while (this.deferred || this.running || this.tasks.size > 0) {
      if (this.deferred) await new Promise<void>((resolve) => setTimeout(resolve, 1))
      if (this.running) await this.running
      if (this.tasks.size > 0) await Promise.allSettled([...this.tasks])
    }
  }

  /** Claims nothing more; waits for the items in progress (those waiting are left leased). */
  async stop(): Promise<void> {
    this.stopped = true
    this.waiting.clear()
    await this.idle()
  }

  private async loop(): Promise<void> {
    const { maxInFlight, claimBatch } = this.options
    // Claim in steps of at least a quarter of the window, so a busy pump does not claim one
    // item per finished one.
    const minClaim = Math.max(1, Math.min(claimBatch, Math.floor(maxInFlight / 4)))
    for (;;) {
      this.again = false
      if (this.stopped) return
      const room = maxInFlight - this.held
      if (room < minClaim) {
        await new Promise<void>((resolve) => (this.roomMade = resolve))
        continue
      }
      let items: T[]
      try {
        // A claim is background work too: it takes its turn.
        await this.options.pace?.()
        if (this.stopped) return
        items = await this.source.claim(Math.min(room, claimBatch))
      } catch (error) {
        this.options.onError(error)
        return
      }
      for (const item of items) this.admit(item)
      // A full claim: more may be due. Otherwise stop until woken (new work, timer, room).
      if (items.length < Math.min(room, claimBatch) && !this.again) return
    }
  }

  private admit(item: T): void {
    this.held++
    const key = this.source.keyOf(item)
    const queue = this.waiting.get(key)
    if (queue) {
      queue.push(item)
      return
    }
    this.waiting.set(key, [])
    this.start(key, item)
  }

  private start(key: string, item: T): void {
    const task = this.run(item).finally(() => {
      this.tasks.delete(task)
      this.held--
      const next = this.stopped ? undefined : this.waiting.get(key)?.shift()
      if (next !== undefined) this.start(key, next)
      else this.waiting.delete(key)
      const resolve = this.roomMade
      this.roomMade = null
      resolve?.()
    })
    this.tasks.add(task)
  }

  private async run(item: T): Promise<void> {
    try {
      await this.options.pace?.()
      if (this.stopped) return
      await this.source.handle(item)
    } catch (error) {
      this.options.onError(error)
    }
  }
}
