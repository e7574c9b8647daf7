import type { JourneySummary } from '@joren/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureAppsBuilt } from '../e2e/sandbox-server.ts'
import { goodAnswers, satisfactionSurvey } from '../surveys/survey-world.ts'
import { buildWorkerBundle, type WorkerBundle } from './local-worker.ts'
import { startWorkerWorld } from './worker-world.ts'

/**
 * The "low survey score → staff" journey on the Workers entry (workerd + local D1): with the
 * survey's own alert and the journey both on, one low NPS answer leaves exactly one staff alert
 * row, quoting the score and the comment — and when the journey's path is the one that raises it
 * (the closed loop's row gone, the journeys subscriber replayed by the cron), it is the same one.
 */

const TIMEOUT = 180_000
let bundle: WorkerBundle | undefined

beforeAll(async () => {
  await ensureAppsBuilt()
  bundle = await buildWorkerBundle()
}, TIMEOUT)

afterAll(async () => {
  await bundle?.dispose()
})

describe('low-score journey (workerd + local D1)', () => {
  it(
    'one low NPS answer with the survey alert and the journey on: exactly one alert row, score and comment quoted',
    async () => {
      const { line, worker, api, owner } = await startWorkerWorld(bundle!, { rateLimits: false })
      const user = line.createUser({ displayName: '柚' })
      await line.follow(user.userId)
      const deadline = Date.now() + 15_000
      while ((await worker.query('SELECT 1 FROM members')).length < 1) {
        if (Date.now() > deadline) throw new Error(`no member row\n${worker.logs()}`)
        await new Promise((r) => setTimeout(r, 50))
      }
      // The journey list creates the templates (off); the staff switch the low-score one on.
      const list = await api<{ journeys: JourneySummary[] }>('GET', '/api/staff/journeys', owner())
      expect(list.status).toBe(200)
      const template = list.body.journeys.find((j) => j.templateKey === 'survey_low_score')!
      expect(template.trigger).toEqual({ kind: 'survey_low_score', surveyId: null })
      expect(
        (
          await api('PUT', `/api/staff/journeys/${template.id}/enabled`, owner(), {
            enabled: true,
          })
        ).status,
      ).toBe(200)
      const created = await api('POST', '/api/staff/surveys', owner(), satisfactionSurvey())
      expect(created.status).toBe(201)
      const surveyId = created.body.id as number
      expect((await api('POST', `/api/staff/surveys/${surveyId}/open`, owner())).status).toBe(200)

      const low = await api(
        'POST',
        `/api/liff/surveys/${surveyId}/responses`,
        line.issueIdToken(user.userId),
        { answers: { ...goodAnswers, nps: 2, comment: 'スタッフの対応が遅かったです' } },
      )
      expect(low.status).toBe(201)
      const responseId = low.body.responseId as number
      // The cron runs the event relay: the journeys subscriber handles survey.answered.
      const [event] = await worker.query<{ id: number }>(
        "SELECT id FROM domain_events WHERE type = 'survey.answered'",
      )
      const journeysCursor = async () =>
        (
          await worker.query<{ position: number }>(
            "SELECT position FROM event_cursors WHERE subscriber = 'journeys'",
          )
        )[0]?.position ?? 0
      for (let i = 0; i < 20 && (await journeysCursor()) < event!.id; i++) await worker.scheduled()
      expect(await journeysCursor()).toBeGreaterThanOrEqual(event!.id)

      const rows = () =>
        worker.query<{
          kind: string
          summary: string
          dedupe_key: string
          conversation_id: number | null
        }>(
          'SELECT kind, summary, dedupe_key, conversation_id FROM staff_alerts WHERE survey_response_id = ?',
          responseId,
        )
      const first = await rows()
      expect(first).toHaveLength(1)
      expect(first[0]).toMatchObject({ kind: 'low_score', dedupe_key: `low_score:${responseId}` })
      expect(first[0]!.summary).toContain('「友人におすすめする可能性は？」NPS 2')
      expect(first[0]!.summary).toContain('コメント「スタッフの対応が遅かったです」')
      // The closed loop (first, with the request) linked its support conversation.
      expect(first[0]!.conversation_id).not.toBeNull()
      expect(await worker.query('SELECT count(*) AS n FROM staff_alerts')).toEqual([{ n: 1 }])

      // The journey's path alone: the row gone, the journeys subscriber replayed by the cron.
      await worker.query('DELETE FROM staff_alerts WHERE survey_response_id = ?', responseId)
      await worker.query("UPDATE event_cursors SET position = 0 WHERE subscriber = 'journeys'")
      for (let i = 0; i < 20 && (await journeysCursor()) < event!.id; i++) await worker.scheduled()
      await Promise.all([worker.scheduled(), worker.scheduled()])
      const again = await rows()
      expect(again).toHaveLength(1)
      expect(again[0]).toMatchObject({
        dedupe_key: `low_score:${responseId}`,
        conversation_id: null,
      })
      expect(again[0]!.summary).toBe(first[0]!.summary)
      // Nothing pushed to the member by the journey, no run.
      expect(
        await worker.query(
          'SELECT count(*) AS n FROM journey_runs WHERE journey_id = ?',
          template.id,
        ),
      ).toEqual([{ n: 0 }])
    },
    TIMEOUT,
  )
})
