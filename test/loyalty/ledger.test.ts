import { describe, expect, it } from 'vitest'
import { memoryDatabase } from '../support/memory-db.ts'
import { seedMembers } from '../support/seed.ts'
import { concurrentSpends, DAY, fifoProperty, ledgerOn, T0 } from './ledger-suite.ts'
import { expirePoints, grantPoints, spendPoints } from '../../server/src/domain/loyalty/ledger.ts'

describe('points ledger (better-sqlite3)', () => {
  it('20 concurrent spends against a balance for 5: exactly 5 succeed, never negative', async () => {
    const { sqlite, db, atomic } = memoryDatabase()
    seedMembers(sqlite, 1)
    await concurrentSpends(db, atomic, 1)
    expect(
      sqlite.prepare("select count(*) as n from point_ledger where kind = 'redeem'").get(),
    ).toEqual({
      n: 5,
    })
  })

  it.each([1, 2, 3])('FIFO expiry property holds over 300 random steps (seed %i)', async (seed) => {
    const { sqlite, db, atomic } = memoryDatabase()
    seedMembers(sqlite, 1)
    await fifoProperty(db, atomic, 1, seed, 300)
  })

  it('expiry writes one entry per lot and spends never touch an expired lot', async () => {
    const { sqlite, db, atomic } = memoryDatabase()
    seedMembers(sqlite, 1)
    let now = T0
    const { points, deps } = ledgerOn(db, atomic, () => now)
    await grantPoints(deps, {
      memberId: 1,
      points: 40,
      kind: 'grant',
      expiresAt: T0 + DAY,
      dedupeKey: 'a',
    })
    await grantPoints(deps, {
      memberId: 1,
      points: 60,
      kind: 'grant',
      expiresAt: T0 + 9 * DAY,
      dedupeKey: 'b',
    })
    await spendPoints(deps, { memberId: 1, points: 30, kind: 'redeem' })
    now = T0 + 2 * DAY
    // Lot a has 10 left but expired: only b's 60 can be spent.
    await expect(
      spendPoints(deps, { memberId: 1, points: 61, kind: 'redeem' }),
    ).rejects.toMatchObject({
      code: 'not_enough_points',
    })
    expect(await expirePoints(deps, now)).toEqual({ lots: 1, points: 10 })
    expect(
      sqlite
        .prepare("select points, dedupe_key as k from point_ledger where kind = 'expire'")
        .all(),
    ).toEqual([{ points: -10, k: 'expire:lot:1' }])
    expect(await points.storedBalance(1)).toBe(60)
  })
})
