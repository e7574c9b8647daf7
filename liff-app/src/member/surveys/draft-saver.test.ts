import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createDraftSaver, type DraftStatus } from './draft-saver.ts'

beforeEach(() => vi.useFakeTimers())
afterEach(() => vi.useRealTimers())

function setup(save = vi.fn((_: string) => Promise.resolve())) {
  const statuses: DraftStatus[] = []
  const saver = createDraftSaver(save, (s) => statuses.push(s), 500)
  return { save, statuses, saver }
}

describe('createDraftSaver', () => {
  it('saves once after a quiet period, with the last value', async () => {
    const { save, saver, statuses } = setup()
    saver.schedule('a')
    await vi.advanceTimersByTimeAsync(300)
    saver.schedule('ab')
    await vi.advanceTimersByTimeAsync(300)
    saver.schedule('abc')
    expect(save).not.toHaveBeenCalled()
    await vi.advanceTimersByTimeAsync(500)
    expect(save.mock.calls).toEqual([['abc']])
    expect(statuses.at(-1)).toBe('saved')
  })

  it('never runs two saves at once, and saves what came in meanwhile after the first', async () => {
    let release: () => void = () => {}
    const calls: string[] = []
    let inFlight = 0
    let maxInFlight = 0
    const save = vi.fn(async (value: string) => {
      calls.push(value)
      inFlight++
      maxInFlight = Math.max(maxInFlight, inFlight)
      await new Promise<void>((resolve) => (release = resolve))
      inFlight--
    })
    const { saver } = setup(save)
    saver.schedule('first')
    await vi.advanceTimersByTimeAsync(500)
    saver.schedule('second')
    const flushed = saver.flush()
    release()
    await vi.advanceTimersByTimeAsync(0)
    release()
    await flushed
    expect(calls).toEqual(['first', 'second'])
    expect(maxInFlight).toBe(1)
  })

  it('flushes at once and reports a failure', async () => {
    const { saver, statuses } = setup(vi.fn(() => Promise.reject(new Error('offline'))))
    saver.schedule('x')
    await saver.flush()
    expect(statuses).toEqual(['pending', 'saving', 'failed'])
  })

  it('drops what is pending on cancel and waits for the save in flight', async () => {
    let release: () => void = () => {}
    const save = vi.fn(() => new Promise<void>((resolve) => (release = resolve)))
    const { saver } = setup(save)
    saver.schedule('x')
    await vi.advanceTimersByTimeAsync(500)
    saver.schedule('y')
    let settled = false
    const cancelled = saver.cancel().then(() => (settled = true))
    await vi.advanceTimersByTimeAsync(1000)
    expect(settled).toBe(false)
    release()
    await cancelled
    expect(save.mock.calls).toEqual([['x']])
  })
})
