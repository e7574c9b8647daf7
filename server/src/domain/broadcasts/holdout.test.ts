import { describe, expect, it } from 'vitest'
import { isHoldout } from './holdout.ts'

describe('holdout draw', () => {
  it('draws about the requested share, deterministically per broadcast', () => {
    const ids = Array.from({ length: 10_000 }, (_, i) => i + 1)
    const drawn = ids.filter((id) => isHoldout(id, 7, 20))
    expect(drawn.length).toBeGreaterThan(1_900)
    expect(drawn.length).toBeLessThan(2_100)
    expect(ids.filter((id) => isHoldout(id, 7, 20))).toEqual(drawn)
  })

  it('draws a different set for another broadcast and none at 0 %', () => {
    const ids = Array.from({ length: 1_000 }, (_, i) => i + 1)
    const a = new Set(ids.filter((id) => isHoldout(id, 1, 30)))
    const b = ids.filter((id) => isHoldout(id, 2, 30))
    expect(b.filter((id) => a.has(id)).length).toBeLessThan(b.length)
    expect(ids.some((id) => isHoldout(id, 1, 0))).toBe(false)
  })
})
