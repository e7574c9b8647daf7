import { sql } from 'drizzle-orm'
import { expect } from 'vitest'
import { createEventStore } from '../../server/src/db/repositories/event-repository.ts'
import { createKpiStore } from '../../server/src/db/repositories/kpi-repository.ts'
import { purchases } from '../../server/src/db/schema.ts'
import { createUnitOfWork } from '../../server/src/db/unit-of-work.ts'
import { deliverEvents, type EventRelayDeps } from '../../server/src/domain/event-relay/relay.ts'
import { twelveMonthsEnding } from '../../server/src/domain/kpis/calendar.ts'
import { computeKpis } from '../../server/src/domain/kpis/kpis.ts'
import { kpiRollupSubscriber, rebuildKpiRollups } from '../../server/src/domain/kpis/rollups.ts'
import { silentLogger, webIds } from '../../server/src/domain/ports.ts'
import type { Driver } from '../events/event-suite.ts'

/**
 * The KPI definitions on a hand-built shop whose answers are worked out by hand (below), and the
 * rollups against a full rebuild; written once, run on better-sqlite3 (test/kpis/) and on
 * workerd's local D1 (test/workers/kpis-d1.test.ts).
 */

const TZ = 'Asia/Tokyo'
/** An instant given as a JST wall-clock time. */
const jst = (local: string) => Date.parse(`${local.replace(' ', 'T')}:00+09:00`)

class Clock {
  constructor(public ms = jst('2026-04-02 09:00')) {}
  now = () => this.ms
}

export function kpiWorld(driver: Driver) {
  const clock = new Clock()
  const uow = createUnitOfWork(driver.db, driver.atomic, clock)
  const kpis = createKpiStore(driver.db, driver.atomic)
  const deps = { kpis, uow, timeZone: TZ }
  const relay: EventRelayDeps = {
    store: createEventStore(driver.db, driver.atomic),
    subscribers: [kpiRollupSubscriber(deps)],
    clock,
    ids: webIds,
    logger: silentLogger,
  }
  let nextPurchase = 1
  return {
    clock,
    uow,
    kpis,
    deps,
    relay,
    async member(id: number, state: 'following' | 'blocked') {
      const at = jst('2025-01-01 10:00')
      await driver.db.run(sql`INSERT INTO members (id, line_user_id, member_number, follow_state,
        follow_state_at, first_followed_at, blocked_at, created_at, updated_at)
        VALUES (${id}, ${`U${String(id).padStart(32, '0')}`}, ${`M${id}`}, ${state}, ${at}, ${at},
          ${state === 'blocked' ? at : null}, ${at}, ${at})`)
    },
    /** A purchase and its purchase.recorded event in one commit, as the loyalty commands do. */
    async purchase(memberId: number, local: string, amountYen: number): Promise<number> {
      const id = nextPurchase++
      const purchasedAt = jst(local)
      await uow.commit([
        driver.db.insert(purchases).values({
          id,
          memberId,
          amountYen,
          purchasedAt,
          source: 'register',
          createdAt: clock.now(),
        }),
        uow.event({
          type: 'purchase.recorded',
          memberId,
          data: { purchaseId: id, amountYen, source: 'register', purchasedAt, pointsGranted: 0 },
          occurredAt: purchasedAt,
        }),
      ])
      return id
    },
    async refund(memberId: number, purchaseId: number) {
      const [row] = await driver.query<{ amount_yen: number }>(
        'select amount_yen from purchases where id = ?',
        purchaseId,
      )
      await uow.commit([
        driver.db
          .update(purchases)
          .set({ status: 'refunded', refundedAt: clock.now() })
          .where(sql`id = ${purchaseId}`),
        uow.event({
          type: 'purchase.refunded',
          memberId,
          data: { purchaseId, amountYen: row?.amount_yen ?? 0, pointsReversed: 0 },
          occurredAt: clock.now(),
        }),
      ])
    },
    /** Hands every recorded event to the rollup subscriber. */
    async drain() {
      while ((await deliverEvents(relay, 500)) > 0);
    },
    async rollups() {
      return {
        days: await driver.query<Record<string, unknown>>(
          'select member_id, day, purchases, revenue_yen from kpi_member_days order by member_id, day',
        ),
        members: await driver.query<Record<string, unknown>>(
          'select member_id, first_day, last_day from kpi_members order by member_id',
        ),
      }
    },
    kpisFor: (from: string, to: string, dormantDays = 90) =>
      computeKpis(kpis, { from, to, dormantDays, timeZone: TZ }),
  }
}

