import { describe, expect, it } from 'vitest'
import { createPacer } from './rate-limiter.ts'

/** A virtual clock: sleeping advances it, so pacing is measured without waiting. */
function virtual() {
  let t = 0
  return {
    now: () => t,
    sleep: async (ms: number) => {
      t += ms
    },
  }
}

describe('pacer', () => {
  it('keeps concurrent callers under the rate (97 % of 200 req/s for multicast)', async () => {
    const clock = virtual()
    const pacer = createPacer(clock)
    await Promise.all(Array.from({ length: 400 }, () => pacer.take('multicast')))
    const rate = 400 / (clock.now() / 1000)
    expect(rate).toBeLessThanOrEqual(200)
    expect(rate).toBeGreaterThan(185)
  })

  it('halves the rate after a 429 and recovers over the following seconds', async () => {
    const clock = virtual()
    const pacer = createPacer({ ...clock, limits: { push: 1000 } })
    pacer.slowDown('push')
    const start = clock.now()
    for (let i = 0; i < 100; i++) await pacer.take('push')
    const slowed = 100 / ((clock.now() - start) / 1000)
    expect(slowed).toBeLessThan(600)
    await clock.sleep(10_000)
    const again = clock.now()
    for (let i = 0; i < 200; i++) await pacer.take('push')
    expect(200 / ((clock.now() - again) / 1000)).toBeGreaterThan(900)
  })

  it('serves waiting urgent callers (replies, answers) before bulk ones (broadcast chunks)', async () => {
    const clock = virtual()
    const pacer = createPacer({ ...clock, limits: { push: 100 } })
    const order: string[] = []
    const bulk = Array.from({ length: 20 }, (_, i) =>
      pacer.take('push', 'bulk').then(() => order.push(`bulk${i}`)),
    )
    const urgent = pacer.take('push').then(() => order.push('urgent'))
    await Promise.all([...bulk, urgent])
    // The burst went to the first bulk callers; the first slot after it is the urgent one.
    expect(order.indexOf('urgent')).toBe(5)
  })

  it('paces replies in their own bucket (LINE limits each endpoint separately)', async () => {
    const clock = virtual()
    const pacer = createPacer({ ...clock, limits: { multicast: 1 } })
    await pacer.take('multicast')
    const before = clock.now()
    for (let i = 0; i < 5; i++) await pacer.take('reply')
    expect(clock.now()).toBe(before)
  })
})
