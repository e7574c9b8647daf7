import Sqlite from 'better-sqlite3'
import { drizzle } from 'drizzle-orm/better-sqlite3'
import { migrate } from 'drizzle-orm/better-sqlite3/migrator'
import { MembersQuerySchema } from '@joren/shared'
import { beforeEach, describe, expect, it } from 'vitest'
import { createMemberDirectory } from '../../server/src/db/repositories/member-directory-repository.ts'
import { MIGRATIONS_DIR } from '../../server/src/db/node-sqlite.ts'
import { schema } from '../../server/src/db/schema.ts'
import { betterSqliteAtomic } from '../../server/src/db/atomic.ts'
import { createUnitOfWork } from '../../server/src/db/unit-of-work.ts'
import {
  createMemberDirectoryService,
  TagNameTaken,
  TagNotFound,
  type MemberDirectory,
  type MemberDirectoryService,
} from '../../server/src/domain/members/directory.ts'
import { seedMembers } from '../support/seed.ts'

let sqlite: Sqlite.Database
let directory: MemberDirectory
let service: MemberDirectoryService
const staff = { id: 1, role: 'owner' as const }
const query = (input: Record<string, string>) => MembersQuerySchema.parse(input)

beforeEach(() => {
  sqlite = new Sqlite(':memory:')
  sqlite.pragma('foreign_keys = ON')
  const db = drizzle(sqlite, { schema })
  migrate(db, { migrationsFolder: MIGRATIONS_DIR })
  directory = createMemberDirectory(db)
  service = createMemberDirectoryService({
    directory,
    uow: createUnitOfWork(db, betterSqliteAtomic(sqlite), { now: () => 1 }),
    now: () => 1,
    timeZone: 'Asia/Tokyo',
  })
})

const audits = (action: string) =>
  (
    sqlite.prepare('select count(*) as n from audit_log where action = ?').get(action) as {
      n: number
    }
  ).n

describe('member directory', () => {
  it('pages newest first with a cursor, visiting every member once', async () => {
    seedMembers(sqlite, 125)
    const seen: string[] = []
    let cursor: string | undefined
    let pages = 0
    do {
      const page = await directory.list(query({ limit: '50', ...(cursor ? { cursor } : {}) }))
      seen.push(...page.items.map((m) => m.memberNumber))
      cursor = page.nextCursor ?? undefined
      pages++
    } while (cursor)
    expect(pages).toBe(3)
    expect(seen).toHaveLength(125)
    expect(new Set(seen).size).toBe(125)
    expect(seen[0]).toBe('1000000125')
  })

  it('searches by name (wildcards literal) and by member number prefix', async () => {
    seedMembers(sqlite, 30, (i) => ({ displayName: i === 7 ? '山田 100%' : `佐藤${i}` }))
    expect((await directory.list(query({ q: '山田' }))).items.map((m) => m.displayName)).toEqual([
      '山田 100%',
    ])
    expect((await directory.list(query({ q: '%' }))).items).toHaveLength(1)
    expect((await directory.list(query({ q: '_' }))).items).toHaveLength(0)
    expect(
      (await directory.list(query({ q: '1000000012' }))).items.map((m) => m.memberNumber),
    ).toEqual(['1000000012'])
    // Full-width digits typed on a phone keyboard still find the member.
    expect((await directory.list(query({ q: '１０００００００１２' }))).items).toHaveLength(1)
  })

  it('filters by blocked state, followed-since time and tag', async () => {
    seedMembers(sqlite, 20, (i) => ({
      displayName: `客${i}`,
      blocked: i % 5 === 0,
      followedAt: i * 1000,
    }))
    expect((await directory.list(query({ blocked: 'true' }))).items).toHaveLength(4)
    expect((await directory.list(query({ blocked: 'false' }))).items).toHaveLength(16)
    expect((await directory.list({ ...query({}), followedSinceMs: 15_000 })).items).toHaveLength(6)

    const vip = await service.createTag(staff, 'VIP')
    await service.tagMember(staff, '1000000003', vip.id, true)
    // Tagging again changes nothing and audits nothing.
    await service.tagMember(staff, '1000000003', vip.id, true)
    expect(audits('member.tag.add')).toBe(1)
    await service.tagMember(staff, '1000000004', vip.id, true)
    const tagged = await directory.list(query({ tag: String(vip.id) }))
    expect(tagged.items.map((m) => m.displayName)).toEqual(['客4', '客3'])
    expect(tagged.items[0]?.tags).toEqual([{ id: vip.id, name: 'VIP' }])
    expect(await directory.listTags()).toEqual([{ id: vip.id, name: 'VIP', memberCount: 2 }])
  })

  it('keeps tag names unique and removes a deleted tag from members', async () => {
    seedMembers(sqlite, 2)
    const a = await service.createTag(staff, '常連')
    const b = await service.createTag(staff, '新規')
    await expect(service.createTag(staff, '常連')).rejects.toBeInstanceOf(TagNameTaken)
    await expect(service.renameTag(staff, b.id, '常連')).rejects.toBeInstanceOf(TagNameTaken)
    expect(await service.renameTag(staff, b.id, 'はじめて')).toEqual({ id: b.id, name: 'はじめて' })
    await service.tagMember(staff, '1000000001', a.id, true)
    await service.deleteTag(staff, a.id)
    expect((await directory.detail('1000000001'))?.tags).toEqual([])
    await expect(service.deleteTag(staff, a.id)).rejects.toBeInstanceOf(TagNotFound)
    // Each change that happened has its audit row, with the new tag's ID as the target.
    expect(audits('tag.create')).toBe(2)
    expect(audits('tag.rename')).toBe(1)
    expect(audits('tag.delete')).toBe(1)
    expect(
      sqlite
        .prepare("select target_id as id from audit_log where action = 'tag.create' order by id")
        .all(),
    ).toEqual([{ id: String(a.id) }, { id: String(b.id) }])
  })
})