/**
 * The hand-built shop (all times JST). Comments give each member's role in the answers.
 *
 * M1  following  2025-04-15 ¥1,000 · 2026-03-05 ¥2,000 · 2026-03-20 ¥3,000 · 2026-03-20 ¥100
 * M2  following  2026-03-01 00:30 ¥1,500 (UTC: Feb 28) · 2026-03-31 23:59 ¥2,500
 * M3  blocked    2025-10-10 ¥4,000 · 2026-03-10 ¥500 refunded
 * M4  following  2026-04-01 00:10 ¥9,000 (after `to`; UTC: Mar 31)
 * M5  following  2025-04-01 00:05 ¥800 (first day of the LTV window; UTC: Mar 31)
 * M6  blocked    2025-12-15 ¥1,200 · 2025-12-20 ¥1,300
 * M7  following  2026-02-10 ¥601 · 2026-03-15 ¥600
 * M8  following  2025-12-31 00:20 ¥301 (exactly 90 days before Mar 31; UTC: Dec 30)
 * M9  following  2025-12-30 23:59 ¥350 (91 days before Mar 31)
 * M10 following  2026-01-31 23:59 ¥1,000 · 2026-02-01 00:01 ¥1,000 (UTC: Jan 31)
 * M11 blocked    2025-03-31 23:59 ¥5,000 (the day before the LTV window)
 * M12 following  2026-01-05 ¥1,003
 * M13 following  no purchase
 */
export async function handBuiltShop(driver: Driver) {
  const w = kpiWorld(driver)
  const blocked = new Set([3, 6, 11])
  for (let id = 1; id <= 13; id++) await w.member(id, blocked.has(id) ? 'blocked' : 'following')
  await w.purchase(1, '2025-04-15 10:00', 1000)
  await w.purchase(1, '2026-03-05 12:00', 2000)
  await w.purchase(1, '2026-03-20 18:00', 3000)
  await w.purchase(1, '2026-03-20 20:00', 100)
  await w.purchase(2, '2026-03-01 00:30', 1500)
  await w.purchase(2, '2026-03-31 23:59', 2500)
  await w.purchase(3, '2025-10-10 15:00', 4000)
  const refunded = await w.purchase(3, '2026-03-10 13:00', 500)
  await w.purchase(4, '2026-04-01 00:10', 9000)
  await w.purchase(5, '2025-04-01 00:05', 800)
  await w.purchase(6, '2025-12-15 11:00', 1200)
  await w.purchase(6, '2025-12-20 11:00', 1300)
  await w.purchase(7, '2026-02-10 12:00', 601)
  await w.purchase(7, '2026-03-15 12:00', 600)
  await w.purchase(8, '2025-12-31 00:20', 301)
  await w.purchase(9, '2025-12-30 23:59', 350)
  await w.purchase(10, '2026-01-31 23:59', 1000)
  await w.purchase(10, '2026-02-01 00:01', 1000)
  await w.purchase(11, '2025-03-31 23:59', 5000)
  await w.purchase(12, '2026-01-05 09:00', 1003)
  await w.drain()
  // The refund after the purchase's event was handled: the subscriber takes the day back out.
  await w.refund(3, refunded)
  await w.drain()
  return w
}

