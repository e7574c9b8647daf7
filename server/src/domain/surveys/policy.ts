import type { SurveyAlerts, SurveyAnswers, SurveyQuestion } from '@joren/shared'
import { localDate } from '../loyalty/dates.ts'
import { startOfDayInZone } from '../time.ts'
import { SurveyNotOpen } from './errors.ts'
import type { StoredSurvey } from './store.ts'

export const DAY_MS = 24 * 60 * 60 * 1000

/** Where answering is: the period a response now falls in and its dedupe key. */
export interface ResponseSlot {
  dedupeKey: string
  /** every_n_days: when the next period starts; null for 'once'. */
  nextAvailableAt: number | null
}

/**
 * The response policy as a UNIQUE key: 'once' → survey:<id>:member:<mid>; every N days →
 * …:period:<k>, where periods of N days start at shop-local midnight of the day the survey was
 * created (fixed, so editing the dates never lets a member answer twice in one period).
 */
export function responseSlot(
  survey: Pick<StoredSurvey, 'id' | 'policy' | 'createdAt'>,
  memberId: number,
  now: number,
  timeZone: string,
): ResponseSlot {
  const base = `survey:${survey.id}:member:${memberId}`
  if (survey.policy.kind === 'once') return { dedupeKey: base, nextAvailableAt: null }
  const anchor = startOfDayInZone(localDate(survey.createdAt, timeZone), timeZone)
  const length = survey.policy.days * DAY_MS
  const period = Math.max(0, Math.floor((now - anchor) / length))
  return {
    dedupeKey: `${base}:period:${period}`,
    nextAvailableAt: anchor + (period + 1) * length,
  }
}

/** Throws why a survey does not take answers now (draft, closed, before or after its dates). */
export function assertOpen(survey: StoredSurvey, now: number): void {
  if (survey.status === 'draft') throw new SurveyNotOpen('draft')
  if (survey.status === 'closed') throw new SurveyNotOpen('closed')
  if (survey.opensAt !== null && now < survey.opensAt) throw new SurveyNotOpen('not_yet')
  if (survey.closesAt !== null && now >= survey.closesAt) throw new SurveyNotOpen('ended')
}

export function isOpenAt(survey: StoredSurvey, now: number): boolean {
  try {
    assertOpen(survey, now)
    return true
  } catch {
    return false
  }
}

/** The first NPS answer (results and segments use the NPS band); null without one. */
export function npsOf(questions: readonly SurveyQuestion[], answers: SurveyAnswers): number | null {
  for (const q of questions) {
    const value = answers[q.id]
    if (q.type === 'nps' && typeof value === 'number') return value
  }
  return null
}

/** The lowest NPS and the lowest rating answer (the `survey.answered` event); null without one. */
export function lowestScores(
  questions: readonly SurveyQuestion[],
  answers: SurveyAnswers,
): { nps: number | null; rating: number | null } {
  let nps: number | null = null
  let rating: number | null = null
  for (const q of questions) {
    const value = answers[q.id]
    if (typeof value !== 'number') continue
    if (q.type === 'nps') nps = nps === null ? value : Math.min(nps, value)
    if (q.type === 'rating') rating = rating === null ? value : Math.min(rating, value)
  }
  return { nps, rating }
}

/** The answers that trip an alert threshold, described for staff ("NPS 3", "評価 1"). */
export function lowScoreReasons(
  questions: readonly SurveyQuestion[],
  answers: SurveyAnswers,
  alerts: SurveyAlerts,
): string[] {
  const reasons: string[] = []
  for (const q of questions) {
    const value = answers[q.id]
    if (typeof value !== 'number') continue
    if (q.type === 'nps' && alerts.npsAtOrBelow !== null && value <= alerts.npsAtOrBelow)
      reasons.push(`「${q.label}」NPS ${value}`)
    if (q.type === 'rating' && alerts.ratingAtOrBelow !== null && value <= alerts.ratingAtOrBelow)
      reasons.push(`「${q.label}」評価 ${value}`)
  }
  return reasons
}

/** Tags and attributes the chosen options map to (deduplicated). */
export function mappingsOf(
  questions: readonly SurveyQuestion[],
  answers: SurveyAnswers,
): { tags: string[]; attributes: { key: string; value: string }[] } {
  const tags = new Set<string>()
  const attributes = new Map<string, { key: string; value: string }>()
  for (const q of questions) {
    if (q.type !== 'single' && q.type !== 'multiple') continue
    const value = answers[q.id]
    const chosen = typeof value === 'string' ? [value] : Array.isArray(value) ? value : []
    for (const option of q.options) {
      if (!chosen.includes(option.id)) continue
      for (const tag of option.mapping?.tags ?? []) tags.add(tag)
      for (const a of option.mapping?.attributes ?? [])
        attributes.set(JSON.stringify([a.key, a.value]), { key: a.key, value: a.value })
    }
  }
  return { tags: [...tags], attributes: [...attributes.values()] }
}
