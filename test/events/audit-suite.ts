import { sql } from 'drizzle-orm'
import { expect } from 'vitest'
import { createMemberDirectory } from '../../server/src/db/repositories/member-directory-repository.ts'
import { createSettingsStore } from '../../server/src/db/repositories/settings-repository.ts'
import { createUnitOfWork } from '../../server/src/db/unit-of-work.ts'
import { createMemberDirectoryService } from '../../server/src/domain/members/directory.ts'
import { createShopSettingsService } from '../../server/src/domain/shop/settings.ts'
import type { Driver } from './event-suite.ts'

/**
 * Staff commands write their change and its audit row in one commit: with the audit insert made
 * to fail, neither is stored. Run on better-sqlite3 and on workerd's local D1.
 */
export async function auditedChangesAreAtomic(driver: Driver): Promise<void> {
  const clock = { now: () => 1_800_000_000_000 }
  const uow = createUnitOfWork(driver.db, driver.atomic, clock)
  const members = createMemberDirectoryService({
    directory: createMemberDirectory(driver.db),
    uow,
    now: clock.now,
    timeZone: 'Asia/Tokyo',
  })
  const settings = createShopSettingsService({
    settings: createSettingsStore(driver.db),
    uow,
    sandbox: false,
    now: clock.now,
  })
  const staff = { id: 1, role: 'owner' as const }
  const count = async (table: string) =>
    (await driver.query<{ n: number }>(`select count(*) as n from ${table}`))[0]?.n
  await driver.db.run(
    sql.raw(`insert into members (line_user_id, member_number, follow_state, follow_state_at, created_at, updated_at)
      values ('U0000000000000000000000000000a001', '1000000001', 'following', 1, 1, 1)`),
  )
  const regular = await members.createTag(staff, '常連')

  // The audit log refuses every write.
  await driver.db.run(
    sql.raw(
      "create trigger audit_down before insert on audit_log begin select raise(abort, 'audit log down'); end",
    ),
  )
  await expect(members.createTag(staff, 'VIP')).rejects.toThrow(/audit log down/)
  await expect(members.addNote(staff, '1000000001', '苦手: ナッツ')).rejects.toThrow(
    /audit log down/,
  )
  await expect(members.tagMember(staff, '1000000001', regular.id, true)).rejects.toThrow(
    /audit log down/,
  )
  await expect(members.renameTag(staff, regular.id, 'ご常連')).rejects.toThrow(/audit log down/)
  await expect(members.deleteTag(staff, regular.id)).rejects.toThrow(/audit log down/)
  await expect(
    settings.update(staff, { name: '新しい店名', categories: [{ id: 'food', label: 'フード' }] }),
  ).rejects.toThrow(/audit log down/)
  expect(await count('tags')).toBe(1)
  expect((await driver.query<{ name: string }>('select name from tags'))[0]?.name).toBe('常連')
  expect(await count('member_notes')).toBe(0)
  expect(await count('member_tags')).toBe(0)
  expect(await count("settings where key = 'shop'")).toBe(0)
  expect(await count('audit_log')).toBe(1)

  // With the audit log back, the same commands store the change and its row together.
  await driver.db.run(sql.raw('drop trigger audit_down'))
  await members.createTag(staff, 'VIP')
  await members.addNote(staff, '1000000001', '苦手: ナッツ')
  await members.tagMember(staff, '1000000001', regular.id, true)
  expect(await count('tags')).toBe(2)
  expect(await count('member_notes')).toBe(1)
  expect(await count('member_tags')).toBe(1)
  expect(await count('audit_log')).toBe(4)
}
