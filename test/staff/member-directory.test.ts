import Sqlite from 'better-sqlite3'
import { drizzle } from 'drizzle-orm/better-sqlite3'
import { migrate } from 'drizzle-orm/better-sqlite3/migrator'
import { MembersQuerySchema } from '@joren/shared'
import { beforeEach, describe, expect, it } from 'vitest'
import { createMemberDirectory } from '../../server/src/db/repositories/member-directory-repository.ts'
import { MIGRATIONS_DIR } from '../../server/src/db/node-sqlite.ts'
import { schema } from '../../server/src/db/schema.ts'
import type { MemberDirectory } from '../../server/src/domain/members/directory.ts'
import { seedMembers } from '../support/seed.ts'

let sqlite: Sqlite.Database
let directory: MemberDirectory
const query = (input: Record<string, string>) => MembersQuerySchema.parse(input)

beforeEach(() => {
  sqlite = new Sqlite(':memory:')
  sqlite.pragma('foreign_keys = ON')
  const db = drizzle(sqlite, { schema })
  migrate(db, { migrationsFolder: MIGRATIONS_DIR })
  directory = createMemberDirectory(db)
})

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

    const vip = await directory.createTag('VIP', 1)
    expect(vip).not.toBeNull()
    expect(await directory.addTag(3, vip!.id, 1)).toBe(true)
    expect(await directory.addTag(3, vip!.id, 1)).toBe(false)
    await directory.addTag(4, vip!.id, 1)
    const tagged = await directory.list(query({ tag: String(vip!.id) }))
    expect(tagged.items.map((m) => m.displayName)).toEqual(['客4', '客3'])
    expect(tagged.items[0]?.tags).toEqual([{ id: vip!.id, name: 'VIP' }])
    expect(await directory.listTags()).toEqual([{ id: vip!.id, name: 'VIP', memberCount: 2 }])
  })

  it('keeps tag names unique and removes a deleted tag from members', async () => {
    seedMembers(sqlite, 2)
    const a = (await directory.createTag('常連', 1))!
    const b = (await directory.createTag('新規', 1))!
    expect(await directory.createTag('常連', 1)).toBeNull()
    expect(await directory.renameTag(b.id, '常連')).toBeNull()
    expect(await directory.renameTag(b.id, 'はじめて')).toEqual({ id: b.id, name: 'はじめて' })
    await directory.addTag(1, a.id, 1)
    expect(await directory.deleteTag(a.id)).toBe(true)
    expect((await directory.detail('1000000001'))?.tags).toEqual([])
    expect(await directory.deleteTag(a.id)).toBe(false)
  })
})