/** Every field for March 2026, worked out by hand from the table above. */
export async function everyFieldOnTheHandBuiltShop(driver: Driver) {
  const w = await handBuiltShop(driver)
  const march = await w.kpisFor('2026-03-01', '2026-03-31')
  expect(march).toEqual({
    from: '2026-03-01',
    to: '2026-03-31',
    timeZone: TZ,
    // M1 (4 purchases… 3 in March: ¥5,100), M2 (2: ¥4,000, both JST edges in), M7 (1: ¥600).
    // Not M3 (refunded), not M4 (Apr 1 00:10 JST).
    buyers: 3,
    repeatBuyers: 2,
    repeatRate: 2 / 3,
    purchases: 6,
    revenueYen: 9700,
    // M1 (2025-04-15) and M7 (Feb 10); M2's first purchase is Mar 1 in JST.
    returningBuyers: 2,
    // Last purchase on or before 2025-12-30: M3 (blocked; the refund does not count), M5, M6
    // (blocked), M9, M11 (blocked). M8 is exactly 90 days: not dormant. M4 has none by `to`.
    dormant: 5,
    dormantDays: 90,
    // 2025-04-01 … 2026-03-31: M5 800, M8 301, M9 350, M12 1003, M7 1201, M10 2000, M6 2500,
    // M3 4000, M2 4000, M1 6100 → n = 10, sum 22,255: mean 2,225.5 → 2,226; median
    // (1,201 + 2,000) / 2 = 1,600.5 → 1,601 (half up). M11 (Mar 31) and M4 (Apr 1) are outside.
    ltv12mYen: { mean: 2226, median: 1601, from: '2025-04-01', to: '2026-03-31', buyers: 10 },
    cohorts: [
      // M1 and M5 (Apr 1 00:05 JST); M1 came back in March 2026 (k = 11).
      { month: '2025-04', size: 2, retained: [2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1] },
      { month: '2025-10', size: 1, retained: [1, 0, 0, 0, 0, 0] },
      { month: '2025-12', size: 3, retained: [3, 0, 0, 0] },
      // M10 (Jan 31 23:59) and M12; M10 again Feb 1 00:01 JST.
      { month: '2026-01', size: 2, retained: [2, 1, 0] },
      { month: '2026-02', size: 1, retained: [1, 1] },
      { month: '2026-03', size: 1, retained: [1] },
    ],
  })

  const february = await w.kpisFor('2026-02-01', '2026-02-28')
  expect(february).toMatchObject({
    // M7 (Feb 10 ¥601) and M10 (Feb 1 00:01 JST ¥1,000); M2's Mar 1 00:30 JST is not February.
    buyers: 2,
    repeatBuyers: 0,
    repeatRate: 0,
    purchases: 2,
    revenueYen: 1601,
    // M10 had bought on Jan 31.
    returningBuyers: 1,
    // Last purchase on or before 2025-11-29 (of those by Feb 28): M1 (2025-04-15; its March
    // purchases are after `to`), M3, M5, M11.
    dormant: 4,
  })
  expect(february.cohorts.map((c) => [c.month, c.size, c.retained])).toEqual([
    // M11's Mar 31 23:59 JST purchase: March 2025 is in the window ending February 2026.
    ['2025-03', 1, [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]],
    ['2025-04', 2, [2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]],
    ['2025-10', 1, [1, 0, 0, 0, 0]],
    ['2025-12', 3, [3, 0, 0]],
    ['2026-01', 2, [2, 1]],
    ['2026-02', 1, [1]],
  ])
  // The shop's dormancy setting moves the line: at 91 days M8 is still active, M9 is not.
  expect((await w.kpisFor('2026-03-01', '2026-03-31', 91)).dormant).toBe(4)
  expect((await w.kpisFor('2026-03-01', '2026-03-31', 89)).dormant).toBe(6)

  // Nobody bought: no rate, no LTV, no cohorts.
  expect(await w.kpisFor('2024-01-01', '2024-01-01')).toEqual({
    from: '2024-01-01',
    to: '2024-01-01',
    timeZone: TZ,
    buyers: 0,
    repeatBuyers: 0,
    repeatRate: null,
    purchases: 0,
    revenueYen: 0,
    returningBuyers: 0,
    dormant: 0,
    dormantDays: 90,
    ltv12mYen: { mean: null, median: null, from: '2023-01-02', to: '2024-01-01', buyers: 0 },
    cohorts: [],
  })
  // One buyer in the 12 months: mean = median = their total.
  expect((await w.kpisFor('2025-04-01', '2025-04-01')).ltv12mYen).toMatchObject({
    mean: 2900,
    median: 2900,
    buyers: 2,
  })
}

