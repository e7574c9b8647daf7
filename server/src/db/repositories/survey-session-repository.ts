import type { SurveyAnswers } from '@joren/shared'
import { and, desc, eq } from 'drizzle-orm'
import type { SurveySession, SurveySessionStore } from '../../domain/surveys/store.ts'
import type { Database } from '../database.ts'
import { surveySessions } from '../schema.ts'

type SessionRow = typeof surveySessions.$inferSelect

function toSession(row: SessionRow): SurveySession {
  return { ...row, answers: JSON.parse(row.answers) as SurveyAnswers }
}

/**
 * survey_sessions: one row per survey and member, shared by the mini-app draft (channel 'liff')
 * and chat mode (channel 'chat'), so a member can start in one and finish in the other.
 */
export function createSurveySessionStore(db: Database): SurveySessionStore {
  const key = (surveyId: number, memberId: number) =>
    and(eq(surveySessions.surveyId, surveyId), eq(surveySessions.memberId, memberId))
  return {
    async get(surveyId, memberId) {
      const [row] = await db.select().from(surveySessions).where(key(surveyId, memberId))
      return row ? toSession(row) : null
    },

    async save(session) {
      const values = {
        versionId: session.versionId,
        channel: session.channel,
        answers: JSON.stringify(session.answers),
        state: session.state,
        updatedAt: session.updatedAt,
      }
      await db
        .insert(surveySessions)
        .values({ surveyId: session.surveyId, memberId: session.memberId, ...values })
        .onConflictDoUpdate({
          target: [surveySessions.surveyId, surveySessions.memberId],
          set: values,
        })
    },

    async delete(surveyId, memberId) {
      await db.delete(surveySessions).where(key(surveyId, memberId))
    },

    async listForMember(memberId) {
      const rows = await db
        .select()
        .from(surveySessions)
        .where(eq(surveySessions.memberId, memberId))
        .orderBy(desc(surveySessions.updatedAt))
      return rows.map(toSession)
    },
  }
}
