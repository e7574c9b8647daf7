import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { JourneySummary } from '@joren/shared'
import { ensureAppsBuilt } from '../e2e/sandbox-server.ts'
import { buildWorkerBundle, type WorkerBundle } from './local-worker.ts'
import { startWorkerWorld } from './worker-world.ts'

/**
 * Journeys on the Workers entry (workerd + local D1): a follow enters the member through the
 * domain-event subscriber, and the cron's periodic pass delivers the due step through the outbox
 * exactly once — with two cron invocations at once, and again after.
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

describe('journeys (workerd + local D1)', () => {
  it(
    'a cron tick delivers a due step once, with two ticks racing',
    async () => {
      const { line, worker, api, owner } = await startWorkerWorld(bundle!)
      // workerd runs on the real clock: no quiet hours and no cap here, whatever the hour.
      await worker.query(
        'INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)',
        'contact_policy',
        JSON.stringify({ quietStart: '00:00', quietEnd: '00:00', weeklyCap: 0 }),
        Date.now(),
      )
      const created = await api<{ journey: JourneySummary }>(
        'POST',
        '/api/staff/journeys',
        owner(),
        {
          name: 'ようこそ',
          trigger: { kind: 'follow', includeRefollow: false },
          steps: [
            {
              wait: { days: 1, hours: 0, at: null },
              messages: [{ type: 'text', text: 'W1 {name}さま、ようこそ' }],
            },
          ],
        },
      )
      expect(created.status).toBe(201)
      const id = created.body.journey.id
      expect(
        (await api('PUT', `/api/staff/journeys/${id}/enabled`, owner(), { enabled: true })).status,
      ).toBe(200)

      const user = line.createUser({ displayName: '葵' })
      await line.follow(user.userId)
      // The follow is processed after the response (waitUntil) and by the cron; its domain event
      // enters the member.
      let runs: { id: number; member_id: number }[] = []
      for (let i = 0; i < 30 && runs.length === 0; i++) {
        await worker.scheduled()
        runs = await worker.query('SELECT id, member_id FROM journey_runs WHERE journey_id = ?', id)
      }
      expect(runs).toHaveLength(1)
      const run = runs[0]!
      await worker.query(
        `INSERT INTO member_profiles (member_id, interests, marketing_choice, consent_updated_at, updated_at)
         VALUES (?, '[]', 'in', 1, 1)`,
        run.member_id,
      )
      // Nothing is due yet (day 1): a tick sends nothing.
      await worker.scheduled()
      const pushes = () =>
        line
          .received(user.userId)
          .filter((r) => r.via === 'push' && JSON.stringify(r.message).includes('W1'))
      expect(pushes()).toHaveLength(0)
      // A day passes (workerd's clock cannot be moved: the step's due time is).
      await worker.query(
        'UPDATE journey_runs SET next_due_at = ?, scheduled_at = ? WHERE id = ?',
        Date.now() - 1000,
        Date.now() - 1000,
        run.id,
      )
      await Promise.all([worker.scheduled(), worker.scheduled()])
      await worker.scheduled()
      expect(pushes()).toHaveLength(1)
      expect(JSON.stringify(pushes()[0])).toContain('葵さま')
      expect(
        await worker.query("SELECT status FROM outbox WHERE dedupe_key LIKE 'journey:%'"),
      ).toEqual([{ status: 'sent' }])
      expect(
        await worker.query('SELECT step, outcome FROM journey_step_log WHERE run_id = ?', run.id),
      ).toEqual([{ step: 0, outcome: 'sent' }])
      expect(await worker.query('SELECT status FROM journey_runs WHERE id = ?', run.id)).toEqual([
        { status: 'completed' },
      ])
    },
    TIMEOUT,
  )
})
