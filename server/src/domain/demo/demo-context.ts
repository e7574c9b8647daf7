import { localDate } from '../loyalty/dates.ts'
import { startOfDayInZone } from '../time.ts'
import { seededRandom, type SeededRandom } from './prng.ts'

/**
 * What every part of the demo shop draws on: the one random stream (each part draws from it in
 * turn, so the order of the draws is the shop), the year it covers and the café's hours.
 */

export const DAY = 86_400_000
export const HOUR = 3_600_000

export interface DemoIdBase {
  member: number
  purchase: number
  ledger: number
  template: number
  coupon: number
  survey: number
  version: number
  response: number
  answer: number
  conversation: number
  chat: number
  broadcast: number
  journey: number
  run: number
  stepLog: number
}

export interface DemoShopInput {
  seed: number
  members: number
  now: number
  timeZone: string
  /** The highest ID in use per table: new rows take the IDs after it. */
  ids: DemoIdBase
  /** Tiers already configured stay as they are (none: the demo's three are added). */
  tiers: { id: number; minSpendYen: number }[]
  /** The highest tier ID in use. */
  tierBase: number
}

export type Persona = 'never' | 'once' | 'occasional' | 'monthly' | 'regular'
export const PERSONA_GAP_DAYS: Record<Persona, number> = {
  never: 0,
  once: 0,
  occasional: 42,
  monthly: 19,
  regular: 6,
}
export const PERSONA_CHURN: Record<Persona, number> = {
  never: 1,
  once: 1,
  occasional: 0.09,
  monthly: 0.05,
  regular: 0.02,
}
/** Visits per month against an average month (January … December). */
export const SEASON = [0.9, 1.12, 1.0, 1.08, 1.05, 0.95, 1.0, 0.82, 0.95, 1.05, 1.0, 1.3]
/** Visit hours (JST) and their weights. */
const HOURS: [number, number][] = [
  [8, 10],
  [9, 8],
  [10, 8],
  [11, 10],
  [12, 14],
  [13, 12],
  [14, 10],
  [15, 12],
  [16, 8],
  [17, 5],
  [18, 3],
]
const HOUR_TOTAL = HOURS.reduce((s, [, w]) => s + w, 0)

export const DEMO_DORMANT_DAYS = 60
export const HOLDOUT = 0.1
export const POINTS_EXCHANGE_COST = 50
export const POINTS_VALID_DAYS = 365

export interface DemoContext {
  rng: SeededRandom
  now: number
  timeZone: string
  ids: DemoIdBase
  /** A year before now: when the shop started using Joren. */
  start: number
  /** The shop-local month (0 … 11) of an instant. */
  monthOf: (at: number) => number
  /** The shop-local day of the week (0 Sunday … 6) of an instant. */
  dayOfWeek: (at: number) => number
  /** A café-hours instant on the shop-local day of `at`. */
  atCafeHours: (at: number) => number
}

export function demoContext(input: DemoShopInput): DemoContext {
  const rng = seededRandom(input.seed)
  const { now, timeZone, ids } = input
  const start = now - 365 * DAY
  const monthOf = (at: number) => Number(localDate(at, timeZone).slice(5, 7)) - 1
  const dayOfWeek = (at: number) => new Date(`${localDate(at, timeZone)}T00:00:00Z`).getUTCDay()
  const atCafeHours = (at: number): number => {
    let r = rng.next() * HOUR_TOTAL
    let hour = 12
    for (const [h, w] of HOURS) {
      if ((r -= w) < 0) {
        hour = h
        break
      }
    }
    return startOfDayInZone(localDate(at, timeZone), timeZone) + hour * HOUR + rng.int(60) * 60_000
  }
  return { rng, now, timeZone, ids, start, monthOf, dayOfWeek, atCafeHours }
}
