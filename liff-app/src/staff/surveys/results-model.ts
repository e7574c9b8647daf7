import type { SurveyQuestionResult } from '@joren/shared'

/** A bar's length as a percentage of its track: its count out of `total` (0 without answers). */
export function barPercent(count: number, total: number): number {
  return total > 0 ? (count / total) * 100 : 0
}

/** 0.4567 → "45.7" (one decimal, no trailing ".0"). */
export function percentText(ratio: number): string {
  return String(Math.round(ratio * 1000) / 10)
}

export interface Bar {
  key: string
  label: string
  count: number
  /** Percentage of the track, proportional to the count. */
  percent: number
}

/**
 * The bars of one question's chart. Choices share out of those who answered the question (a
 * multiple-choice question's bars may add up to more than 100%); scales and dates likewise.
 */
export function barsOf(result: SurveyQuestionResult): Bar[] {
  const total = result.answeredCount
  switch (result.type) {
    case 'single':
    case 'multiple':
      return result.options.map((o) => ({
        key: o.optionId,
        label: o.label,
        count: o.count,
        percent: barPercent(o.count, total),
      }))
    case 'rating':
    case 'nps':
    case 'date':
      return result.distribution.map((d) => ({
        key: String(d.value),
        label: String(d.value),
        count: d.count,
        percent: barPercent(d.count, total),
      }))
    case 'text':
      return []
  }
}

export type NpsBand = 'promoters' | 'passives' | 'detractors'

/** The three NPS bands as shares of the stacked bar (they add up to 100 with answers). */
export function npsBands(result: {
  promoters: number
  passives: number
  detractors: number
}): { band: NpsBand; count: number; percent: number }[] {
  const total = result.promoters + result.passives + result.detractors
  return (['promoters', 'passives', 'detractors'] as const).map((band) => ({
    band,
    count: result[band],
    percent: barPercent(result[band], total),
  }))
}

/** `+40`, `0`, `-25`: an NPS is a signed number. */
export function signed(score: number): string {
  return score > 0 ? `+${score}` : String(score)
}
