import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { startPoller, type Visibility } from './poller.ts'

function fakeVisibility() {
  let hidden = false
  const listeners = new Set<() => void>()
  const visibility: Visibility = {
    hidden: () => hidden,
    watch(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }
  return {
    visibility,
    set(next: boolean) {
      hidden = next
      listeners.forEach((l) => l())
    },
    listeners,
  }
}

beforeEach(() => vi.useFakeTimers())
afterEach(() => vi.useRealTimers())

describe('startPoller', () => {
  it('polls at once, then every interval after the previous poll settled', async () => {
    const tick = vi.fn(() => Promise.resolve())
    const page = fakeVisibility()
    const poller = startPoller(tick, 3000, page.visibility)
    expect(tick).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(2999)
    expect(tick).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(tick).toHaveBeenCalledTimes(2)
    await vi.advanceTimersByTimeAsync(6000)
    expect(tick).toHaveBeenCalledTimes(4)
    poller.stop()
    await vi.advanceTimersByTimeAsync(30_000)
    expect(tick).toHaveBeenCalledTimes(4)
    expect(page.listeners.size).toBe(0)
  })

  it('stops while the page is hidden and polls as soon as it is visible again', async () => {
    const tick = vi.fn(() => Promise.resolve())
    const page = fakeVisibility()
    const poller = startPoller(tick, 3000, page.visibility)
    await vi.advanceTimersByTimeAsync(0)
    page.set(true)
    await vi.advanceTimersByTimeAsync(60_000)
    expect(tick).toHaveBeenCalledTimes(1)
    page.set(false)
    expect(tick).toHaveBeenCalledTimes(2)
    poller.stop()
  })

  it('aborts the poll in flight when the page is hidden, and keeps going after a failure', async () => {
    const signals: AbortSignal[] = []
    let fail = true
    const tick = vi.fn((signal: AbortSignal) => {
      signals.push(signal)
      if (fail) {
        fail = false
        return Promise.reject(new Error('offline'))
      }
      return new Promise<void>(() => undefined) // never settles
    })
    const page = fakeVisibility()
    const poller = startPoller(tick, 1000, page.visibility)
    await vi.advanceTimersByTimeAsync(1000)
    expect(tick).toHaveBeenCalledTimes(2)
    page.set(true)
    expect(signals[1]?.aborted).toBe(true)
    poller.stop()
  })

  it('now() polls at once and aborts an older poll still in flight', async () => {
    const signals: AbortSignal[] = []
    const tick = vi.fn((signal: AbortSignal) => {
      signals.push(signal)
      return new Promise<void>(() => undefined)
    })
    const page = fakeVisibility()
    const poller = startPoller(tick, 1000, page.visibility)
    poller.now()
    expect(tick).toHaveBeenCalledTimes(2)
    expect(signals[0]?.aborted).toBe(true)
    expect(signals[1]?.aborted).toBe(false)
    poller.stop()
    expect(signals[1]?.aborted).toBe(true)
  })
})
