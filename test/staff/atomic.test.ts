import { eq, sql } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { members, pointBalances } from '../../server/src/db/schema.ts'
import { memoryDatabase } from '../support/memory-db.ts'
import { seedMembers } from '../support/seed.ts'

describe('atomic batches (better-sqlite3)', () => {
  it('commit every statement, or none when a CHECK fails', async () => {
    const { sqlite, db, atomic } = memoryDatabase()
    seedMembers(sqlite, 1)
    await atomic([
      db.insert(pointBalances).values({ memberId: 1, balance: 10, updatedAt: 1 }),
      db.update(members).set({ displayName: 'A' }).where(eq(members.id, 1)),
    ])
    await expect(
      atomic([
        db.update(members).set({ displayName: 'B' }).where(eq(members.id, 1)),
        db
          .update(pointBalances)
          .set({ balance: sql`${pointBalances.balance} - 11` })
          .where(eq(pointBalances.memberId, 1)),
      ]),
    ).rejects.toThrow(/CHECK constraint failed/)
    expect(sqlite.prepare('select display_name as n from members').get()).toEqual({ n: 'A' })
    expect(sqlite.prepare('select balance from point_balances').get()).toEqual({ balance: 10 })
  })
})
