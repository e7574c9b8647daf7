import { describe, expect, it } from 'vitest'
import { Pump, type PumpSource } from './pump.ts'

interface Item {
  id: number
  key: string
}

/** A source over an in-memory queue; handling an item waits until the test releases it. */
function source(items: Item[]) {
  const due = [...items]
  const claims: number[] = []
  const started: number[] = []
  const finished: number[] = []
  const releases = new Map<number, () => void>()
  let inProgress = 0
  let maxInProgress = 0
  const src: PumpSource<Item> = {
    async claim(limit) {
      claims.push(limit)
      return due.splice(0, limit)
    },
    keyOf: (item) => item.key,
    async handle(item) {
      started.push(item.id)
      inProgress++
      maxInProgress = Math.max(maxInProgress, inProgress)
      await new Promise<void>((resolve) => releases.set(item.id, resolve))
      inProgress--
      finished.push(item.id)
    },
  }
  const release = async (id: number) => {
    releases.get(id)?.()
    for (let i = 0; i < 5; i++) await Promise.resolve()
  }
  const settle = () => new Promise((resolve) => setTimeout(resolve, 0))
  return { src, claims, started, finished, release, settle, max: () => maxInProgress, due }
}

describe('Pump', () => {
  it('keeps up to maxInFlight items in progress, one per key at a time, in claim order', async () => {
    const items: Item[] = [
      { id: 1, key: 'a' },
      { id: 2, key: 'b' },
      { id: 3, key: 'a' },
      { id: 4, key: 'c' },
      { id: 5, key: 'd' },
    ]
    const s = source(items)
    const pump = new Pump(s.src, {
      maxInFlight: 4,
      claimBatch: 10,
      onError: (e) => expect(e).toBe(null),
    })
    pump.wake()
    await s.settle()
    // Four claimed (the window); item 3 waits behind item 1 (same member).
    expect(s.claims).toEqual([4])
    expect(s.started).toEqual([1, 2, 4])
    await s.release(2)
    await s.settle()
    // Room for one more (item 5) once a quarter of the window is free.
    expect(s.started).toEqual([1, 2, 4, 5])
    await s.release(1)
    await s.settle()
    expect(s.started).toEqual([1, 2, 4, 5, 3])
    for (const id of [3, 4, 5]) await s.release(id)
    await pump.idle()
    expect(s.finished.sort()).toEqual([1, 2, 3, 4, 5])
    expect(s.max()).toBeLessThanOrEqual(4)
  })

  it('coalesces wakes into one claim and stops claiming after stop()', async () => {
    const s = source([{ id: 1, key: 'a' }])
    const deferred: (() => void)[] = []
    const pump = new Pump(s.src, {
      maxInFlight: 8,
      claimBatch: 8,
      defer: (run) => deferred.push(run),
      onError: (e) => expect(e).toBe(null),
    })
    pump.wake()
    pump.wake()
    pump.wake()
    expect(deferred).toHaveLength(1)
    deferred[0]?.()
    await s.settle()
    expect(s.claims).toEqual([8])
    const stopping = pump.stop()
    await s.release(1)
    await stopping
    s.due.push({ id: 2, key: 'b' })
    pump.wake()
    await s.settle()
    expect(s.claims).toEqual([8])
  })
})
