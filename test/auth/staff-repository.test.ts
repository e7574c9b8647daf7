import Sqlite from 'better-sqlite3'
import { drizzle } from 'drizzle-orm/better-sqlite3'
import { migrate } from 'drizzle-orm/better-sqlite3/migrator'
import { beforeEach, describe, expect, it } from 'vitest'
import { MIGRATIONS_DIR } from '../../server/src/db/node-sqlite.ts'
import { createAuditLog } from '../../server/src/db/repositories/audit-repository.ts'
import { createStaffRepository } from '../../server/src/db/repositories/staff-repository.ts'
import { schema } from '../../server/src/db/schema.ts'
import { webIds } from '../../server/src/domain/ports.ts'
import { LastOwner } from '../../server/src/domain/staff/errors.ts'
import {
  changeRole,
  removeStaff,
  type StaffDeps,
  type StaffRepository,
} from '../../server/src/domain/staff/staff.ts'

/** The conditional statements that keep staff changes race-free, on a real SQLite database. */

let sqlite: Sqlite.Database
let repo: StaffRepository
let deps: StaffDeps
const now = 1_800_000_000_000

beforeEach(() => {
  sqlite = new Sqlite(':memory:')
  const db = drizzle(sqlite, { schema })
  migrate(db, { migrationsFolder: MIGRATIONS_DIR })
  repo = createStaffRepository(db)
  deps = { staff: repo, audit: createAuditLog(db), ids: webIds, now: () => now }
})

const owner = async (n: number) =>
  (await repo.insert({
    lineUserId: 'U' + String(n).repeat(32).slice(0, 32),
    displayName: `オーナー${n}`,
    role: 'owner',
    invitedBy: null,
    now,
  }))!

describe('staff repository guards', () => {
  it('two owners demoting each other at once: exactly one succeeds, one owner remains', async () => {
    const [a, b] = [await owner(1), await owner(2)]
    const results = await Promise.allSettled([
      changeRole(deps, a, b.id, 'staff'),
      changeRole(deps, b, a.id, 'staff'),
    ])
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    const rejected = results.find((r) => r.status === 'rejected')
    expect(rejected?.reason).toBeInstanceOf(LastOwner)
    expect(sqlite.prepare("select count(*) as n from staff where role = 'owner'").get()).toEqual({
      n: 1,
    })
  })

  it('two owners removing each other at once: exactly one succeeds', async () => {
    const [a, b] = [await owner(1), await owner(2)]
    const results = await Promise.allSettled([
      removeStaff(deps, a, b.id),
      removeStaff(deps, b, a.id),
    ])
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    expect(sqlite.prepare('select count(*) as n from staff').get()).toEqual({ n: 1 })
  })

  it('consumes a setup code once, only unexpired and only while no owner exists', async () => {
    await repo.saveOwnerSetupCode('h1', now + 1000, now)
    expect(await repo.consumeOwnerSetupCode('other', now)).toBe(false)
    expect(await repo.consumeOwnerSetupCode('h1', now + 1000)).toBe(false) // expired
    const claims = await Promise.all([1, 2, 3].map(() => repo.consumeOwnerSetupCode('h1', now)))
    expect(claims.filter(Boolean)).toHaveLength(1)

    await repo.saveOwnerSetupCode('h2', now + 1000, now)
    await owner(3)
    expect(await repo.consumeOwnerSetupCode('h2', now)).toBe(false)
  })

  it('consumes an invite once, and can give it back if the staff row was not made', async () => {
    const creator = await owner(1)
    const { id } = await repo.createInvite({
      codeHash: 'inv',
      role: 'staff',
      createdBy: creator.id,
      now,
      expiresAt: now + 1000,
    })
    const claims = await Promise.all([1, 2, 3].map(() => repo.consumeInvite('inv', now)))
    expect(claims.filter((c) => c !== null)).toEqual([{ id, role: 'staff', createdBy: creator.id }])
    await repo.releaseInvite(id)
    expect(await repo.consumeInvite('inv', now + 1000)).toBeNull() // expired by now
    expect(await repo.consumeInvite('inv', now)).not.toBeNull()
    await repo.completeInvite(id, 42)
    await repo.releaseInvite(id) // completed invites are never given back
    expect(await repo.consumeInvite('inv', now)).toBeNull()
  })
})
