/** Whether the page is on screen, and a way to hear when that changes (the document, or a test's). */
export interface Visibility {
  hidden(): boolean
  /** Calls `listener` on every change; returns the unsubscribe. */
  watch(listener: () => void): () => void
}

export const documentVisibility: Visibility = {
  hidden: () => document.hidden,
  watch(listener) {
    document.addEventListener('visibilitychange', listener)
    return () => document.removeEventListener('visibilitychange', listener)
  },
}

export interface Poller {
  /** Poll now (after a send, say), then keep the usual pace. */
  now(): void
  stop(): void
}

/**
 * Runs `tick` at once and then every `intervalMs` after the previous tick settled, only while the
 * page is visible: a hidden tab costs the server nothing, and coming back polls immediately. A
 * newer tick aborts an older one still in flight; a failing tick just waits for the next round.
 */
export function startPoller(
  tick: (signal: AbortSignal) => Promise<unknown>,
  intervalMs: number,
  visibility: Visibility = documentVisibility,
): Poller {
  let stopped = false
  let timer: ReturnType<typeof setTimeout> | undefined
  let inFlight: AbortController | undefined

  const schedule = () => {
    clearTimeout(timer)
    if (!stopped && !visibility.hidden()) timer = setTimeout(run, intervalMs)
  }
  const run = () => {
    clearTimeout(timer)
    if (stopped || visibility.hidden()) return
    inFlight?.abort()
    const current = new AbortController()
    inFlight = current
    tick(current.signal)
      .catch(() => undefined)
      .finally(() => {
        if (inFlight === current) {
          inFlight = undefined
          schedule()
        }
      })
  }
  const unwatch = visibility.watch(() => {
    if (visibility.hidden()) {
      clearTimeout(timer)
      inFlight?.abort()
      inFlight = undefined
    } else run()
  })
  run()
  return {
    now: run,
    stop() {
      stopped = true
      clearTimeout(timer)
      inFlight?.abort()
      unwatch()
    },
  }
}
