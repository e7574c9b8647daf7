import type { LineUnitStats } from '@joren/shared'
import { localDate } from '../loyalty/dates.ts'
import type { Logger } from '../ports.ts'
import { addDays } from '../time.ts'
import { broadcastUnit, journeyStepUnit, LINE_TIME_ZONE, type UnitRef } from './units.ts'

/** LINE's unique opens and clicks for one unit (null: fewer than 20 people, as LINE reports). */
export interface UnitStatistics {
  opened: number | null
  clicked: number | null
}

/** GET /v2/bot/insight/message/event/aggregation (from/to: UTC+9 days, at most 30 days apart). */
export interface LineUnitStatsReader {
  unitStatistics(unit: string, from: string, to: string): Promise<UnitStatistics>
}

/** A unit to ask LINE about, with what it stands for. */
export interface UnitToPoll {
  unit: string
  ref: UnitRef
  /** The first UTC+9 day to count (a broadcast's start day; a journey's: 30 days back). */
  from: string
}

export interface LineStatsStore {
  /** Broadcasts started at or after `since` (epoch ms), with their start. */
  broadcastsStartedSince(since: number): Promise<{ id: number; startedAt: number }[]>
  /** Journey steps with a message sent at or after `since`. */
  journeyStepsSentSince(since: number): Promise<{ journeyId: number; step: number }[]>
  save(rows: LineUnitStats[]): Promise<void>
  /** The stored figures of a broadcast's unit, or of every step of a journey. */
  forCampaigns(
    refs: { kind: 'broadcast' | 'journey'; refId: number }[],
  ): Promise<(LineUnitStats & { kind: 'broadcast' | 'journey'; refId: number })[]>
}

/** LINE's statistics are kept in UTC+9, whatever the shop's time zone. */
const DAY_MS = 86_400_000
/** LINE counts over at most 30 days after `from`. */
export const UNIT_WINDOW_DAYS = 30

/**
 * What to ask LINE about now: each broadcast started in the last 30 days (counted from its start
 * day for 30 days), and each journey step sent to someone in the last 30 days (counted over the
 * last 30 days: journeys send continuously).
 */
export async function unitsToPoll(store: LineStatsStore, now: number): Promise<UnitToPoll[]> {
  const since = now - (UNIT_WINDOW_DAYS + 1) * DAY_MS
  const today = localDate(now, LINE_TIME_ZONE)
  const [broadcasts, steps] = await Promise.all([
    store.broadcastsStartedSince(since),
    store.journeyStepsSentSince(since),
  ])
  const units: UnitToPoll[] = []
  for (const b of broadcasts) {
    const ref: UnitRef = { kind: 'broadcast', refId: b.id, step: null }
    units.push({ unit: unitName(ref), ref, from: localDate(b.startedAt, LINE_TIME_ZONE) })
  }
  for (const s of steps) {
    const ref: UnitRef = { kind: 'journey', refId: s.journeyId, step: s.step }
    units.push({ unit: unitName(ref), ref, from: addDays(today, -UNIT_WINDOW_DAYS) })
  }
  return units
}

const unitName = (ref: UnitRef): string =>
  ref.kind === 'broadcast' ? broadcastUnit(ref.refId) : journeyStepUnit(ref.refId, ref.step)

export interface PollDeps {
  store: LineStatsStore
  line: LineUnitStatsReader
  logger: Logger
  now(): number
}

/**
 * Polls LINE's per-unit statistics for every unit in use and stores them (a background job: never
 * while a page loads, never in the webhook path). A unit LINE fails to answer keeps its last
 * figures; the others are still stored. Returns how many units were stored and failed.
 */
export async function pollUnitStats(deps: PollDeps): Promise<{ stored: number; failed: number }> {
  const now = deps.now()
  const today = localDate(now, LINE_TIME_ZONE)
  const rows: LineUnitStats[] = []
  let failed = 0
  for (const u of await unitsToPoll(deps.store, now)) {
    const to = [addDays(u.from, UNIT_WINDOW_DAYS), today].sort()[0] ?? today
    try {
      const figures = await deps.line.unitStatistics(u.unit, u.from, to)
      rows.push({
        unit: u.unit,
        step: u.ref.step,
        opened: figures.opened,
        clicked: figures.clicked,
        from: u.from,
        to,
        reportedAt: deps.now(),
      })
    } catch (error) {
      failed++
      deps.logger.warn('LINE unit statistics failed', { unit: u.unit, error: String(error) })
    }
  }
  await deps.store.save(rows)
  return { stored: rows.length, failed }
}
