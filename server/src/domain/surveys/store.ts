import type {
  SurveyAlerts,
  SurveyAnswers,
  SurveyChannel,
  SurveyPolicy,
  SurveyQuestion,
  SurveyStatus,
  SurveyVersionInfo,
} from '@joren/shared'
import type { PlannedStatement } from '../coupons/coupons.ts'
import type { RowRef, Write } from '../unit-of-work.ts'

/** A survey as stored (the questions live in its versions). */
export interface StoredSurvey {
  id: number
  title: string
  status: SurveyStatus
  currentVersionId: number
  rewardTemplateId: number | null
  policy: SurveyPolicy
  opensAt: number | null
  closesAt: number | null
  alerts: SurveyAlerts
  createdBy: number | null
  createdAt: number
  updatedAt: number
}

export interface StoredSurveyVersion {
  id: number
  surveyId: number
  version: number
  intro: string
  questions: SurveyQuestion[]
  createdAt: number
}

export interface StoredResponse {
  id: number
  surveyId: number
  versionId: number
  memberId: number
  channel: SurveyChannel
  answers: SurveyAnswers
  dedupeKey: string
  npsScore: number | null
  lowScore: boolean
  rewardCouponId: number | null
  submittedAt: number
}

/** The survey-level fields staff set (questions and intro go to a version). */
export interface SurveyFields {
  title: string
  rewardTemplateId: number | null
  policy: SurveyPolicy
  opensAt: number | null
  closesAt: number | null
  alerts: SurveyAlerts
}

/** Everything one accepted response writes, planned for one atomic batch. */
export interface ResponsePlan {
  responseId: number
  surveyId: number
  versionId: number
  memberId: number
  channel: SurveyChannel
  answers: SurveyAnswers
  questions: readonly SurveyQuestion[]
  dedupeKey: string
  npsScore: number | null
  lowScore: boolean
  submittedAt: number
  /** Tags to add to the member (created when missing). */
  tags: string[]
  /** Attributes to set, source 'survey:<id>'; earlier values of these keys from the survey go. */
  attributes: { key: string; value: string }[]
}

/**
 * Survey definitions and responses, as the domain sees them. Reads answer now; `…Write(s)` methods
 * plan statements for one commit with the audit row (see UnitOfWork).
 */
export interface SurveyRepository {
  /** The new survey (draft), its version 1 and the pointer to it. */
  createWrites(
    fields: SurveyFields,
    content: { intro: string; questions: SurveyQuestion[] },
    staffId: number | null,
    now: number,
  ): Write[]
  /** The survey and its version the writes of `createWrites` made, inside the same commit. */
  createdIds(): { surveyId: RowRef; versionId: RowRef }
  /** The newest survey this staff member created (after the commit). */
  latestCreatedBy(staffId: number): Promise<number | null>
  find(id: number): Promise<StoredSurvey | null>
  version(versionId: number): Promise<StoredSurveyVersion | null>
  /** Newest first, with response counts. */
  versions(surveyId: number): Promise<SurveyVersionInfo[]>
  /** Every survey (newest first) with its current version and response count. */
  list(): Promise<{ survey: StoredSurvey; version: StoredSurveyVersion; responseCount: number }[]>
  /** Open surveys whose dates include `now`, newest first. */
  listOpen(now: number): Promise<{ survey: StoredSurvey; version: StoredSurveyVersion }[]>
  updateFieldsWrite(id: number, fields: SurveyFields, now: number): Write
  /**
   * Rewrites a version's questions in place, only while its survey is a draft and nothing
   * answered it (changes no row otherwise).
   */
  rewriteVersionWrite(
    versionId: number,
    content: { intro: string; questions: SurveyQuestion[] },
  ): Write
  /**
   * Version N+1 and the pointer to it (UNIQUE (survey, version)). `unlessChanged`: only when the
   * write before it changed no row (a rewrite in place that did not happen).
   */
  addVersionWrites(
    surveyId: number,
    content: { intro: string; questions: SurveyQuestion[] },
    now: number,
    options?: { unlessChanged?: boolean },
  ): Write[]
  /** Conditional status change: only from one of `from` (changes no row otherwise). */
  setStatusWrite(id: number, from: SurveyStatus[], to: SurveyStatus, now: number): Write
  responseCount(versionId: number): Promise<number>
  responseByDedupeKey(key: string): Promise<StoredResponse | null>
  response(id: number): Promise<StoredResponse | null>
  /** The member's responses' dedupe keys among `keys` (which of these periods they answered). */
  answeredKeys(keys: string[]): Promise<Set<string>>
  /** An ID for the next response (max + 1); a concurrent insert of the same ID fails on the PK. */
  nextResponseId(): Promise<number>
  /** Plans the response row, one survey_answers row per value, tags, attributes, draft removal. */
  responseStatements(plan: ResponsePlan): PlannedStatement[]
  setRewardCoupon(responseId: number, couponId: number): Promise<void>
  /** Low-score responses submitted in [since, before) without their staff alert yet, oldest first. */
  lowScoresWithoutAlert(since: number, before: number, limit: number): Promise<StoredResponse[]>
}

/** The answers in progress, shared by the mini-app draft and chat mode (one row per member). */
export interface SurveySession {
  surveyId: number
  memberId: number
  versionId: number
  channel: SurveyChannel
  answers: SurveyAnswers
  state: 'active' | 'paused'
  updatedAt: number
}

export interface SurveySessionStore {
  get(surveyId: number, memberId: number): Promise<SurveySession | null>
  /** Inserts or replaces the member's session for the survey. */
  save(session: SurveySession): Promise<void>
  delete(surveyId: number, memberId: number): Promise<void>
  /** The member's sessions (e.g. to find an active chat-mode survey), newest first. */
  listForMember(memberId: number): Promise<SurveySession[]>
}
