/**
 * The retention dashboard at shop scale: the segments bench's data set (1,000,000 members,
 * 5,000,000 purchases over two years; SEGMENTS_BENCH_MEMBERS scales it) in a file database with
 * the product's migrations. Reports the KPI rollup rebuild (what `npm run kpis:rebuild` and the
 * daily pass run), p95 of the dashboard's data (`GET /api/staff/dashboard`'s work: the period and
 * the previous one, reachable, 12-month LTV and its 6-month trend, cohorts, RFM) for the standard
 * periods — last 30 days, last 90 days, each of the last 12 calendar months — p95 of
 * `GET /api/v1/kpis` (the cohort table included), and one arbitrary range.
 */
import { addDays } from '../../server/src/domain/time.ts'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { betterSqliteAtomic } from '../../server/src/db/atomic.ts'
import { openNodeDatabase } from '../../server/src/db/node-sqlite.ts'
import { createSettingsStore } from '../../server/src/db/repositories/settings-repository.ts'
import { rebuildMemberRfm } from '../../server/src/db/segments/rfm.ts'
import { createUnitOfWork } from '../../server/src/db/unit-of-work.ts'
import { composeKpiInsights, composeKpis } from '../../server/src/compose/kpis.ts'
import { addMonths, lastDayOfMonth } from '../../server/src/domain/kpis/calendar.ts'
import { localDate, monthsBefore } from '../../server/src/domain/loyalty/dates.ts'
import { UNKNOWN_QUOTA } from '../../server/src/domain/messaging/quota.ts'
import type { BenchContext, Row } from './row.ts'
import { seed } from './segments.bench.ts'

const MEMBERS = Number(process.env.SEGMENTS_BENCH_MEMBERS ?? 1_000_000)
const STANDARD_P95_MS = 300
const OTHER_RANGE_MS = 3000
const RUNS = 7
const TZ = 'Asia/Tokyo'
/** The segments bench's clock (its purchases end here). */
const NOW = Date.parse('2026-06-15T03:00:00Z')

function p95(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)] ?? NaN
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now()
  await fn()
  return performance.now() - start
}

export async function run(ctx: BenchContext): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), 'joren-kpis-bench-'))
  const file = join(dir, 'bench.db')
  const database = openNodeDatabase(file)
  const { sqlite, db } = database
  try {
    sqlite.pragma('synchronous = OFF')
    ctx.progress(
      `kpis: seeding ${MEMBERS.toLocaleString()} members, ${(MEMBERS * 5).toLocaleString()} purchases`,
    )
    seed(sqlite)
    sqlite.pragma('synchronous = NORMAL')
    ctx.progress('kpis: building the segment summary (reachable, RFM grid)')
    await rebuildMemberRfm(db, monthsBefore(NOW, 12, TZ), NOW)
    sqlite.pragma('wal_checkpoint(TRUNCATE)')

    const atomic = betterSqliteAtomic(sqlite)
    const clock = { now: () => NOW }
    const { service } = composeKpis({
      db,
      atomic,
      uow: createUnitOfWork(db, atomic, clock),
      settings: createSettingsStore(db),
      timeZone: TZ,
      sandbox: false,
      now: () => NOW,
    })

    ctx.progress('kpis: rebuilding the rollups')
    const rebuildMs = await timed(() => service.rebuild())
    sqlite.pragma('wal_checkpoint(TRUNCATE)')
    sqlite.exec('ANALYZE')

    const today = localDate(NOW, TZ)
    const last30 = { from: addDays(today, -29), to: today }
    const last90 = { from: addDays(today, -89), to: today }
    const months = Array.from({ length: 12 }, (_, i) => {
      const month = addMonths(today.slice(0, 7), -i)
      const end = lastDayOfMonth(month)
      return { from: `${month}-01`, to: end < today ? end : today }
    })

    const sample = async (name: string, fn: () => Promise<unknown>, runs = RUNS) => {
      await fn() // warm the page cache and the statements
      const times: number[] = []
      for (let i = 0; i < runs; i++) times.push(await timed(fn))
      ctx.progress(`kpis: ${name} p95 ${p95(times).toFixed(0)} ms`)
      return p95(times)
    }

    const d30 = await sample('dashboard, last 30 days', () => service.dashboard({}))
    const d90 = await sample('dashboard, last 90 days', () => service.dashboard(last90))
    const monthTimes: number[] = []
    for (const month of months) {
      await service.dashboard(month)
      monthTimes.push(await timed(() => service.dashboard(month)))
      monthTimes.push(await timed(() => service.dashboard(month)))
    }
    const dMonths = p95(monthTimes)
    ctx.progress(`kpis: dashboard, each calendar month p95 ${dMonths.toFixed(0)} ms`)
    const api30 = await sample('GET /api/v1/kpis, last 30 days', () => service.kpis(last30))
    const other = { from: '2025-03-17', to: '2026-02-03' }
    const otherMs = await timed(() => service.dashboard(other))
    const otherApiMs = await timed(() => service.kpis(other))
    // The sections loaded after the core figures (this data set has purchases and members only:
    // no coupons, survey answers or broadcasts, so this times the member and rollup reads).
    const insights = composeKpiInsights({
      db,
      atomic,
      quota: { read: async () => UNKNOWN_QUOTA },
      timeZone: TZ,
      now: () => NOW,
    })
    const insights30 = await sample('dashboard insights, last 30 days', () => insights.insights({}))

    const row = (name: string, value: number, target: number): Row => ({
      name,
      value: Math.round(value),
      unit: 'ms',
      target: `≤ ${target}`,
      ok: value <= target,
    })
    return [
      {
        name: `kpis: rollup rebuild (${MEMBERS.toLocaleString()} members)`,
        value: Math.round(rebuildMs),
        unit: 'ms',
        target: '—',
        ok: true,
      },
      row('kpis: dashboard data, last 30 days p95', d30, STANDARD_P95_MS),
      row('kpis: dashboard data, last 90 days p95', d90, STANDARD_P95_MS),
      row('kpis: dashboard data, each calendar month p95', dMonths, STANDARD_P95_MS),
      row('kpis: GET /api/v1/kpis (with cohorts), last 30 days p95', api30, STANDARD_P95_MS),
      row('kpis: dashboard data, other range (2025-03-17 – 2026-02-03)', otherMs, OTHER_RANGE_MS),
      row('kpis: GET /api/v1/kpis, other range', otherApiMs, OTHER_RANGE_MS),
      row(
        'kpis: dashboard insights (members + rollups only), last 30 days p95',
        insights30,
        STANDARD_P95_MS,
      ),
    ]
  } finally {
    await database.close()
    rmSync(dir, { recursive: true, force: true })
  }
}
