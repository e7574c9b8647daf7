import Sqlite from 'better-sqlite3'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openNodeDatabase } from '../../server/src/db/node-sqlite.ts'
import { runKpiRebuild } from '../../server/src/entry/kpis-rebuild-command.ts'

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

describe('npm run kpis:rebuild', () => {
  it('fills the rollups from purchases already in the database, in the shop time zone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'joren-kpis-'))
    dirs.push(dir)
    const path = join(dir, 'joren.db')
    const opened = openNodeDatabase(path, { checkpointEveryMs: 0 })
    await opened.close()
    const sqlite = new Sqlite(path)
    sqlite
      .prepare(
        `INSERT INTO members (id, line_user_id, member_number, follow_state, follow_state_at,
          created_at, updated_at) VALUES (1, 'U${'0'.repeat(31)}1', 'M1', 'blocked', 0, 0, 0)`,
      )
      .run()
    const insert = sqlite.prepare(
      `INSERT INTO purchases (member_id, amount_yen, purchased_at, source, status, created_at)
        VALUES (1, ?, ?, 'csv', ?, 0)`,
    )
    // 2026-01-31 23:59 JST, 2026-02-01 00:01 JST (UTC: still Jan 31), and a refunded one.
    insert.run(1000, Date.parse('2026-01-31T23:59:00+09:00'), 'completed')
    insert.run(700, Date.parse('2026-02-01T00:01:00+09:00'), 'completed')
    insert.run(300, Date.parse('2026-02-01T12:00:00+09:00'), 'refunded')
    sqlite.close()

    const out: string[] = []
    expect(await runKpiRebuild({ DATABASE_PATH: path }, (l) => out.push(l))).toBe(0)
    expect(out.join('\n')).toMatch(/KPI rollups rebuilt/)
    const check = new Sqlite(path, { readonly: true })
    expect(check.prepare('select * from kpi_member_days order by day').all()).toEqual([
      { member_id: 1, day: '2026-01-31', purchases: 1, revenue_yen: 1000 },
      { member_id: 1, day: '2026-02-01', purchases: 1, revenue_yen: 700 },
    ])
    expect(check.prepare('select * from kpi_members').all()).toEqual([
      { member_id: 1, first_day: '2026-01-31', last_day: '2026-02-01' },
    ])
    check.close()
  })
})
