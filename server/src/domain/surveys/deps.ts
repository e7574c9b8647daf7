import type { CouponDeps } from '../coupons/coupons.ts'
import type { Ids, Logger } from '../ports.ts'
import type { SupportDeps } from '../support/handover.ts'
import type { UnitOfWork } from '../unit-of-work.ts'
import { SurveyNotFound } from './errors.ts'
import type { SurveyResultsStore } from './results.ts'
import type {
  StoredSurvey,
  StoredSurveyVersion,
  SurveyRepository,
  SurveySessionStore,
} from './store.ts'

/** What the survey domain needs; `composeSurveys()` in server/src/compose/surveys.ts builds it. */
export interface SurveyDeps {
  surveys: SurveyRepository
  /** Results and the CSV export (staff). */
  results: SurveyResultsStore
  /** The answers in progress (mini-app draft and chat mode share one row per member). */
  sessions: SurveySessionStore
  /** The reward goes through the coupon domain (limits, dedupe, the member's list). */
  coupons: CouponDeps
  /** Commits a change with its audit row and domain events. */
  uow: UnitOfWork
  ids: Ids
  logger: Logger
  timeZone: string
  now(): number
  /** The support hand-over: a low score opens a conversation and alerts staff; null = off. */
  support: SupportDeps | null
}

/** Whoever answers: a `Member` from the chat side, or `{ id }` from the LIFF principal. */
export interface SurveyMember {
  id: number
}

/** The survey and its current version, whatever its state; 404 when either is missing. */
export async function loadSurvey(
  deps: Pick<SurveyDeps, 'surveys'>,
  surveyId: number,
): Promise<{ survey: StoredSurvey; version: StoredSurveyVersion }> {
  const survey = await deps.surveys.find(surveyId)
  if (!survey) throw new SurveyNotFound()
  const version = await deps.surveys.version(survey.currentVersionId)
  if (!version) throw new SurveyNotFound()
  return { survey, version }
}
