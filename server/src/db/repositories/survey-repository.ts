import type {
  SurveyAlerts,
  SurveyAnswers,
  SurveyPolicy,
  SurveyQuestion,
  SurveyVersionInfo,
} from '@joren/shared'
import {
  and,
  asc,
  count,
  desc,
  eq,
  gte,
  inArray,
  isNotNull,
  isNull,
  lt,
  or,
  sql,
  type SQL,
} from 'drizzle-orm'
import type { BatchItem } from 'drizzle-orm/batch'
import type {
  ResponsePlan,
  StoredResponse,
  StoredSurvey,
  StoredSurveyVersion,
  SurveyFields,
  SurveyRepository,
} from '../../domain/surveys/store.ts'
import type { Database } from '../database.ts'
import { insertSelectList } from '../insert-select.ts'
import { rowRef } from '../row-ref.ts'
import {
  memberAttributes,
  memberTags,
  staffAlerts,
  surveyAnswers,
  surveyResponses,
  surveys,
  surveySessions,
  surveyVersions,
  tags,
} from '../schema.ts'

/** Stored for a threshold that is off: no score is at or below it. */
const ALERT_OFF = -1
/** D1 binds at most 100 parameters per statement. */
const MAX_PARAMS = 90

type SurveyRow = typeof surveys.$inferSelect
type VersionRow = typeof surveyVersions.$inferSelect
type ResponseRow = typeof surveyResponses.$inferSelect

export function toSurvey(row: SurveyRow): StoredSurvey | null {
  if (row.currentVersionId === null) return null
  const policy: SurveyPolicy =
    row.policy === 'every_n_days' && row.policyDays !== null
      ? { kind: 'every_n_days', days: row.policyDays }
      : { kind: 'once' }
  const alerts: SurveyAlerts = {
    npsAtOrBelow: row.alertNpsAtOrBelow === ALERT_OFF ? null : row.alertNpsAtOrBelow,
    ratingAtOrBelow: row.alertRatingAtOrBelow === ALERT_OFF ? null : row.alertRatingAtOrBelow,
  }
  return {
    id: row.id,
    title: row.title,
    status: row.status,
    currentVersionId: row.currentVersionId,
    rewardTemplateId: row.rewardTemplateId,
    policy,
    opensAt: row.opensAt,
    closesAt: row.closesAt,
    alerts,
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  }
}

export function toVersion(row: VersionRow): StoredSurveyVersion {
  return {
    id: row.id,
    surveyId: row.surveyId,
    version: row.version,
    intro: row.intro,
    questions: JSON.parse(row.questions) as SurveyQuestion[],
    createdAt: row.createdAt,
  }
}

export function toResponse(row: ResponseRow): StoredResponse {
  return { ...row, answers: JSON.parse(row.answers) as SurveyAnswers }
}

