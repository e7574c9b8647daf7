import { desc, eq } from 'drizzle-orm'
import type {
  MemberContextSources,
  SurveyResponseRow,
} from '../../domain/support/member-context.ts'
import type { Database } from '../database.ts'
import { surveyResponses, surveys, surveyVersions } from '../schema.ts'

/** A member's newest survey responses with the questions of the version they answered. */
export function createMemberSurveyResponses(db: Database): MemberContextSources['surveys'] {
  return {
    async responsesOf(memberId, limit): Promise<SurveyResponseRow[]> {
      return db
        .select({
          responseId: surveyResponses.id,
          surveyTitle: surveys.title,
          submittedAt: surveyResponses.submittedAt,
          npsScore: surveyResponses.npsScore,
          lowScore: surveyResponses.lowScore,
          answers: surveyResponses.answers,
          questions: surveyVersions.questions,
        })
        .from(surveyResponses)
        .innerJoin(surveys, eq(surveys.id, surveyResponses.surveyId))
        .innerJoin(surveyVersions, eq(surveyVersions.id, surveyResponses.versionId))
        .where(eq(surveyResponses.memberId, memberId))
        .orderBy(desc(surveyResponses.submittedAt), desc(surveyResponses.id))
        .limit(limit)
    },
  }
}
