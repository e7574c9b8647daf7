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
      const noCap = { quietStart: '00:00', quietEnd: '00:00', weeklyCap: 0 }
      expect((await api('PUT', '/api/staff/journeys/policy', owner(), noCap)).status).toBe(200)
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

  it(
    'coupon expiring: the cron pass enters the member once per coupon and delivers the step once, with two ticks racing',
    async () => {
      const { line, worker, api, owner } = await startWorkerWorld(bundle!)
      const noCap = { quietStart: '00:00', quietEnd: '00:00', weeklyCap: 0 }
      expect((await api('PUT', '/api/staff/journeys/policy', owner(), noCap)).status).toBe(200)
      const user = line.createUser({ displayName: '蓮' })
      await line.follow(user.userId)
      let members: { id: number }[] = []
      for (let i = 0; i < 30 && members.length === 0; i++) {
        await worker.scheduled()
        members = await worker.query('SELECT id FROM members WHERE line_user_id = ?', user.userId)
      }
      const memberId = members[0]!.id
      await worker.query(
        `INSERT INTO member_profiles (member_id, interests, marketing_consent, consent_updated_at, updated_at)
         VALUES (?, '[]', 1, 1, 1)`,
        memberId,
      )
      // The journey list creates the templates and the birthday coupon template.
      expect((await api('GET', '/api/staff/journeys', owner())).status).toBe(200)
      const [template] = await worker.query<{ id: number }>(
        'SELECT id FROM coupon_templates LIMIT 1',
      )
      const created = await api<{ journey: JourneySummary }>(
        'POST',
        '/api/staff/journeys',
        owner(),
        {
          name: '期限間近',
          trigger: { kind: 'coupon_expiring', daysBefore: 3 },
          steps: [
            {
              wait: { days: 0, hours: 0, at: null },
              messages: [{ type: 'text', text: 'CX {name}さま、クーポンの期限が近づいています' }],
            },
          ],
          goal: { kind: 'none', days: 7 },
        },
      )
      expect(created.status).toBe(201)
      const id = created.body.journey.id
      expect(
        (await api('PUT', `/api/staff/journeys/${id}/enabled`, owner(), { enabled: true })).status,
      ).toBe(200)
      const pushes = () =>
        line
          .received(user.userId)
          .filter((r) => r.via === 'push' && JSON.stringify(r.message).includes('CX'))
      // A coupon expiring in 3 days and 10 minutes: outside the pass's window, nothing happens.
      await worker.query(
        `INSERT INTO coupons (template_id, member_id, source, state, issued_at, expires_at, dedupe_key)
         VALUES (?, ?, 'manual', 'issued', ?, ?, 'cx-1')`,
        template!.id,
        memberId,
        Date.now(),
        Date.now() + 3 * 24 * 3600_000 + 10 * 60_000,
      )
      await worker.scheduled()
      expect(await worker.query('SELECT id FROM journey_runs WHERE journey_id = ?', id)).toEqual([])
      // workerd's clock cannot be moved, so time passes the other way: the last pass is put five
      // minutes back and the coupon now expires in 3 days less a minute — inside the window.
      await worker.query(
        'UPDATE journeys SET trigger_cursor = ? WHERE id = ?',
        Date.now() - 5 * 60_000,
        id,
      )
      await worker.query(
        "UPDATE coupons SET expires_at = ? WHERE dedupe_key = 'cx-1'",
        Date.now() + 3 * 24 * 3600_000 - 60_000,
      )
      await Promise.all([worker.scheduled(), worker.scheduled()])
      await worker.scheduled()
      const runs = await worker.query<{ occurrence: string; status: string }>(
        'SELECT occurrence, status FROM journey_runs WHERE journey_id = ?',
        id,
      )
      expect(runs).toHaveLength(1)
      expect(runs[0]!.occurrence).toMatch(/^coupon:\d+$/)
      expect(pushes()).toHaveLength(1)
      expect(JSON.stringify(pushes()[0])).toContain('蓮さま')
      await worker.scheduled()
      expect(pushes()).toHaveLength(1)
    },
    TIMEOUT,
  )

  it(
    'tier drop: a purchase stores when the tier would fall; the cron pass enters the member 14 days before, once, with two ticks racing',
    async () => {
      const { line, worker, api, owner } = await startWorkerWorld(bundle!)
      const noCap = { quietStart: '00:00', quietEnd: '00:00', weeklyCap: 0 }
      expect((await api('PUT', '/api/staff/journeys/policy', owner(), noCap)).status).toBe(200)
      const user = line.createUser({ displayName: '湊' })
      await line.follow(user.userId)
      let members: { id: number; member_number: string }[] = []
      for (let i = 0; i < 30 && members.length === 0; i++) {
        await worker.scheduled()
        members = await worker.query(
          'SELECT id, member_number FROM members WHERE line_user_id = ?',
          user.userId,
        )
      }
      const member = members[0]!
      await worker.query(
        `INSERT INTO member_profiles (member_id, interests, marketing_choice, consent_updated_at, updated_at)
         VALUES (?, '[]', 'in', 1, 1)`,
        member.id,
      )
      // The template, switched on as it is (14 days before, at 11:00 shop time on that day).
      const list = await api<{ journeys: JourneySummary[] }>('GET', '/api/staff/journeys', owner())
      const template = list.body.journeys.find((j) => j.templateKey === 'tier_drop')!
      expect(template.enabled).toBe(false)
      expect(
        (
          await api('PUT', `/api/staff/journeys/${template.id}/enabled`, owner(), {
            enabled: true,
          })
        ).status,
      ).toBe(200)
      // 35,000円: シルバー, which falls when this purchase leaves the rolling 12 months.
      const bought = await api('POST', '/api/staff/register/purchases', owner(), {
        memberNumber: member.member_number,
        amountYen: 35_000,
        categories: [],
      })
      expect(bought.status).toBe(201)
      let drops: { at: number | null }[] = []
      for (let i = 0; i < 30 && drops[0]?.at == null; i++) {
        await worker.scheduled()
        drops = await worker.query(
          'SELECT tier_drops_at AS at FROM member_purchase_cycles WHERE member_id = ?',
          member.id,
        )
      }
      const [purchase] = await worker.query<{ at: number }>(
        'SELECT purchased_at AS at FROM purchases WHERE member_id = ?',
        member.id,
      )
      const aYear = drops[0]!.at! - purchase!.at
      expect(aYear === 365 * 24 * 3600_000 || aYear === 366 * 24 * 3600_000).toBe(true)
      // workerd's clock cannot be moved: the drop is brought to 14 days and a minute from now
      // (outside the window), then to 14 days less a minute with the last pass 5 minutes back.
      const DAY = 24 * 3600_000
      await worker.query(
        'UPDATE member_purchase_cycles SET tier_drops_at = ? WHERE member_id = ?',
        Date.now() + 14 * DAY + 60_000,
        member.id,
      )
      await worker.scheduled()
      expect(
        await worker.query('SELECT id FROM journey_runs WHERE journey_id = ?', template.id),
      ).toEqual([])
      await worker.query(
        'UPDATE journeys SET trigger_cursor = ? WHERE id = ?',
        Date.now() - 5 * 60_000,
        template.id,
      )
      await worker.query(
        'UPDATE member_purchase_cycles SET tier_drops_at = ? WHERE member_id = ?',
        Date.now() + 14 * DAY - 60_000,
        member.id,
      )
      // The purchase lies well before the entry (its goal is a purchase after entry).
      await worker.query(
        'UPDATE purchases SET purchased_at = purchased_at - ? WHERE member_id = ?',
        10 * DAY,
        member.id,
      )
      await Promise.all([worker.scheduled(), worker.scheduled()])
      await worker.scheduled()
      const runs = await worker.query<{ occurrence: string; next_due_at: number | null }>(
        'SELECT occurrence, next_due_at FROM journey_runs WHERE journey_id = ?',
        template.id,
      )
      expect(runs).toHaveLength(1)
      expect(runs[0]!.occurrence).toMatch(/^tierdrop:\d+$/)
      // The step goes at 11:00 shop time: make it due now, then it goes once.
      await worker.query(
        'UPDATE journey_runs SET next_due_at = ?, scheduled_at = ? WHERE journey_id = ?',
        Date.now() - 1000,
        Date.now() - 1000,
        template.id,
      )
      await Promise.all([worker.scheduled(), worker.scheduled()])
      await worker.scheduled()
      const pushes = line
        .received(user.userId)
        .filter((r) => r.via === 'push' && JSON.stringify(r.message).includes('このままですと'))
      expect(pushes).toHaveLength(1)
      expect(JSON.stringify(pushes[0])).toContain('湊さま')
      expect(JSON.stringify(pushes[0])).toContain('シルバー')
    },
    TIMEOUT,
  )

  it(
    "tier drop: a threshold raised after the pass looked moves the member's drop into the scanned window — the change enters her once",
    async () => {
      const { line, worker, api, owner } = await startWorkerWorld(bundle!)
      const user = line.createUser({ displayName: '澪' })
      await line.follow(user.userId)
      let members: { id: number; member_number: string }[] = []
      for (let i = 0; i < 30 && members.length === 0; i++) {
        await worker.scheduled()
        members = await worker.query(
          'SELECT id, member_number FROM members WHERE line_user_id = ?',
          user.userId,
        )
      }
      const member = members[0]!
      const list = await api<{ journeys: JourneySummary[] }>('GET', '/api/staff/journeys', owner())
      const template = list.body.journeys.find((j) => j.templateKey === 'tier_drop')!
      expect(
        (
          await api('PUT', `/api/staff/journeys/${template.id}/enabled`, owner(), {
            enabled: true,
          })
        ).status,
      ).toBe(200)
      // 5,000円 then 30,000円: シルバー (30,000円〜), held until the 30,000円 purchase ages out.
      for (const amountYen of [5_000, 30_000])
        expect(
          (
            await api('POST', '/api/staff/register/purchases', owner(), {
              memberNumber: member.member_number,
              amountYen,
              categories: [],
            })
          ).status,
        ).toBe(201)
      // workerd's clock cannot be moved: the 5,000円 purchase is dated 355 days back, so it ages
      // out in about 10 days — inside the 14 days the pass has already looked at.
      const DAY = 24 * 3600_000
      await worker.query(
        'UPDATE purchases SET purchased_at = ? WHERE member_id = ? AND amount_yen = 5000',
        Date.now() - 355 * DAY,
        member.id,
      )
      const dropAt = async () =>
        (
          await worker.query<{ at: number | null }>(
            'SELECT tier_drops_at AS at FROM member_purchase_cycles WHERE member_id = ?',
            member.id,
          )
        )[0]?.at ?? null
      let before: number | null = null
      for (let i = 0; i < 30 && before === null; i++) {
        await worker.scheduled()
        before = await dropAt()
      }
      expect(before!).toBeGreaterThan(Date.now() + 300 * DAY)
      await worker.scheduled()
      expect(
        await worker.query('SELECT id FROM journey_runs WHERE journey_id = ?', template.id),
      ).toEqual([])

      const raised = await api('PUT', '/api/staff/loyalty/tiers', owner(), {
        tiers: [
          { name: 'レギュラー', minSpendYen: 0, multiplierPercent: 100 },
          { name: 'シルバー', minSpendYen: 34_000, multiplierPercent: 120 },
          { name: 'ゴールド', minSpendYen: 100_000, multiplierPercent: 150 },
          { name: 'VIP', minSpendYen: 300_000, multiplierPercent: 200 },
        ],
      })
      expect(raised.status).toBe(200)
      let runs: { member_id: number; occurrence: string }[] = []
      for (let i = 0; i < 30 && runs.length === 0; i++) {
        await Promise.all([worker.scheduled(), worker.scheduled()])
        runs = await worker.query(
          'SELECT member_id, occurrence FROM journey_runs WHERE journey_id = ?',
          template.id,
        )
      }
      const after = (await dropAt())!
      expect(after).toBeLessThan(Date.now() + 14 * DAY)
      expect(after).toBeGreaterThan(Date.now())
      await worker.scheduled()
      expect(
        await worker.query(
          'SELECT member_id, occurrence FROM journey_runs WHERE journey_id = ?',
          template.id,
        ),
      ).toEqual([{ member_id: member.id, occurrence: `tierdrop:${after}` }])
    },
    TIMEOUT,
  )
})
