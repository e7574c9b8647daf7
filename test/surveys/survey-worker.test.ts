import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildWorkerBundle, type WorkerBundle } from '../workers/local-worker.ts'
import { startWorkerWorld } from '../workers/worker-world.ts'
import { goodAnswers, satisfactionSurvey } from './survey-world.ts'

/**
 * The survey submit path on workerd + local D1: the response, its answers, the mappings and the
 * reward commit in one D1 batch; concurrent submits by one member leave one response and one
 * reward; a low score reaches the support conversation and the staff alert.
 */

const TIMEOUT = 90_000
let bundle: WorkerBundle | undefined

beforeAll(async () => {
  bundle = await buildWorkerBundle()
}, TIMEOUT)

afterAll(async () => {
  await bundle?.dispose()
})

describe('surveys on Workers + D1', () => {
  it(
    'submits once under 5 concurrent requests with one reward; mappings and the closed loop apply',
    async () => {
      const { line, worker, api, owner } = await startWorkerWorld(bundle!, { rateLimits: false })

      const users = [
        line.createUser({ displayName: '花子' }),
        line.createUser({ displayName: '太郎' }),
      ]
      for (const u of users) await line.follow(u.userId)
      const deadline = Date.now() + 15_000
      while ((await worker.query('SELECT 1 FROM members')).length < users.length) {
        if (Date.now() > deadline) throw new Error(`no member rows\n${worker.logs()}`)
        await new Promise((r) => setTimeout(r, 50))
      }

      const template = await api('POST', '/api/staff/coupons/templates', owner(), {
        kind: 'free_item',
        title: 'アンケート特典 デザート',
        validity: 'days',
        validDays: 30,
        perMemberLimit: 5,
      })
      expect(template.status).toBe(201)
      const created = await api(
        'POST',
        '/api/staff/surveys',
        owner(),
        satisfactionSurvey({ rewardTemplateId: template.body.id as number }),
      )
      expect(created.status).toBe(201)
      const surveyId = created.body.id as number
      expect((await api('POST', `/api/staff/surveys/${surveyId}/open`, owner())).status).toBe(200)

      const hanako = users[0]!
      const token = line.issueIdToken(hanako.userId)
      const submits = await Promise.all(
        Array.from({ length: 5 }, () =>
          api('POST', `/api/liff/surveys/${surveyId}/responses`, token, {
            answers: { ...goodAnswers, nps: 3 },
          }),
        ),
      )
      expect(submits.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409])
      expect(submits.filter((r) => r.body.error?.code === 'survey_already_answered')).toHaveLength(
        4,
      )
      const won = submits.find((r) => r.status === 201)!.body as {
        responseId: number
        reward: { id: number; title: string }
      }
      expect(won.reward.title).toBe('アンケート特典 デザート')
      const count = async (table: string) =>
        (await worker.query<{ n: number }>(`SELECT count(*) AS n FROM ${table}`))[0]?.n
      expect(await count('survey_responses')).toBe(1)
      expect(await count('survey_answers')).toBe(7)
      expect(await count('coupons')).toBe(1)
      expect(await worker.query('SELECT source, source_ref FROM coupons')).toEqual([
        { source: 'survey', source_ref: String(won.responseId) },
      ])
      expect(
        await worker.query(
          'SELECT t.name FROM member_tags mt JOIN tags t ON t.id = mt.tag_id ORDER BY t.name',
        ),
      ).toEqual([{ name: 'ランチ利用' }, { name: 'ワイン好き' }])
      expect(await count('member_attributes')).toBe(3)

      // The other member, at the same moment as a bad submit: validation refuses without writing.
      const taro = line.issueIdToken(users[1]!.userId)
      const [bad, good] = await Promise.all([
        api('POST', `/api/liff/surveys/${surveyId}/responses`, taro, {
          answers: { ...goodAnswers, purpose: 'nope' },
        }),
        api('POST', `/api/liff/surveys/${surveyId}/responses`, taro, { answers: goodAnswers }),
      ])
      expect(bad.status).toBe(400)
      expect(good.status).toBe(201)
      expect(await count('survey_responses')).toBe(2)
      expect(await count('coupons')).toBe(2)

      // The closed loop ran for the low NPS.
      expect(await worker.query('SELECT kind, survey_response_id FROM staff_alerts')).toEqual([
        { kind: 'low_score', survey_response_id: won.responseId },
      ])
      expect(await worker.query('SELECT open_reason FROM conversations')).toEqual([
        { open_reason: 'low_score' },
      ])

      // A follow-up that fails (alerts table refusing) is redone by the cron.
      const jiro = line.createUser({ displayName: '次郎' })
      await line.follow(jiro.userId)
      while ((await worker.query('SELECT 1 FROM members')).length < 3) {
        if (Date.now() > deadline + 15_000) throw new Error(`no member row\n${worker.logs()}`)
        await new Promise((r) => setTimeout(r, 50))
      }
      await worker.query(
        "CREATE TRIGGER fail_alerts BEFORE INSERT ON staff_alerts BEGIN SELECT RAISE(ABORT, 'alerts down'); END",
      )
      const low = await api(
        'POST',
        `/api/liff/surveys/${surveyId}/responses`,
        line.issueIdToken(jiro.userId),
        { answers: { ...goodAnswers, stars: 1 } },
      )
      expect(low.status).toBe(201)
      expect(await count('staff_alerts')).toBe(1)
      await worker.query('DROP TRIGGER fail_alerts')
      // The retry leaves responses younger than a minute to the request that is handling them.
      await worker.query(
        'UPDATE survey_responses SET submitted_at = submitted_at - 120000 WHERE id = ?',
        low.body.responseId,
      )
      expect((await worker.scheduled()).outcome).toBe('ok')
      expect(await worker.query('SELECT survey_response_id FROM staff_alerts ORDER BY id')).toEqual(
        [{ survey_response_id: won.responseId }, { survey_response_id: low.body.responseId }],
      )

      const results = await api('GET', `/api/staff/surveys/${surveyId}/results`, owner())
      expect(results.status).toBe(200)
      expect(results.body).toMatchObject({ responseCount: 3, lowScoreCount: 2 })
    },
    TIMEOUT,
  )
})
