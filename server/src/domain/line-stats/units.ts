/**
 * LINE's customAggregationUnits names: one per broadcast and one per journey step, the same name
 * for every push or multicast of it (a channel may use 1,000 names a calendar month, and a name
 * reused within the month counts once). Replies carry none (LINE counts units for push and
 * multicast only). Names are 1–30 of [a-zA-Z0-9_].
 */
import { localDate } from '../loyalty/dates.ts'

/** LINE counts its statistics and unit names in UTC+9. */
export const LINE_TIME_ZONE = 'Asia/Tokyo'

/** The calendar month (YYYY-MM, UTC+9) LINE counts a unit name in at `at`. */
export const lineMonth = (at: number): string => localDate(at, LINE_TIME_ZONE).slice(0, 7)

export type UnitRef =
  | { kind: 'broadcast'; refId: number; step: null }
  | { kind: 'journey'; refId: number; step: number }

export const broadcastUnit = (broadcastId: number): string => `joren_b${broadcastId}`

export const journeyStepUnit = (journeyId: number, step: number): string =>
  `joren_j${journeyId}_s${step}`

const PATTERN = /^joren_(?:b(\d{1,12})|j(\d{1,12})_s(\d{1,4}))$/

/** What a unit name stands for; null when it is not one of ours. */
export function parseUnit(unit: string): UnitRef | null {
  const m = PATTERN.exec(unit)
  if (!m) return null
  if (m[1] !== undefined) return { kind: 'broadcast', refId: Number(m[1]), step: null }
  return { kind: 'journey', refId: Number(m[2]), step: Number(m[3]) }
}
