export type DraftStatus = 'idle' | 'pending' | 'saving' | 'saved' | 'failed'

export interface DraftSaver<T> {
  /** Remember `value` and save it after a quiet period; a newer value replaces a pending one. */
  schedule(value: T): void
  /** Save what is pending now (leaving the page, or before submit). */
  flush(): Promise<void>
  /**
   * Forget anything pending and resolve once a save in flight has finished (before a submit: the
   * server drops the draft on submit, and no late save may write it back).
   */
  cancel(): Promise<void>
}

/**
 * Debounced draft saving: typing saves once after `delayMs` of quiet, never two saves at once
 * (a value scheduled during a save is saved after it, so the last one always wins on the server).
 */
export function createDraftSaver<T>(
  save: (value: T) => Promise<unknown>,
  onStatus: (status: DraftStatus) => void,
  delayMs = 800,
): DraftSaver<T> {
  let pending: { value: T } | null = null
  let timer: ReturnType<typeof setTimeout> | null = null
  let running: Promise<void> | null = null

  const clearTimer = () => {
    if (timer !== null) clearTimeout(timer)
    timer = null
  }

  const run = async (): Promise<void> => {
    while (pending) {
      const { value } = pending
      pending = null
      onStatus('saving')
      try {
        await save(value)
        if (!pending) onStatus('saved')
      } catch {
        if (!pending) onStatus('failed')
      }
    }
  }

  const flush = (): Promise<void> => {
    clearTimer()
    if (running) return running.then(() => (pending ? flush() : undefined))
    if (!pending) return Promise.resolve()
    running = run().finally(() => (running = null))
    return running
  }

  return {
    schedule(value) {
      pending = { value }
      onStatus('pending')
      clearTimer()
      timer = setTimeout(() => void flush(), delayMs)
    },
    flush,
    cancel() {
      pending = null
      clearTimer()
      return running ?? Promise.resolve()
    },
  }
}