/** The subscriber's rollups equal a full rebuild, after purchases and a refund. */
export async function rebuildReproducesTheRollups(driver: Driver) {
  const w = await handBuiltShop(driver)
  const kept = await w.rollups()
  expect(kept.days.length).toBeGreaterThan(10)
  // M3's refunded day is gone; M4's Apr 1 purchase is on Apr 1.
  expect(kept.days).not.toContainEqual(expect.objectContaining({ member_id: 3, day: '2026-03-10' }))
  expect(kept.days).toContainEqual({
    member_id: 4,
    day: '2026-04-01',
    purchases: 1,
    revenue_yen: 9000,
  })
  expect(kept.days).toContainEqual({
    member_id: 1,
    day: '2026-03-20',
    purchases: 2,
    revenue_yen: 3100,
  })
  await driver.db.run(sql`DELETE FROM kpi_member_days`)
  await driver.db.run(sql`DELETE FROM kpi_members`)
  await rebuildKpiRollups(w.deps)
  expect(await w.rollups()).toEqual(kept)
}

/** A seeded pseudo-random generator (mulberry32), so a failing sequence can be replayed. */
function random(seed: number) {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * Property: after random sequences of purchases and refunds (around JST midnights and month
 * ends), with the events handled in random batches, redelivered and out of order, the rollups
 * equal a full rebuild and the KPIs equal a brute-force recomputation from the purchases.
 */
/** Ends of the 12-month spend windows the property asks for (month ends and a mid-month day). */
const LTV_ENDS = ['2025-12-31', '2026-01-31', '2026-02-28', '2026-03-01', '2026-01-15'] as const

export async function rollupsEqualRecomputationAfterRandomEvents(driver: Driver, seeds: number[]) {
  for (const seed of seeds) {
    await driver.db.run(sql`DELETE FROM kpi_member_days`)
    await driver.db.run(sql`DELETE FROM kpi_members`)
    await driver.db.run(sql`DELETE FROM kpi_spend_windows`)
    await driver.db.run(sql`DELETE FROM event_cursors`)
    await driver.db.run(sql`DELETE FROM domain_events`)
    await driver.db.run(sql`DELETE FROM purchases`)
    await driver.db.run(sql`DELETE FROM member_rfm`)
    await driver.db.run(sql`DELETE FROM members`)
    const w = kpiWorld(driver)
    const rnd = random(seed)
    const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)] as T
    for (let id = 1; id <= 8; id++) await w.member(id, rnd() < 0.3 ? 'blocked' : 'following')
    const days = [
      '2025-11-30',
      '2025-12-01',
      '2025-12-31',
      '2026-01-01',
      '2026-01-31',
      '2026-02-28',
      '2026-03-01',
    ]
    const times = ['00:00', '00:01', '08:59', '09:00', '12:00', '23:59']
    const live: { id: number; memberId: number }[] = []
    const handled = new Set<number>()
    for (let step = 0; step < 40; step++) {
      if (live.length > 0 && rnd() < 0.25) {
        const p = live.splice(Math.floor(rnd() * live.length), 1)[0]!
        await w.refund(p.memberId, p.id)
      } else {
        const memberId = 1 + Math.floor(rnd() * 8)
        const id = await w.purchase(
          memberId,
          `${pick(days)} ${pick(times)}`,
          100 + Math.floor(rnd() * 5000),
        )
        live.push({ id, memberId })
      }
      if (rnd() < 0.3) await deliverEvents(w.relay, 1 + Math.floor(rnd() * 5))
      // Ask for the KPIs now and then, so stored 12-month spend distributions exist when later
      // purchases and refunds land in their windows.
      if (rnd() < 0.25) await w.kpisFor('2026-01-01', pick(LTV_ENDS))
      // At least once: some events handed to the subscriber again, out of order.
      if (rnd() < 0.2) {
        const [old] = await driver.query<{ id: number }>(
          'select id from domain_events order by random() limit 1',
        )
        if (old) handled.add(old.id)
      }
    }
    await w.drain()
    // Redeliver a few events straight to the handler, as a retry after a lost cursor would.
    const subscriber = w.relay.subscribers[0]!
    for (const id of handled) {
      const [row] = await driver.query<{
        type: string
        member_id: number
        data: string
        occurred_at: number
        recorded_at: number
      }>(
        'select type, member_id, data, occurred_at, recorded_at from domain_events where id = ?',
        id,
      )
      if (!row) continue
      await subscriber.handle({
        id,
        type: row.type,
        memberId: row.member_id,
        data: JSON.parse(row.data),
        occurredAt: row.occurred_at,
        recordedAt: row.recorded_at,
      } as never)
    }
    // The 12-month spend (stored distributions included) against the purchases themselves.
    for (const to of LTV_ENDS) {
      const rows = await driver.query<{
        member_id: number
        amount_yen: number
        purchased_at: number
      }>("select member_id, amount_yen, purchased_at from purchases where status = 'completed'")
      const jstDay = (at: number) => new Date(at + 9 * 3_600_000).toISOString().slice(0, 10)
      const window = twelveMonthsEnding(to)
      const totals = new Map<number, number>()
      for (const r of rows) {
        const day = jstDay(r.purchased_at)
        if (day >= window.from && day <= window.to)
          totals.set(r.member_id, (totals.get(r.member_id) ?? 0) + r.amount_yen)
      }
      const sorted = [...totals.values()].sort((a, b) => a - b)
      const half = (a: number, b: number) => Math.floor((2 * a + b) / (2 * b))
      const sum = sorted.reduce((s, v) => s + v, 0)
      const middle =
        sorted.length === 0
          ? null
          : half(
              sorted[Math.floor((sorted.length - 1) / 2)]! + sorted[Math.floor(sorted.length / 2)]!,
              2,
            )
      const { ltv12mYen } = await w.kpisFor('2026-01-01', to)
      expect(
        [ltv12mYen.buyers, ltv12mYen.mean, ltv12mYen.median],
        `seed ${seed} LTV to ${to}`,
      ).toEqual([sorted.length, sorted.length === 0 ? null : half(sum, sorted.length), middle])
    }

    const kept = await w.rollups()
    await driver.db.run(sql`DELETE FROM kpi_member_days`)
    await driver.db.run(sql`DELETE FROM kpi_members`)
    await rebuildKpiRollups(w.deps)
    expect(await w.rollups(), `seed ${seed}`).toEqual(kept)

    // The KPIs against a brute-force count over the purchases themselves.
    const rows = await driver.query<{
      member_id: number
      amount_yen: number
      purchased_at: number
    }>("select member_id, amount_yen, purchased_at from purchases where status = 'completed'")
    const dayOf = (at: number) => new Date(at + 9 * 3_600_000).toISOString().slice(0, 10)
    for (const [from, to] of [
      ['2025-12-01', '2025-12-31'],
      ['2026-01-01', '2026-02-28'],
      ['2025-11-30', '2026-03-01'],
    ] as const) {
      const inPeriod = rows.filter(
        (r) => dayOf(r.purchased_at) >= from && dayOf(r.purchased_at) <= to,
      )
      const perMember = new Map<number, number>()
      for (const r of inPeriod) perMember.set(r.member_id, (perMember.get(r.member_id) ?? 0) + 1)
      const before = new Set(
        rows.filter((r) => dayOf(r.purchased_at) < from).map((r) => r.member_id),
      )
      const k = await w.kpisFor(from, to)
      expect(
        [k.buyers, k.repeatBuyers, k.purchases, k.revenueYen, k.returningBuyers],
        `seed ${seed} ${from}…${to}`,
      ).toEqual([
        perMember.size,
        [...perMember.values()].filter((c) => c >= 2).length,
        inPeriod.length,
        inPeriod.reduce((s, r) => s + r.amount_yen, 0),
        [...perMember.keys()].filter((m) => before.has(m)).length,
      ])
    }
  }
}
