import { afterAll, beforeAll, beforeEach, describe, it } from 'vitest'
import type { Driver } from '../events/event-suite.ts'
import {
  conversationOpenedGoesWithTheOpening,
  supportAndSurveyChangesAreAtomic,
  surveyAnsweredGoesWithTheResponse,
} from '../events/support-survey-suite.ts'
import {
  buildWorkerBundle,
  startLocalWorker,
  type LocalWorker,
  type WorkerBundle,
} from './local-worker.ts'
import { d1DriverOf } from './d1-driver.ts'

/**
 * The survey and support commands on workerd's local D1: audit rows and domain events commit in
 * the same batch as the change (a failing insert rolls the batch back), as on better-sqlite3.
 */

const TIMEOUT = 120_000
let bundle: WorkerBundle | undefined
let worker: LocalWorker | undefined

beforeAll(async () => {
  bundle = await buildWorkerBundle()
  worker = await startLocalWorker({ bundle, vars: {} })
}, TIMEOUT)

afterAll(async () => {
  await worker?.dispose()
  await bundle?.dispose()
})

// One database for the file: each scenario starts from empty tables (children before parents,
// whatever order the foreign keys need).
beforeEach(async () => {
  let tables = (
    await worker!.query<{ name: string }>(
      "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '_cf_%' and name not like 'd1_%'",
    )
  ).map((t) => t.name)
  for (let pass = 0; tables.length > 0; pass++) {
    if (pass > 10) throw new Error(`cannot empty ${tables.join(', ')}`)
    const left: string[] = []
    for (const table of tables) {
      try {
        await worker!.db.prepare(`delete from "${table}"`).run()
      } catch {
        left.push(table)
      }
    }
    tables = left
  }
  // Triggers a scenario made to fail inserts are gone with it.
  for (const { name } of await worker!.query<{ name: string }>(
    "select name from sqlite_master where type = 'trigger' and name like '%_down'",
  ))
    await worker!.db.prepare(`drop trigger "${name}"`).run()
}, TIMEOUT)

function d1(): Driver {
  if (!worker) throw new Error('no worker')
  return d1DriverOf(worker)
}

describe('survey and support commands and their audit rows (workerd + local D1)', () => {
  it(
    'with the audit insert failing, no survey, inbox, alert or FAQ change is stored',
    () => supportAndSurveyChangesAreAtomic(d1()),
    TIMEOUT,
  )
})

describe('survey and support domain events (workerd + local D1)', () => {
  it(
    'conversation.opened goes with the opening: once per cycle under a replay, never when it fails',
    () => conversationOpenedGoesWithTheOpening(d1()),
    TIMEOUT,
  )
  it(
    'survey.answered goes with the response (mini-app and chat): once under a replay, never when it fails',
    () => surveyAnsweredGoesWithTheResponse(d1()),
    TIMEOUT,
  )
})
