import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildWorkerBundle, type WorkerBundle } from './local-worker.ts'
import { startWorkerWorld } from './worker-world.ts'

/**
 * Coupons on workerd + local D1: the same conditional UPDATE redeems exactly once under 50
 * concurrent requests, and the D1 batch holds the total limit under parallel issues.
 */

const TIMEOUT = 90_000
let bundle: WorkerBundle | undefined

beforeAll(async () => {
  bundle = await buildWorkerBundle()
}, TIMEOUT)

afterAll(async () => {
  await bundle?.dispose()
})

describe('coupons on Workers + D1', () => {
  it(
    'redeems once under 50 concurrent requests and holds the total limit under 20 parallel issues',
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
      const numbers = (
        await worker.query<{ n: string }>('SELECT member_number AS n FROM members ORDER BY id')
      ).map((r) => r.n)

      // 20 parallel issues against total_limit 5: five coupons, the D1 batch's CHECK refuses the rest.
      const limited = await api('POST', '/api/staff/coupons/templates', owner(), {
        kind: 'percent_off',
        title: '先着5名 10%オフ',
        value: 10,
        validity: 'days',
        validDays: 7,
        totalLimit: 5,
        perMemberLimit: 20,
      })
      expect(limited.status).toBe(201)
      const issues = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          api('POST', `/api/staff/members/${numbers[i % 2]}/coupons`, owner(), {
            templateId: limited.body.id,
          }),
        ),
      )
      expect(issues.filter((r) => r.status === 201)).toHaveLength(5)
      expect(issues.filter((r) => r.body.error?.code === 'coupon_total_limit')).toHaveLength(15)
      expect(await worker.query('SELECT issued_count FROM coupon_templates')).toEqual([
        { issued_count: 5 },
      ])

      // 50 concurrent redemptions of one coupon: one conditional UPDATE wins.
      const coupon = issues.find((r) => r.status === 201)!.body as { id: number }
      const [row] = await worker.query<{ n: string }>(
        'SELECT m.member_number AS n FROM coupons c JOIN members m ON m.id = c.member_id WHERE c.id = ?',
        coupon.id,
      )
      const token = owner()
      const redeems = await Promise.all(
        Array.from({ length: 50 }, () =>
          api('POST', '/api/staff/register/coupons/redeem', token, {
            couponId: coupon.id,
            memberNumber: row?.n,
          }),
        ),
      )
      expect(redeems.filter((r) => r.status === 200)).toHaveLength(1)
      const refused = redeems.filter((r) => r.status === 409)
      expect(refused).toHaveLength(49)
      expect(new Set(refused.map((r) => r.body.error?.code))).toEqual(
        new Set(['coupon_already_redeemed']),
      )
      expect(
        await worker.query("SELECT count(*) AS n FROM coupons WHERE state = 'redeemed'"),
      ).toEqual([{ n: 1 }])
    },
    TIMEOUT,
  )

  it(
    'a typed short code redeems once when tills type it at once; unknown and used codes say so',
    async () => {
      const { line, worker, api, owner } = await startWorkerWorld(bundle!, { rateLimits: false })
      const user = line.createUser({ displayName: '花子' })
      await line.follow(user.userId)
      const deadline = Date.now() + 15_000
      while ((await worker.query('SELECT 1 FROM members')).length < 1) {
        if (Date.now() > deadline) throw new Error(`no member row\n${worker.logs()}`)
        await new Promise((r) => setTimeout(r, 50))
      }
      const [member] = await worker.query<{ n: string }>('SELECT member_number AS n FROM members')
      const template = await api('POST', '/api/staff/coupons/templates', owner(), {
        kind: 'yen_off',
        title: '200円引き',
        value: 200,
        validity: 'days',
        validDays: 7,
      })
      expect(template.status).toBe(201)
      const issued = await api('POST', `/api/staff/members/${member?.n}/coupons`, owner(), {
        templateId: template.body.id,
      })
      expect(issued.status).toBe(201)
      const [row] = await worker.query<{ c: string }>(
        'SELECT short_code AS c FROM coupons WHERE id = ?',
        issued.body.id,
      )
      const code = row?.c ?? ''
      expect(code).toMatch(/^[0-9ABCDEFGHJKMNPQRSTVWXYZ]{8}$/)

      const unknown = await api('POST', '/api/staff/register/coupons/redeem', owner(), {
        code: `${code.slice(0, 7)}${code.endsWith('Z') ? 'Y' : 'Z'}`,
      })
      expect(unknown.status).toBe(404)
      expect(unknown.body.error?.code).toBe('coupon_code_unknown')

      const token = owner()
      const typed = [`${code.slice(0, 4)}-${code.slice(4)}`.toLowerCase(), ` ${code} `]
      const redeems = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          api('POST', '/api/staff/register/coupons/redeem', token, { code: typed[i % 2] }),
        ),
      )
      expect(redeems.filter((r) => r.status === 200)).toHaveLength(1)
      const refused = redeems.filter((r) => r.status === 409)
      expect(refused).toHaveLength(19)
      for (const r of refused) {
        expect(r.body.error?.code).toBe('coupon_already_redeemed')
        expect(r.body.error?.message).toContain('使用済みです')
      }
      expect(
        await worker.query("SELECT count(*) AS n FROM coupons WHERE state = 'redeemed'"),
      ).toEqual([{ n: 1 }])
      expect(
        await worker.query(
          "SELECT count(*) AS n FROM domain_events WHERE type = 'coupon.redeemed'",
        ),
      ).toEqual([{ n: 1 }])
    },
    TIMEOUT,
  )
})
