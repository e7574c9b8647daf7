import Sqlite from 'better-sqlite3'
import { drizzle } from 'drizzle-orm/better-sqlite3'
import { migrate } from 'drizzle-orm/better-sqlite3/migrator'
import { beforeEach, describe, it } from 'vitest'
import { betterSqliteAtomic } from '../../server/src/db/atomic.ts'
import type { Database } from '../../server/src/db/database.ts'
import { MIGRATIONS_DIR } from '../../server/src/db/node-sqlite.ts'
import { schema } from '../../server/src/db/schema.ts'
import type { Driver } from './event-suite.ts'
import {
  conversationOpenedGoesWithTheOpening,
  supportAndSurveyChangesAreAtomic,
  surveyAnsweredGoesWithTheResponse,
} from './support-survey-suite.ts'

let driver: Driver

beforeEach(() => {
  const sqlite = new Sqlite(':memory:')
  const db = drizzle(sqlite, { schema })
  migrate(db, { migrationsFolder: MIGRATIONS_DIR })
  driver = {
    db: db as unknown as Database,
    atomic: betterSqliteAtomic(sqlite),
    query: async <T>(sql: string, ...params: unknown[]) =>
      sqlite.prepare(sql).all(...params) as T[],
  }
})

describe('survey and support commands and their audit rows (better-sqlite3)', () => {
  it('with the audit insert failing, no survey, inbox, alert or FAQ change is stored', () =>
    supportAndSurveyChangesAreAtomic(driver))
})

describe('survey and support domain events (better-sqlite3)', () => {
  it('conversation.opened goes with the opening: once per cycle under a replay, never when it fails', () =>
    conversationOpenedGoesWithTheOpening(driver))
  it('survey.answered goes with the response (mini-app and chat): once under a replay, never when it fails', () =>
    surveyAnsweredGoesWithTheResponse(driver))
})
