import type { Call, Reply, Route } from './http-io.ts'
import { json, message } from './http-io.ts'
import type { StandInState } from './state.ts'

const UNIT_NAME = /^[a-zA-Z0-9_]{1,30}$/
const DAY = /^(\d{4})(\d{2})(\d{2})$/
const JST_MS = 9 * 3_600_000
const DAY_MS = 86_400_000
/** LINE reports a figure as null when fewer than 20 people are behind it. */
const PRIVACY_THRESHOLD = 20

/** Start of a yyyyMMdd day in UTC+9 (LINE's statistics time zone), epoch ms; NaN when invalid. */
function jstDayStart(value: string | null): number {
  const m = DAY.exec(value ?? '')
  if (!m) return Number.NaN
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))
  const d = new Date(t)
  if (d.getUTCFullYear() !== Number(m[1]) || d.getUTCMonth() !== Number(m[2]) - 1) return Number.NaN
  return t - JST_MS
}

const reported = (n: number): number | null => (n < PRIVACY_THRESHOLD ? null : n)

/**
 * GET /v2/bot/insight/message/event/aggregation?customAggregationUnit=&from=&to=: the unit's
 * unique opens and clicks over the UTC+9 days from–to (to at most 30 days after from), from the
 * opens and clicks marked on what the stand-in delivered under that unit (state.interact).
 */
export function unitStatsRoutes(state: StandInState): Route[] {
  const statistics = (call: Call): Reply => {
    const query = new URLSearchParams(call.query)
    const unit = query.get('customAggregationUnit')
    if (unit === null || !UNIT_NAME.test(unit))
      return message(400, "The value for the 'customAggregationUnit' parameter is invalid")
    const from = jstDayStart(query.get('from'))
    const to = jstDayStart(query.get('to'))
    if (Number.isNaN(from) || Number.isNaN(to) || to < from)
      return message(400, "The value for the 'from' or 'to' parameter is invalid")
    if (to - from > 30 * DAY_MS)
      return message(400, 'The aggregation period must be within 30 days')
    let opened = 0
    let clicked = 0
    for (const seen of state.unitInteractions.get(unit)?.values() ?? []) {
      if (seen.openedAt >= from && seen.openedAt < to + DAY_MS) opened++
      if (seen.clickedAt !== undefined && seen.clickedAt >= from && seen.clickedAt < to + DAY_MS)
        clicked++
    }
    return json(200, {
      overview: {
        uniqueImpression: reported(opened),
        uniqueClick: reported(clicked),
        uniqueMediaPlayed: null,
        uniqueMediaPlayed100Percent: null,
      },
      messages: [],
      clicks: [],
    })
  }
  return [
    {
      method: 'GET',
      path: '/v2/bot/message/aggregation/info',
      body: 'none',
      auth: true,
      handle: () => json(200, { numOfCustomAggregationUnits: state.unitsUsedThisMonth() }),
    },
    {
      method: 'GET',
      path: '/v2/bot/insight/message/event/aggregation',
      body: 'none',
      auth: true,
      rate: 'insight',
      handle: statistics,
    },
  ]
}