function fieldColumns(fields: SurveyFields) {
  return {
    title: fields.title,
    rewardTemplateId: fields.rewardTemplateId,
    policy: fields.policy.kind,
    policyDays: fields.policy.kind === 'every_n_days' ? fields.policy.days : null,
    opensAt: fields.opensAt,
    closesAt: fields.closesAt,
    alertNpsAtOrBelow: fields.alerts.npsAtOrBelow ?? ALERT_OFF,
    alertRatingAtOrBelow: fields.alerts.ratingAtOrBelow ?? ALERT_OFF,
  }
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

type AnswerRow = typeof surveyAnswers.$inferInsert

/** One row per answered option / value: what results and segments query. */
export function answerRows(plan: ResponsePlan): AnswerRow[] {
  const rows: AnswerRow[] = []
  const base = { responseId: plan.responseId, surveyId: plan.surveyId, memberId: plan.memberId }
  for (const q of plan.questions) {
    const value = plan.answers[q.id]
    if (value === undefined || value === null) continue
    const row = { ...base, questionId: q.id, optionId: null, numberValue: null, textValue: null }
    if (Array.isArray(value)) for (const optionId of value) rows.push({ ...row, optionId })
    else if (q.type === 'single' && typeof value === 'string')
      rows.push({ ...row, optionId: value })
    else if (typeof value === 'number') rows.push({ ...row, numberValue: value })
    else rows.push({ ...row, textValue: value })
  }
  return rows
}

/**
 * Version N+1 of the survey (UNIQUE (survey, version)) and the pointer to the survey's newest
 * version; `unlessChanged` inserts only when the previous write changed no row.
 */
function addVersionStatements(
  db: Database,
  surveyId: number | SQL,
  content: { intro: string; questions: SurveyQuestion[] },
  now: number,
  unlessChanged = false,
): [BatchItem<'sqlite'>, BatchItem<'sqlite'>] {
  const next = sql`(select coalesce(max(${surveyVersions.version}), 0) + 1 from ${surveyVersions} where ${surveyVersions.surveyId} = ${surveyId})`
  const select = insertSelectList(surveyVersions, {
    surveyId,
    version: next,
    intro: content.intro,
    questions: JSON.stringify(content.questions),
    createdAt: now,
  })
  const insert = db
    .insert(surveyVersions)
    .select(sql`${select} WHERE ${unlessChanged ? sql`changes() = 0` : sql`1`}`)
  return [
    insert,
    db
      .update(surveys)
      .set({
        currentVersionId: sql`(select max(${surveyVersions.id}) from ${surveyVersions} where ${surveyVersions.surveyId} = ${surveyId})`,
        updatedAt: now,
      })
      .where(sql`${surveys.id} = ${surveyId}`),
  ]
}

/** The response, its answer rows, tags and attributes, and the end of its draft: one commit. */
function responseStatements(db: Database, plan: ResponsePlan): BatchItem<'sqlite'>[] {
  const statements: BatchItem<'sqlite'>[] = [
    db.insert(surveyResponses).values({
      id: plan.responseId,
      surveyId: plan.surveyId,
      versionId: plan.versionId,
      memberId: plan.memberId,
      channel: plan.channel,
      answers: JSON.stringify(plan.answers),
      dedupeKey: plan.dedupeKey,
      npsScore: plan.npsScore,
      lowScore: plan.lowScore,
      submittedAt: plan.submittedAt,
    }),
  ]
  // 7 parameters a row.
  for (const rows of chunk(answerRows(plan), 12))
    statements.push(db.insert(surveyAnswers).values(rows))
  for (const names of chunk(plan.tags, 40)) {
    statements.push(
      db
        .insert(tags)
        .values(names.map((name) => ({ name, createdAt: plan.submittedAt })))
        .onConflictDoNothing({ target: tags.name }),
      db
        .insert(memberTags)
        .select(
          db
            .select({
              memberId: sql<number>`${plan.memberId}`.as('member_id'),
              tagId: tags.id,
              createdAt: sql<number>`${plan.submittedAt}`.as('created_at'),
            })
            .from(tags)
            .where(inArray(tags.name, names)),
        )
        .onConflictDoNothing(),
    )
  }
  if (plan.attributes.length > 0) {
    const source = `survey:${plan.surveyId}`
    const keys = [...new Set(plan.attributes.map((a) => a.key))]
    // This survey's earlier answer for these keys is replaced, not piled up.
    for (const part of chunk(keys, 80))
      statements.push(
        db
          .delete(memberAttributes)
          .where(
            and(
              eq(memberAttributes.memberId, plan.memberId),
              eq(memberAttributes.source, source),
              inArray(memberAttributes.key, part),
            ),
          ),
      )
    for (const rows of chunk(plan.attributes, 18))
      statements.push(
        db
          .insert(memberAttributes)
          .values(
            rows.map((a) => ({
              memberId: plan.memberId,
              key: a.key,
              value: a.value,
              source,
              updatedAt: plan.submittedAt,
            })),
          )
          .onConflictDoUpdate({
            target: [memberAttributes.memberId, memberAttributes.key, memberAttributes.value],
            set: { source, updatedAt: plan.submittedAt },
          }),
      )
  }
  // The draft / chat position is done with once the response exists.
  statements.push(
    db
      .delete(surveySessions)
      .where(
        and(eq(surveySessions.surveyId, plan.surveyId), eq(surveySessions.memberId, plan.memberId)),
      ),
  )
  return statements
}

/** The open surveys at `now` (status open, inside their window), newest first, with their current version. */
async function listOpen(
  db: Database,
  now: number,
): Promise<{ survey: StoredSurvey; version: StoredSurveyVersion }[]> {
  const rows = await db
    .select({ survey: surveys, version: surveyVersions })
    .from(surveys)
    .innerJoin(surveyVersions, eq(surveyVersions.id, surveys.currentVersionId))
    .where(
      and(
        eq(surveys.status, 'open'),
        or(isNull(surveys.opensAt), sql`${surveys.opensAt} <= ${now}`),
        or(isNull(surveys.closesAt), sql`${surveys.closesAt} > ${now}`),
      ),
    )
    .orderBy(desc(surveys.id))
  return rows.flatMap((r) => {
    const survey = toSurvey(r.survey)
    return survey ? [{ survey, version: toVersion(r.version) }] : []
  })
}

/** Survey definitions, versions and responses on drizzle (both drivers). */
export function createSurveyRepository(db: Database): SurveyRepository {
  async function find(id: number): Promise<StoredSurvey | null> {
    const [row] = await db.select().from(surveys).where(eq(surveys.id, id))
    return row ? toSurvey(row) : null
  }

  async function version(versionId: number): Promise<StoredSurveyVersion | null> {
    const [row] = await db.select().from(surveyVersions).where(eq(surveyVersions.id, versionId))
    return row ? toVersion(row) : null
  }

  /** Inside a commit, right after the survey's insert: the newest survey is the one it made. */
  const newSurveyId = sql`(select max(${surveys.id}) from ${surveys})`

  return {
    createWrites(fields, content, staffId, now) {
      return [
        db.insert(surveys).values({
          ...fieldColumns(fields),
          status: 'draft',
          createdBy: staffId,
          createdAt: now,
          updatedAt: now,
        }),
        ...addVersionStatements(db, newSurveyId, content, now),
      ]
    },

    createdIds: () => ({
      surveyId: rowRef(newSurveyId),
      versionId: rowRef(
        sql`(select ${surveys.currentVersionId} from ${surveys} where ${surveys.id} = ${newSurveyId})`,
      ),
    }),

    async latestCreatedBy(staffId) {
      const [row] = await db
        .select({ id: sql<number | null>`max(${surveys.id})` })
        .from(surveys)
        .where(eq(surveys.createdBy, staffId))
      return row?.id ?? null
    },

    find,
    version,

    async versions(surveyId): Promise<SurveyVersionInfo[]> {
      // A join, not a correlated subquery: drizzle leaves single-table select fields unqualified.
      const rows = await db
        .select({
          id: surveyVersions.id,
          version: surveyVersions.version,
          createdAt: surveyVersions.createdAt,
          responseCount: count(surveyResponses.id),
        })
        .from(surveyVersions)
        .leftJoin(surveyResponses, eq(surveyResponses.versionId, surveyVersions.id))
        .where(eq(surveyVersions.surveyId, surveyId))
        .groupBy(surveyVersions.id)
        .orderBy(desc(surveyVersions.version))
      return rows.map((r) => ({ ...r, responseCount: Number(r.responseCount) }))
    },

    async list() {
      const [rows, counts] = await Promise.all([
        db
          .select({ survey: surveys, version: surveyVersions })
          .from(surveys)
          .innerJoin(surveyVersions, eq(surveyVersions.id, surveys.currentVersionId))
          .orderBy(desc(surveys.id)),
        db
          .select({ surveyId: surveyResponses.surveyId, n: count() })
          .from(surveyResponses)
          .groupBy(surveyResponses.surveyId),
      ])
      const bySurvey = new Map(counts.map((c) => [c.surveyId, Number(c.n)]))
      return rows.flatMap((r) => {
        const survey = toSurvey(r.survey)
        return survey
          ? [{ survey, version: toVersion(r.version), responseCount: bySurvey.get(survey.id) ?? 0 }]
          : []
      })
    },

    listOpen: (now) => listOpen(db, now),

    updateFieldsWrite(id, fields, now) {
      return db
        .update(surveys)
        .set({ ...fieldColumns(fields), updatedAt: now })
        .where(eq(surveys.id, id))
    },

    rewriteVersionWrite(versionId, content) {
      // Only a draft's version: members cannot answer a draft, so nothing answered the old text.
      return db
        .update(surveyVersions)
        .set({ intro: content.intro, questions: JSON.stringify(content.questions) })
        .where(
          and(
            eq(surveyVersions.id, versionId),
            sql`(select ${surveys.status} from ${surveys} where ${surveys.id} = ${surveyVersions.surveyId}) = 'draft'`,
            sql`not exists (select 1 from ${surveyResponses} where ${surveyResponses.versionId} = ${versionId})`,
          ),
        )
    },

    addVersionWrites(surveyId, content, now, options) {
      return addVersionStatements(db, surveyId, content, now, options?.unlessChanged ?? false)
    },

    setStatusWrite(id, from, to, now) {
      return db
        .update(surveys)
        .set({ status: to, updatedAt: now })
        .where(
          and(
            eq(surveys.id, id),
            inArray(surveys.status, from),
            isNotNull(surveys.currentVersionId),
          ),
        )
    },

    async responseCount(versionId) {
      const [row] = await db
        .select({ n: count() })
        .from(surveyResponses)
        .where(eq(surveyResponses.versionId, versionId))
      return Number(row?.n ?? 0)
    },

    async responseByDedupeKey(key) {
      const [row] = await db
        .select()
        .from(surveyResponses)
        .where(eq(surveyResponses.dedupeKey, key))
      return row ? toResponse(row) : null
    },

    async response(id) {
      const [row] = await db.select().from(surveyResponses).where(eq(surveyResponses.id, id))
      return row ? toResponse(row) : null
    },

    async answeredKeys(keys) {
      const found = new Set<string>()
      for (const part of chunk(keys, MAX_PARAMS)) {
        const rows = await db
          .select({ key: surveyResponses.dedupeKey })
          .from(surveyResponses)
          .where(inArray(surveyResponses.dedupeKey, part))
        for (const r of rows) found.add(r.key)
      }
      return found
    },

    async nextResponseId() {
      const [row] = await db
        .select({ next: sql<number>`coalesce(max(${surveyResponses.id}), 0) + 1` })
        .from(surveyResponses)
      return Number(row?.next ?? 1)
    },

    responseStatements: (plan) => responseStatements(db, plan),

    async setRewardCoupon(responseId, couponId) {
      await db
        .update(surveyResponses)
        .set({ rewardCouponId: couponId })
        .where(eq(surveyResponses.id, responseId))
    },

    async lowScoresWithoutAlert(since, before, limit) {
      const rows = await db
        .select()
        .from(surveyResponses)
        .where(
          and(
            eq(surveyResponses.lowScore, true),
            gte(surveyResponses.submittedAt, since),
            lt(surveyResponses.submittedAt, before),
            sql`not exists (select 1 from ${staffAlerts} where ${staffAlerts.dedupeKey} = 'low_score:' || ${surveyResponses.id})`,
          ),
        )
        .orderBy(asc(surveyResponses.id))
        .limit(limit)
      return rows.map(toResponse)
    },
  }
}
