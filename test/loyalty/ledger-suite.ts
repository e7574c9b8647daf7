import { expect } from 'vitest'
import type { Atomic } from '../../server/src/db/atomic.ts'
import type { Database } from '../../server/src/db/database.ts'
import { createPointsRepository } from '../../server/src/db/repositories/points-repository.ts'
import { createUnitOfWork } from '../../server/src/db/unit-of-work.ts'
import {
  checkLedger,
  expirePoints,
  grantPoints,
  spendPoints,
  type LedgerDeps,
} from '../../server/src/domain/loyalty/ledger.ts'

/**
 * The ledger suite both runtimes run (better-sqlite3 in-process, D1 on workerd): the same
 * repository code against each driver, as drizzle's own suites do.
 */

export const DAY = 86_400_000
export const T0 = 1_800_000_000_000

export function ledgerOn(db: Database, atomic: Atomic, now: () => number) {
  const points = createPointsRepository(db)
  const deps: LedgerDeps = { points, uow: createUnitOfWork(db, atomic, { now }), now }
  return { points, deps }
}

/** 20 spends of 10 at once against 50 points: exactly 5 succeed, the rest are refused. */
export async function concurrentSpends(
  db: Database,
  atomic: Atomic,
  memberId: number,
): Promise<void> {
  const { points, deps } = ledgerOn(db, atomic, () => T0)
  await grantPoints(deps, {
    memberId,
    points: 30,
    kind: 'grant',
    expiresAt: T0 + 10 * DAY,
    dedupeKey: `g1:${memberId}`,
  })
  await grantPoints(deps, {
    memberId,
    points: 20,
    kind: 'grant',
    expiresAt: T0 + 20 * DAY,
    dedupeKey: `g2:${memberId}`,
  })
  const results = await Promise.allSettled(
    Array.from({ length: 20 }, (_, i) =>
      spendPoints(deps, { memberId, points: 10, kind: 'redeem', reason: `spend ${i}` }),
    ),
  )
  const ok = results.filter((r) => r.status === 'fulfilled')
  const refused = results.filter((r) => r.status === 'rejected')
  expect(ok).toHaveLength(5)
  for (const r of refused)
    expect((r as PromiseRejectedResult).reason).toMatchObject({ code: 'not_enough_points' })
  expect(await points.storedBalance(memberId)).toBe(0)
  expect(await points.balance(memberId, T0)).toBe(0)
  expect(await checkLedger(deps, memberId)).toMatchObject({ ok: true, ledgerSum: 0 })
}

/** A tiny seeded PRNG (mulberry32): the same steps on every run. */
export function rng(seed: number) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

interface ModelLot {
  id: number
  remaining: number
  expiresAt: number
  expired: boolean
}

/**
 * Random grants, spends and clock jumps against a model of FIFO lots. After every step: ledger
 * sum = stored balance, spendable = the model's live lots, and each expiry wrote exactly what the
 * model says was left in the lots it expired.
 */
export async function fifoProperty(
  db: Database,
  atomic: Atomic,
  memberId: number,
  seed: number,
  steps: number,
): Promise<void> {
  let now = T0
  const { points, deps } = ledgerOn(db, atomic, () => now)
  const random = rng(seed)
  const model: ModelLot[] = []
  let grants = 0
  for (let step = 0; step < steps; step++) {
    const roll = random()
    if (roll < 0.35) {
      const n = 1 + Math.floor(random() * 100)
      const expiresAt = now + (1 + Math.floor(random() * 60)) * DAY
      grants++
      await grantPoints(deps, {
        memberId,
        points: n,
        kind: 'grant',
        expiresAt,
        dedupeKey: `p:${memberId}:${grants}`,
      })
      // Ledger IDs grow in insertion order, so the grant count orders lots as the database does.
      model.push({ id: grants, remaining: n, expiresAt, expired: false })
    } else if (roll < 0.75) {
      const live = model.filter((l) => !l.expired && l.expiresAt > now && l.remaining > 0)
      const available = live.reduce((s, l) => s + l.remaining, 0)
      const want = 1 + Math.floor(random() * 120)
      if (want > available) {
        await expect(
          spendPoints(deps, { memberId, points: want, kind: 'redeem' }),
        ).rejects.toMatchObject({ code: 'not_enough_points' })
      } else {
        await spendPoints(deps, { memberId, points: want, kind: 'redeem' })
        let left = want
        for (const lot of [...live].sort((a, b) => a.expiresAt - b.expiresAt || a.id - b.id)) {
          const take = Math.min(left, lot.remaining)
          lot.remaining -= take
          left -= take
          if (left === 0) break
        }
      }
    } else if (roll < 0.9) {
      now += Math.floor(random() * 20 * DAY)
    } else {
      const due = model.filter((l) => !l.expired && l.expiresAt <= now && l.remaining > 0)
      const expected = due.reduce((s, l) => s + l.remaining, 0)
      const result = await expirePoints(deps, now)
      expect(result).toEqual({ lots: due.length, points: expected })
      for (const lot of due) {
        lot.expired = true
        lot.remaining = 0
      }
      // Idempotent: a second run right after writes nothing.
      expect(await expirePoints(deps, now)).toEqual({ lots: 0, points: 0 })
    }
    const check = await checkLedger(deps, memberId)
    expect(check.ok, `step ${step}: ${JSON.stringify(check)}`).toBe(true)
    const live = model.filter((l) => l.expiresAt > now).reduce((s, l) => s + l.remaining, 0)
    expect(await points.balance(memberId, now), `step ${step}`).toBe(live)
    const stored = model.reduce((s, l) => s + l.remaining, 0)
    expect(await points.storedBalance(memberId), `step ${step}`).toBe(stored)
  }
}
