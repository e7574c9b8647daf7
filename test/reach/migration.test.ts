import Sqlite from 'better-sqlite3'
import { drizzle } from 'drizzle-orm/better-sqlite3'
import { migrate } from 'drizzle-orm/better-sqlite3/migrator'
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { MIGRATIONS_DIR } from '../../server/src/db/node-sqlite.ts'

/**
 * The marketing_reach migration on a database that served members under the old consent
 * (boolean + consent_updated_at): who actually switched consent off keeps "no", who never touched
 * it becomes "never chose" (reached by the new default), who consented keeps "yes".
 */

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

/** The migrations folder as it was before the named migration (journal cut there). */
function migrationsBefore(tag: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'joren-migrations-'))
  dirs.push(dir)
  cpSync(MIGRATIONS_DIR, dir, { recursive: true })
  const journalPath = join(dir, 'meta', '_journal.json')
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { tag: string }[] }
  const cut = journal.entries.findIndex((e) => e.tag.endsWith(tag))
  expect(cut).toBeGreaterThan(0)
  journal.entries = journal.entries.slice(0, cut)
  writeFileSync(journalPath, JSON.stringify(journal))
  return dir
}

describe('the marketing_reach migration', () => {
  it('tells "never chose" from "chose no" and keeps every member’s choice', () => {
    const sqlite = new Sqlite(':memory:')
    const db = drizzle(sqlite)
    migrate(db, { migrationsFolder: migrationsBefore('_marketing_reach') })
    const member = sqlite.prepare(
      `insert into members (line_user_id, member_number, follow_state, follow_state_at, created_at, updated_at)
       values (?, ?, ?, 1, 1, 1) returning id`,
    )
    const profile = sqlite.prepare(
      `insert into member_profiles (member_id, interests, marketing_consent, consent_updated_at, updated_at)
       values (?, '[]', ?, ?, 1)`,
    )
    const ids: Record<string, number> = {}
    const cases = [
      // name, follow state, profile: [consent, consent_updated_at] or none
      ['consented', 'following', [1, 100]],
      ['switchedOff', 'following', [0, 200]],
      ['savedWithoutChoosing', 'following', [0, null]],
      ['noProfile', 'following', null],
      ['blockedConsented', 'blocked', [1, 100]],
    ] as const
    cases.forEach(([name, state, p], i) => {
      const row = member.get(`U${i}`, `100000000${i}`, state) as { id: number }
      ids[name] = row.id
      if (p) profile.run(row.id, p[0], p[1])
    })

    migrate(db, { migrationsFolder: MIGRATIONS_DIR })

    const choice = (id: number) =>
      (
        sqlite
          .prepare('select marketing_choice as c from member_profiles where member_id = ?')
          .get(id) as { c: string | null } | undefined
      )?.c ?? null
    const reach = (id: number) =>
      (
        sqlite.prepare('select sendable as s from member_rfm where member_id = ?').get(id) as {
          s: number
        }
      ).s
    expect(choice(ids.consented!)).toBe('in')
    expect(choice(ids.switchedOff!)).toBe('out')
    expect(choice(ids.savedWithoutChoosing!)).toBeNull()
    expect(choice(ids.noProfile!)).toBeNull()
    // Reach states: 3 opted in, 1 opted out, 2 never chose (reached by default), 0 blocked.
    expect(reach(ids.consented!)).toBe(3)
    expect(reach(ids.switchedOff!)).toBe(1)
    expect(reach(ids.savedWithoutChoosing!)).toBe(2)
    expect(reach(ids.noProfile!)).toBe(2)
    expect(reach(ids.blockedConsented!)).toBe(0)

    // The new triggers keep the state: a choice and a block move it in the same statement.
    sqlite
      .prepare(`update member_profiles set marketing_choice = 'out' where member_id = ?`)
      .run(ids.savedWithoutChoosing)
    expect(reach(ids.savedWithoutChoosing!)).toBe(1)
    sqlite
      .prepare(`update members set follow_state = 'following' where id = ?`)
      .run(ids.blockedConsented)
    expect(reach(ids.blockedConsented!)).toBe(3)
    sqlite.close()
  })
})
