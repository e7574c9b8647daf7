import Sqlite from 'better-sqlite3'
import { drizzle } from 'drizzle-orm/better-sqlite3'
import { migrate } from 'drizzle-orm/better-sqlite3/migrator'
import { beforeEach, describe, expect, it } from 'vitest'
import { betterSqliteAtomic } from '../../server/src/db/atomic.ts'
import { MIGRATIONS_DIR } from '../../server/src/db/node-sqlite.ts'
import { createStaffRepository } from '../../server/src/db/repositories/staff-repository.ts'
import { schema } from '../../server/src/db/schema.ts'
import { createUnitOfWork } from '../../server/src/db/unit-of-work.ts'
import { webIds } from '../../server/src/domain/ports.ts'
import { hashCode } from '../../server/src/domain/staff/codes.ts'
import { LastOwner } from '../../server/src/domain/staff/errors.ts'
import {
  appointOwner,
  createStaffService,
  type StaffRepository,
  type StaffService,
} from '../../server/src/domain/staff/staff.ts'

/** The conditional statements that keep staff changes race-free, on a real SQLite database. */

let sqlite: Sqlite.Database
let repo: StaffRepository
let service: StaffService
let deps: Parameters<typeof appointOwner>[0]
const now = 1_800_000_000_000
const count = (sql: string) => (sqlite.prepare(sql).get() as { n: number }).n

beforeEach(() => {
  sqlite = new Sqlite(':memory:')
  const db = drizzle(sqlite, { schema })
  migrate(db, { migrationsFolder: MIGRATIONS_DIR })
  repo = createStaffRepository(db)
  const uow = createUnitOfWork(db, betterSqliteAtomic(sqlite), { now: () => now })
  deps = { staff: repo, uow, now: () => now }
  service = createStaffService({ staff: repo, uow, ids: webIds, now: () => now })
})

const userId = (n: number) => 'U' + String(n).repeat(32).slice(0, 32)
const owner = (n: number) => appointOwner(deps, userId(n), `オーナー${n}`, 'test')
const actor = (record: { id: number; role: 'owner' | 'admin' | 'staff' }) => record

describe('staff guards', () => {
  it('two owners demoting each other at once: exactly one succeeds, one owner remains', async () => {
    const [a, b] = [await owner(1), await owner(2)]
    const results = await Promise.allSettled([
      service.changeRole(actor(a), b.id, 'staff'),
      service.changeRole(actor(b), a.id, 'staff'),
    ])
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    const rejected = results.find((r) => r.status === 'rejected')
    expect(rejected?.reason).toBeInstanceOf(LastOwner)
    expect(count("select count(*) as n from staff where role = 'owner'")).toBe(1)
    // Only the change that happened is in the audit log.
    expect(count("select count(*) as n from audit_log where action = 'staff.role'")).toBe(1)
  })

  it('two owners removing each other at once: exactly one succeeds', async () => {
    const [a, b] = [await owner(1), await owner(2)]
    const results = await Promise.allSettled([
      service.remove(actor(a), b.id),
      service.remove(actor(b), a.id),
    ])
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    expect(count('select count(*) as n from staff')).toBe(1)
    expect(count("select count(*) as n from audit_log where action = 'staff.remove'")).toBe(1)
  })

  it('a setup code makes one owner of any number of concurrent claims, only while unexpired', async () => {
    await repo.saveOwnerSetupCode(await hashCode('CODE-1'), now + 1000, now)
    const claims = await Promise.allSettled(
      [1, 2, 3].map((n) =>
        service.claimOwner({ lineUserId: userId(n), displayName: `店長${n}` }, 'CODE-1'),
      ),
    )
    expect(claims.filter((c) => c.status === 'fulfilled')).toHaveLength(1)
    expect(count("select count(*) as n from staff where role = 'owner'")).toBe(1)
    expect(count("select count(*) as n from audit_log where action = 'staff.claim_owner'")).toBe(1)
    // The audit row names the new owner as the actor and the target.
    const row = sqlite
      .prepare(
        "select staff_id as staffId, target_id as targetId from audit_log where action = 'staff.claim_owner'",
      )
      .get() as { staffId: number; targetId: string }
    const made = sqlite.prepare("select id from staff where role = 'owner'").get() as { id: number }
    expect(row).toEqual({ staffId: made.id, targetId: String(made.id) })
  })

  it('an invite admits one of any number of concurrent accepts, and a member already on the staff uses nothing', async () => {
    const creator = await owner(1)
    const { code } = await service.createInvite(actor(creator), 'staff')
    const accepts = await Promise.allSettled(
      [2, 3, 4].map((n) =>
        service.acceptInvite(
          { lineUserId: userId(n), memberName: null, tokenName: `新人${n}` },
          code,
        ),
      ),
    )
    expect(accepts.filter((c) => c.status === 'fulfilled')).toHaveLength(1)
    expect(count("select count(*) as n from staff where role = 'staff'")).toBe(1)
    const invite = sqlite.prepare('select used_by as usedBy from staff_invites').get() as {
      usedBy: number
    }
    const joined = sqlite.prepare("select id from staff where role = 'staff'").get() as {
      id: number
    }
    expect(invite.usedBy).toBe(joined.id)
    expect(count("select count(*) as n from audit_log where action = 'staff.join'")).toBe(1)

    // The owner accepting a fresh invite is refused and the invite stays usable.
    const second = await service.createInvite(actor(creator), 'admin')
    await expect(
      service.acceptInvite(
        { lineUserId: userId(1), memberName: null, tokenName: null },
        second.code,
      ),
    ).rejects.toMatchObject({ code: 'already_staff' })
    expect(count('select count(*) as n from staff_invites where used_at is null')).toBe(1)
  })
})
