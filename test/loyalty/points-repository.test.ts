import { describe, expect, it } from 'vitest'
import { createUnitOfWork } from '../../server/src/db/unit-of-work.ts'
import { createPointsRepository } from '../../server/src/db/repositories/points-repository.ts'
import { memoryDatabase } from '../support/memory-db.ts'
import { seedMembers } from '../support/seed.ts'

const DAY = 86_400_000
const T0 = 1_800_000_000_000

function setup() {
  const { sqlite, db, atomic } = memoryDatabase()
  seedMembers(sqlite, 1)
  const points = createPointsRepository(db)
  const uow = createUnitOfWork(db, atomic, { now: () => T0 })
  const commit = (writes: Parameters<typeof uow.commit>[0]) => uow.commit(writes)
  const grant = async (n: number, expiresAt: number, key: string) =>
    commit(
      points.grantWrites({
        memberId: 1,
        points: n,
        kind: 'grant',
        expiresAt,
        dedupeKey: key,
        now: T0,
      }),
    )
  const lots = () =>
    sqlite.prepare('select ledger_id, remaining from point_lots order by ledger_id').all()
  return { sqlite, db, commit, points, grant, lots }
}

describe('points repository: spendWrites', () => {
  it('plans a spend over the oldest-expiring lots first, with one ledger row', async () => {
    const { commit, points, grant, lots, sqlite } = setup()
    await grant(100, T0 + 30 * DAY, 'a') // ledger 1, expires later
    await grant(50, T0 + 10 * DAY, 'b') // ledger 2, expires first
    const statements = await points.spendWrites({
      memberId: 1,
      points: 70,
      kind: 'redeem',
      reason: 'クーポン交換',
      couponId: 9,
      now: T0 + DAY,
    })
    await commit(statements)
    expect(lots()).toEqual([
      { ledger_id: 1, remaining: 80 },
      { ledger_id: 2, remaining: 0 },
    ])
    expect(await points.balance(1, T0 + DAY)).toBe(80)
    expect(await points.storedBalance(1)).toBe(80)
    expect(await points.ledgerSum(1)).toBe(80)
    expect(
      sqlite
        .prepare("select points, coupon_id, reason from point_ledger where kind = 'redeem'")
        .all(),
    ).toEqual([{ points: -70, coupon_id: 9, reason: 'クーポン交換' }])
  })

  it('never plans over expired lots and refuses more than is left', async () => {
    const { points, grant } = setup()
    await grant(100, T0 + 10 * DAY, 'a')
    await grant(20, T0 + 40 * DAY, 'b')
    expect(await points.balance(1, T0 + 20 * DAY)).toBe(20)
    await expect(
      points.spendWrites({ memberId: 1, points: 21, kind: 'redeem', now: T0 + 20 * DAY }),
    ).rejects.toMatchObject({ code: 'not_enough_points', status: 409 })
  })

  it('makes a stale plan fail the whole batch on the CHECK (a concurrent spend got there first)', async () => {
    const { commit, points, grant, sqlite } = setup()
    await grant(10, T0 + 10 * DAY, 'a')
    const first = await points.spendWrites({ memberId: 1, points: 8, kind: 'redeem', now: T0 })
    const second = await points.spendWrites({ memberId: 1, points: 8, kind: 'redeem', now: T0 })
    await commit(first)
    await expect(commit(second)).rejects.toThrow(/CHECK constraint failed/)
    expect(await points.storedBalance(1)).toBe(2)
    expect(
      sqlite.prepare("select count(*) as n from point_ledger where kind = 'redeem'").get(),
    ).toEqual({
      n: 1,
    })
  })

  it('a plan for a lot that expired before commit fails instead of spending expired points', async () => {
    const { commit, points, grant } = setup()
    await grant(10, T0 + DAY, 'a')
    const plan = await points.spendWrites({ memberId: 1, points: 5, kind: 'redeem', now: T0 })
    // Re-planned "now" is what the statement compares against: plan at T0, commit a plan at T0+2d.
    const late = await points
      .spendWrites({ memberId: 1, points: 5, kind: 'redeem', now: T0 + 2 * DAY })
      .catch((e: unknown) => e)
    expect(late).toMatchObject({ code: 'not_enough_points' })
    await commit(plan)
    expect(await points.storedBalance(1)).toBe(5)
  })
})
