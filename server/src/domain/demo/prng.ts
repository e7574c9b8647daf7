/**
 * A small seeded pseudo-random generator (mulberry32): the demo shop is the same on every run for
 * the same seed. Not for anything secret.
 */
export function seededRandom(seed: number) {
  let state = seed >>> 0
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
  return {
    /** [0, 1) */
    next,
    /** An integer in [0, max). */
    int: (max: number) => Math.floor(next() * max),
    /** An integer in [min, max]. */
    between: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    chance: (p: number) => next() < p,
    pick<T>(items: readonly T[]): T {
      return items[Math.floor(next() * items.length)] as T
    },
    /** Exponentially distributed with the given mean. */
    exponential: (mean: number) => -Math.log(1 - next()) * mean,
    /** Roughly normal (sum of four uniforms), mean and standard deviation. */
    normal: (mean: number, sd: number) =>
      mean + (next() + next() + next() + next() - 2) * sd * Math.sqrt(3),
  }
}

export type SeededRandom = ReturnType<typeof seededRandom>
