import Sqlite from 'better-sqlite3'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openNodeDatabase } from '../../server/src/db/node-sqlite.ts'
import { runSeedDemo } from '../../server/src/entry/seed-demo-command.ts'

/** A fixed "now" (JST 2026-12-07 10:00): the same seed gives the same shop. */
const NOW = Date.parse('2026-12-07T10:00:00+09:00')

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})
function freshPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'joren-demo-'))
  dirs.push(dir)
  return join(dir, 'sandbox.db')
}
async function seed(path: string, env: Record<string, string> = {}) {
  const out: string[] = []
  const code = await runSeedDemo({ DATABASE_PATH: path, ...env }, (l) => out.push(l), {
    now: () => NOW,
  })
  return { code, out: out.join('\n') }
}
function query<T>(path: string, sql: string): T[] {
  const db = new Sqlite(path, { readonly: true })
  try {
    return db.prepare(sql).all() as T[]
  } finally {
    db.close()
  }
}
const one = (path: string, sql: string) =>
  Object.values(query<Record<string, number>>(path, sql)[0] ?? {})[0]

describe('npm run seed:demo', () => {
  it('fills the sandbox with the café, consistent with itself, the same on every run', async () => {
    const path = freshPath()
    const first = await seed(path)
    expect(first.code, first.out).toBe(0)
    expect(first.out).toMatch(/デモ店（カフェ こもれび）を入れました: 会員 2000/)

    expect(one(path, 'select count(*) from members')).toBe(2000)
    // A year of visits: every month of the last twelve has purchases, December above August.
    const months = query<{ m: string; n: number }>(
      path,
      `select strftime('%Y-%m', purchased_at / 1000, 'unixepoch', '+9 hours') m, count(*) n
        from purchases where status = 'completed' group by m order by m`,
    )
    expect(months.length).toBe(13)
    expect(one(path, 'select count(*) from purchases')).toBeGreaterThan(10_000)
    expect(one(path, `select max(purchased_at) from purchases`)).toBeLessThan(NOW)
    // Points: the ledger sum is every balance, and the lots hold exactly what is left.
    expect(
      one(
        path,
        `select count(*) from point_balances b where b.balance <>
          (select coalesce(sum(points), 0) from point_ledger l where l.member_id = b.member_id)
          or b.balance <> (select coalesce(sum(remaining), 0) from point_lots o where o.member_id = b.member_id)`,
      ),
    ).toBe(0)
    // Coupons from every source, some redeemed; counters agree with the rows.
    const sources = query<{ source: string; issued: number; redeemed: number }>(
      path,
      `select source, count(*) issued, sum(state = 'redeemed') redeemed from coupons group by source`,
    )
    expect(sources.map((s) => s.source).sort()).toEqual(
      [
        'automation',
        'broadcast',
        'manual',
        'points_exchange',
        'referral',
        'survey',
        'welcome',
      ].sort(),
    )
    for (const s of sources) expect(s.redeemed, s.source).toBeGreaterThan(0)
    expect(
      one(
        path,
        `select count(*) from coupon_templates t where issued_count <>
          (select count(*) from coupons c where c.template_id = t.id)`,
      ),
    ).toBe(0)
    expect(one(path, `select count(*) from coupon_member_counts where issued > "limit"`)).toBe(0)
    expect(
      one(
        path,
        `select count(*) from coupons where redeemed_at is not null and (redeemed_at < issued_at or redeemed_at > expires_at)`,
      ),
    ).toBe(0)
    // Surveys with NPS and CSAT answers; support conversations in Japanese.
    expect(
      one(path, 'select count(*) from survey_responses where nps_score is not null'),
    ).toBeGreaterThan(500)
    expect(
      one(
        path,
        `select count(*) from survey_answers where question_id = 'q2' and number_value between 1 and 5`,
      ),
    ).toBeGreaterThan(500)
    expect(
      one(path, `select count(*) from chat_messages where text like '%ありがとうございます%'`),
    ).toBeGreaterThan(10)
    // Broadcasts hold 10 % out; the dormant journey has contacted and held-out runs.
    const held = query<{ share: number }>(
      path,
      `select avg(holdout) share from broadcast_recipients`,
    )[0]!.share
    expect(held).toBeGreaterThan(0.07)
    expect(held).toBeLessThan(0.13)
    expect(one(path, `select count(*) from journey_runs where status = 'holdout'`)).toBeGreaterThan(
      20,
    )
    // Derived tables rebuilt from the rows: KPI rollups, the segment summary, tiers.
    expect(one(path, 'select count(*) from kpi_members')).toBe(
      one(path, `select count(distinct member_id) from purchases where status = 'completed'`),
    )
    expect(one(path, 'select sum(revenue_yen) from kpi_member_days')).toBe(
      one(path, `select sum(amount_yen) from purchases where status = 'completed'`),
    )
    expect(one(path, 'select count(*) from member_rfm')).toBe(2000)
    expect(
      one(path, 'select count(*) from member_tiers where tier_id is not null'),
    ).toBeGreaterThan(100)

    // Reproducible: the same seed and clock give the same rows.
    const other = freshPath()
    expect((await seed(other)).code).toBe(0)
    const digest = (p: string) =>
      query(p, 'select member_id, amount_yen, purchased_at, status from purchases order by id')
    expect(digest(other)).toEqual(digest(path))

    // A second seed is refused and writes nothing.
    const again = await seed(path)
    expect(again.code).toBe(1)
    expect(again.out).toMatch(/すでに入っています/)
    expect(one(path, 'select count(*) from members')).toBe(2000)
  }, 120_000)

  it('refuses a database that served a real LINE channel, and a configured channel', async () => {
    // A database opened with a real channel remembers it (channel_mode = 'line').
    const path = freshPath()
    const opened = openNodeDatabase(path, { checkpointEveryMs: 0 })
    opened.sqlite
      .prepare(`insert into settings (key, value, updated_at) values ('channel_mode', '"line"', 0)`)
      .run()
    await opened.close()
    const served = await seed(path)
    expect(served.code).toBe(1)
    expect(served.out).toMatch(/実際の LINE チャネルで使われたことがあります/)
    expect(one(path, 'select count(*) from members')).toBe(0)
    expect(one(path, 'select count(*) from purchases')).toBe(0)

    // With channel credentials configured, nothing is even looked at.
    const configured = freshPath()
    const withChannel = await seed(configured, {
      LINE_CHANNEL_SECRET: 'a'.repeat(32),
      LINE_CHANNEL_ACCESS_TOKEN: 'token',
    })
    expect(withChannel.code).toBe(1)
    expect(withChannel.out).toMatch(/LINE チャネルが設定されています/)
    expect(one(configured, 'select count(*) from members')).toBe(0)
  })
})
