import { z } from 'zod'

/**
 * LINE's per-unit statistics (GET /v2/bot/insight/message/event/aggregation) for one broadcast or
 * journey step, as last polled. LINE reports a figure as null when fewer than 20 people are behind
 * it: `opened` / `clicked` null then means "fewer than 20", never zero.
 */
export const LineUnitStatsSchema = z.object({
  /** The customAggregationUnits name its pushes and multicasts carried. */
  unit: z.string(),
  /** The journey step (0-based); null for a broadcast. */
  step: z.number().int().nonnegative().nullable(),
  /** Unique users who opened the message (uniqueImpression). */
  opened: z.number().int().nonnegative().nullable(),
  /** Unique users who opened a link in it (uniqueClick). */
  clicked: z.number().int().nonnegative().nullable(),
  /** The days (UTC+9, inclusive) LINE counted over. */
  from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  to: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  /** When LINE answered (epoch ms): the figures are as of then. */
  reportedAt: z.number().int(),
})
export type LineUnitStats = z.infer<typeof LineUnitStatsSchema>
