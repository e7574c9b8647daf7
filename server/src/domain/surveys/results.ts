import {
  NPS_MAX,
  NPS_MIN,
  npsBand,
  npsScore,
  RATING_MAX,
  RATING_MIN,
  type SurveyQuestionResult,
  type SurveyResults,
  type SurveyResultsQuery,
  type SurveyVersionInfo,
} from '@joren/shared'
import { localDate } from '../loyalty/dates.ts'
import { startOfDayInZone } from '../time.ts'
import { SurveyNotFound } from './errors.ts'
import type { StoredSurveyVersion } from './store.ts'

/** Which responses the results and the CSV cover. */
export interface ResponseFilter {
  versionId: number
  tierId: number | null
  /** Epoch ms, inclusive / exclusive; null = unbounded. */
  from: number | null
  until: number | null
}

export interface TextAnswer {
  responseId: number
  memberNumber: string
  text: string
  submittedAt: number
}

/** What the results repository aggregates in SQL for one filter. */
export interface ResultAggregates {
  responseCount: number
  lowScoreCount: number
  eligibleCount: number
  /** questionId → responses that answered it. */
  answered: Map<string, number>
  /** `${questionId}\u0000${optionId}` → count. */
  optionCounts: Map<string, number>
  /** `${questionId}\u0000${value}` → count, for rating / nps (numbers) and date (text). */
  valueCounts: Map<string, number>
  /** questionId → the matching free-text answers (newest first, ≤ 200) and how many matched. */
  texts: Map<string, { answers: TextAnswer[]; matched: number }>
}

export interface SurveyResultsStore {
  aggregate(
    filter: ResponseFilter,
    spec: { dateQuestionIds: string[]; textQuestionIds: string[]; search: string | null },
  ): Promise<ResultAggregates>
  /** The responses for the CSV, oldest first, a page at a time (keyset on the response ID). */
  responsesPage(
    filter: ResponseFilter,
    afterId: number,
    limit: number,
  ): Promise<{ id: number; memberNumber: string; submittedAt: number; answers: string }[]>
}

const key = (questionId: string, value: string | number) => `${questionId}\u0000${value}`

/** The shop-local date range of a query as epoch ms. */
export function filterOf(
  query: SurveyResultsQuery,
  versionId: number,
  timeZone: string,
): ResponseFilter {
  const nextDay = (date: string) =>
    localDate(startOfDayInZone(date, timeZone) + 36 * 60 * 60 * 1000, timeZone)
  return {
    versionId,
    tierId: query.tierId ?? null,
    from: query.from ? startOfDayInZone(query.from, timeZone) : null,
    until: query.to ? startOfDayInZone(nextDay(query.to), timeZone) : null,
  }
}

/** The version a results query asks for: the given one of this survey, or the current one. */
export function pickVersion(
  versions: SurveyVersionInfo[],
  currentVersionId: number,
  requested: number | undefined,
): number {
  if (requested === undefined) return currentVersionId
  if (!versions.some((v) => v.id === requested)) throw new SurveyNotFound()
  return requested
}

const round2 = (n: number) => Math.round(n * 100) / 100

/** Turns the SQL aggregates into per-question results (distribution, NPS, average, texts). */
export function buildResults(
  surveyId: number,
  version: StoredSurveyVersion,
  versions: SurveyVersionInfo[],
  agg: ResultAggregates,
): SurveyResults {
  const questions = version.questions.map((q): SurveyQuestionResult => {
    const answeredCount = agg.answered.get(q.id) ?? 0
    const base = { questionId: q.id, label: q.label, answeredCount }
    switch (q.type) {
      case 'single':
      case 'multiple':
        return {
          ...base,
          type: q.type,
          options: q.options.map((o) => {
            const count = agg.optionCounts.get(key(q.id, o.id)) ?? 0
            return {
              optionId: o.id,
              label: o.label,
              count,
              share: answeredCount === 0 ? 0 : round2(count / answeredCount),
            }
          }),
        }
      case 'rating': {
        const distribution = range(RATING_MIN, RATING_MAX).map((value) => ({
          value,
          count: agg.valueCounts.get(key(q.id, value)) ?? 0,
        }))
        const total = distribution.reduce((s, d) => s + d.count, 0)
        const sum = distribution.reduce((s, d) => s + d.value * d.count, 0)
        return {
          ...base,
          type: 'rating',
          average: total === 0 ? null : round2(sum / total),
          distribution,
        }
      }
      case 'nps': {
        const distribution = range(NPS_MIN, NPS_MAX).map((value) => ({
          value,
          count: agg.valueCounts.get(key(q.id, value)) ?? 0,
        }))
        const bands = { promoters: 0, passives: 0, detractors: 0 }
        for (const d of distribution) {
          const band = npsBand(d.value)
          if (band === 'promoter') bands.promoters += d.count
          else if (band === 'passive') bands.passives += d.count
          else bands.detractors += d.count
        }
        return { ...base, type: 'nps', score: npsScore(bands), ...bands, distribution }
      }
      case 'text': {
        const texts = agg.texts.get(q.id) ?? { answers: [], matched: 0 }
        return { ...base, type: 'text', answers: texts.answers, matchedCount: texts.matched }
      }
      case 'date': {
        const prefix = key(q.id, '')
        const distribution = [...agg.valueCounts.entries()]
          .filter(([k]) => k.startsWith(prefix))
          .map(([k, count]) => ({ value: k.slice(prefix.length), count }))
          .sort((a, b) => a.value.localeCompare(b.value))
        return { ...base, type: 'date', distribution }
      }
    }
  })
  return {
    surveyId,
    versionId: version.id,
    version: version.version,
    versions,
    responseCount: agg.responseCount,
    eligibleCount: agg.eligibleCount,
    responseRate:
      agg.eligibleCount === 0
        ? 0
        : Math.round((agg.responseCount / agg.eligibleCount) * 1000) / 1000,
    lowScoreCount: agg.lowScoreCount,
    questions,
  }
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i)
}

export { key as aggregateKey }
