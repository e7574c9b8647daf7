import {
  and,
  asc,
  count,
  desc,
  eq,
  gt,
  gte,
  inArray,
  isNotNull,
  lt,
  sql,
  type SQL,
} from 'drizzle-orm'
import type {
  ResponseFilter,
  ResultAggregates,
  SurveyResultsStore,
  TextAnswer,
} from '../../domain/surveys/results.ts'
import { aggregateKey } from '../../domain/surveys/results.ts'
import type { Database } from '../database.ts'
import { members, memberTiers, surveyAnswers, surveyResponses } from '../schema.ts'

const TEXT_LIMIT = 200

/** Results in SQL: counts grouped per question / option / value, never every row in memory. */
export function createSurveyResultsStore(db: Database): SurveyResultsStore {
  function responseWhere(filter: ResponseFilter): SQL | undefined {
    return and(
      eq(surveyResponses.versionId, filter.versionId),
      filter.from !== null ? gte(surveyResponses.submittedAt, filter.from) : undefined,
      filter.until !== null ? lt(surveyResponses.submittedAt, filter.until) : undefined,
      filter.tierId !== null
        ? sql`exists (select 1 from ${memberTiers} where ${memberTiers.memberId} = ${surveyResponses.memberId} and ${memberTiers.tierId} = ${filter.tierId})`
        : undefined,
    )
  }

  async function texts(
    filter: ResponseFilter,
    questionId: string,
    search: string | null,
  ): Promise<{ answers: TextAnswer[]; matched: number }> {
    const where = and(
      responseWhere(filter),
      eq(surveyAnswers.questionId, questionId),
      isNotNull(surveyAnswers.textValue),
      search ? sql`instr(lower(${surveyAnswers.textValue}), lower(${search})) > 0` : undefined,
    )
    const [rows, [total]] = await Promise.all([
      db
        .select({
          responseId: surveyAnswers.responseId,
          memberNumber: members.memberNumber,
          text: sql<string>`${surveyAnswers.textValue}`,
          submittedAt: surveyResponses.submittedAt,
        })
        .from(surveyAnswers)
        .innerJoin(surveyResponses, eq(surveyResponses.id, surveyAnswers.responseId))
        .innerJoin(members, eq(members.id, surveyResponses.memberId))
        .where(where)
        .orderBy(desc(surveyResponses.submittedAt), desc(surveyResponses.id))
        .limit(TEXT_LIMIT),
      db
        .select({ n: count() })
        .from(surveyAnswers)
        .innerJoin(surveyResponses, eq(surveyResponses.id, surveyAnswers.responseId))
        .where(where),
    ])
    return { answers: rows, matched: Number(total?.n ?? 0) }
  }

  return {
    async aggregate(filter, spec) {
      const where = responseWhere(filter)
      const joined = () =>
        db
          .select({
            questionId: surveyAnswers.questionId,
            optionId: surveyAnswers.optionId,
            numberValue: surveyAnswers.numberValue,
            textValue: surveyAnswers.textValue,
            n: count(),
          })
          .from(surveyAnswers)
          .innerJoin(surveyResponses, eq(surveyResponses.id, surveyAnswers.responseId))
      const [totals, answered, options, numbers, dates, eligible] = await Promise.all([
        db
          .select({
            n: count(),
            low: sql<number>`coalesce(sum(case when ${surveyResponses.lowScore} then 1 else 0 end), 0)`,
          })
          .from(surveyResponses)
          .where(where),
        db
          .select({
            questionId: surveyAnswers.questionId,
            n: sql<number>`count(distinct ${surveyAnswers.responseId})`,
          })
          .from(surveyAnswers)
          .innerJoin(surveyResponses, eq(surveyResponses.id, surveyAnswers.responseId))
          .where(where)
          .groupBy(surveyAnswers.questionId),
        joined()
          .where(and(where, isNotNull(surveyAnswers.optionId)))
          .groupBy(surveyAnswers.questionId, surveyAnswers.optionId),
        joined()
          .where(and(where, isNotNull(surveyAnswers.numberValue)))
          .groupBy(surveyAnswers.questionId, surveyAnswers.numberValue),
        spec.dateQuestionIds.length === 0
          ? Promise.resolve([])
          : joined()
              .where(
                and(
                  where,
                  inArray(surveyAnswers.questionId, spec.dateQuestionIds.slice(0, 30)),
                  isNotNull(surveyAnswers.textValue),
                ),
              )
              .groupBy(surveyAnswers.questionId, surveyAnswers.textValue),
        db
          .select({ n: count() })
          .from(members)
          .where(
            and(
              eq(members.followState, 'following'),
              filter.tierId !== null
                ? sql`exists (select 1 from ${memberTiers} where ${memberTiers.memberId} = ${members.id} and ${memberTiers.tierId} = ${filter.tierId})`
                : undefined,
            ),
          ),
      ])
      const agg: ResultAggregates = {
        responseCount: Number(totals[0]?.n ?? 0),
        lowScoreCount: Number(totals[0]?.low ?? 0),
        eligibleCount: Number(eligible[0]?.n ?? 0),
        answered: new Map(answered.map((r) => [r.questionId, Number(r.n)])),
        optionCounts: new Map(
          options.map((r) => [aggregateKey(r.questionId, r.optionId ?? ''), Number(r.n)]),
        ),
        valueCounts: new Map([
          ...numbers.map((r): [string, number] => [
            aggregateKey(r.questionId, r.numberValue ?? 0),
            Number(r.n),
          ]),
          ...dates.map((r): [string, number] => [
            aggregateKey(r.questionId, r.textValue ?? ''),
            Number(r.n),
          ]),
        ]),
        texts: new Map(),
      }
      for (const questionId of spec.textQuestionIds)
        agg.texts.set(questionId, await texts(filter, questionId, spec.search))
      return agg
    },

    async responsesPage(filter, afterId, limit) {
      return db
        .select({
          id: surveyResponses.id,
          memberNumber: members.memberNumber,
          submittedAt: surveyResponses.submittedAt,
          answers: surveyResponses.answers,
        })
        .from(surveyResponses)
        .innerJoin(members, eq(members.id, surveyResponses.memberId))
        .where(and(responseWhere(filter), gt(surveyResponses.id, afterId)))
        .orderBy(asc(surveyResponses.id))
        .limit(limit)
    },
  }
}
