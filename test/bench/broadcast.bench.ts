/**
 * Broadcast delivery at shop scale, against the LINE stand-in with LINE's rate limits ON (its own
 * process). For 10k, 100k and 1M consenting members (override with BROADCAST_BENCH_SIZES, e.g.
 * "10000,100000"): the time to plan a non-personalised broadcast (freeze the audience, draw the
 * holdout, write every multicast chunk with its retry key — target ≤ 1.5 s at 1M), the time until
 * LINE accepted every chunk (target ≤ 1.2 × the multicast floor: members / 500 / 200 req/s), and
 * the rate-limit 429s seen (target 0). Planning runs in member-ID ranges, yielding between them:
 * the longest freeze batch and the longest event-loop stall while planning are reported too
 * (a batch blocks the Node process; ~150 ms expected, ≤ 200 ms at 1M).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { broadcastDeps } from '../../server/src/compose/broadcasts.ts'
import { DEFAULT_LINKS } from '../../server/src/domain/links.ts'
import { betterSqliteAtomic } from '../../server/src/db/atomic.ts'
import { openNodeDatabase } from '../../server/src/db/node-sqlite.ts'
import { createRepositories } from '../../server/src/db/repositories/index.ts'
import { createUnitOfWork } from '../../server/src/db/unit-of-work.ts'
import { planBroadcast } from '../../server/src/domain/broadcasts/engine.ts'
import { NodeBroadcastSender } from '../../server/src/entry/node-broadcast-sender.ts'
import { silentLogger, systemClock, webIds } from '../../server/src/domain/ports.ts'
import { createLineMessagingClient } from '../../server/src/line/messaging-client.ts'
import { createNodeHttpFetch } from '../../server/src/line/node-http-fetch.ts'
import { createPacer } from '../../server/src/line/rate-limiter.ts'
import type { BroadcastStandInReady } from './broadcast/stand-in-process.ts'
import type { BenchContext, Row } from './row.ts'
import { startChild } from './support/child.ts'

const SIZES = (process.env.BROADCAST_BENCH_SIZES ?? '10000,100000,1000000')
  .split(',')
  .map(Number)
  .filter((n) => n > 0)
const PLAN_TARGET_MS = 1500
/** "Not much more than ~150 ms" for one freeze batch (the process is blocked during it). */
const STALL_TARGET_MS = 200
const MULTICAST_RATE = 200

function label(n: number): string {
  return n >= 1_000_000 ? `${n / 1_000_000}M` : `${n / 1000}k`
}

export async function run(ctx: BenchContext): Promise<Row[]> {
  const rows: Row[] = []
  const standIn = await startChild<BroadcastStandInReady>({
    name: 'stand-in',
    script: 'test/bench/broadcast/stand-in-process.ts',
    core: null,
    startTimeoutMs: 60_000,
  })
  try {
    for (const n of SIZES) rows.push(...(await runSize(ctx, standIn, n)))
  } finally {
    await standIn.stop()
  }
  ctx.note(
    'broadcast: acceptance is paced by the shared token bucket at 97% of LINE limits; the stand-in enforces LINE rate limits.',
  )
  return rows
}

/** The stand-in's first requests run cold (JIT); that is not the product's time. */
async function warmUp(ready: BroadcastStandInReady): Promise<void> {
  const to = Array.from({ length: 500 }, (_, i) => `U${(i + 1).toString(16).padStart(32, '0')}`)
  for (let round = 0; round < 5; round++)
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        const res = await fetch(`${ready.url}/v2/bot/message/multicast`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${ready.channelAccessToken}`,
            'content-type': 'application/json',
          },
          body: JSON.stringify({ to, messages: [{ type: 'text', text: 'warm-up' }] }),
        })
        await res.text()
      }),
    )
}

async function runSize(
  ctx: BenchContext,
  standIn: Awaited<ReturnType<typeof startChild<BroadcastStandInReady>>>,
  n: number,
): Promise<Row[]> {
  ctx.progress(`broadcast ${label(n)}: seeding`)
  await standIn.request('users', { count: n })
  await warmUp(standIn.ready)
  await standIn.request('reset')
  const dir = mkdtempSync(join(tmpdir(), 'joren-bench-broadcast-'))
  const database = openNodeDatabase(join(dir, 'joren.db'))
  try {
    database.sqlite.exec(`
      WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ${n})
      INSERT INTO members (id, line_user_id, member_number, display_name, follow_state,
        follow_state_at, followed_at, created_at, updated_at)
      SELECT i, 'U' || printf('%032x', i), printf('%010d', i), '会員' || i, 'following', 1, 1, 1, 1 FROM s;
      WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ${n})
      INSERT INTO member_profiles (member_id, interests, marketing_choice, updated_at)
      SELECT i, '[]', 'in', 1 FROM s;`)
    let rateLimited = 0
    const httpFetch = createNodeHttpFetch({ maxSockets: 64 })
    const countingFetch: typeof fetch = async (input, init) => {
      const res = await httpFetch(input, init)
      if (res.status === 429) rateLimited++
      return res
    }
    const messenger = createLineMessagingClient({
      apiBaseUrl: standIn.ready.url,
      channelAccessToken: standIn.ready.channelAccessToken,
      ids: webIds,
      logger: silentLogger,
      pacer: createPacer(),
      fetch: countingFetch,
    })
    const uow = createUnitOfWork(database.db, betterSqliteAtomic(database.sqlite), systemClock)
    const repositories = createRepositories(database.db, uow)
    const sender: NodeBroadcastSender = new NodeBroadcastSender(() => deps, {
      concurrency: 64,
      tickMs: 60_000,
    })
    const engine = broadcastDeps({
      db: database.db,
      atomic: betterSqliteAtomic(database.sqlite),
      uow,
      repositories,
      messenger,
      clock: systemClock,
      ids: webIds,
      logger: silentLogger,
      links: DEFAULT_LINKS,
      dispatch: async () => sender.wake(),
      startPlan: async (id, token) => sender.startPlan(id, token),
    })
    // The longest single freeze batch (one bs3 transaction: the process is blocked throughout).
    let longestFreezeMs = 0
    const deps = {
      ...engine,
      store: {
        ...engine.store,
        async freezeRange(...args: Parameters<typeof engine.store.freezeRange>) {
          const t = performance.now()
          try {
            return await engine.store.freezeRange(...args)
          } finally {
            longestFreezeMs = Math.max(longestFreezeMs, performance.now() - t)
          }
        },
      },
    }
    const now = Date.now()
    await uow.commit([
      deps.store.createWrite(
        {
          title: 'bench',
          messages: [{ type: 'text', text: '今週末はセールです' }],
          audience: { kind: 'all' },
          scheduledAt: null,
          holdoutPercent: 10,
          attributionDays: 7,
        },
        null,
        now,
      ),
    ])
    const b = database.sqlite.prepare('select max(id) as id from broadcasts').get() as {
      id: number
    }
    await deps.store.transition(b.id, ['draft'], 'planning', now)
    ctx.progress(`broadcast ${label(n)}: planning`)
    // The longest gap between ticks of a 1 ms timer while planning: how long the process could
    // not answer anything else (a webhook, a request).
    let longestStallMs = 0
    let lastTick = performance.now()
    let ticking = true
    const tick = () => {
      const t = performance.now()
      longestStallMs = Math.max(longestStallMs, t - lastTick)
      lastTick = t
      if (ticking) setTimeout(tick, 1)
    }
    setTimeout(tick, 1)
    const t0 = performance.now()
    await planBroadcast(deps, b.id)
    const planMs = performance.now() - t0
    // One more timer turn, so a stall at the very end is sampled too.
    await new Promise((resolve) => setTimeout(resolve, 5))
    ticking = false
    const [chunkRow] = database.sqlite
      .prepare(
        'select count(*) as c, max(recipient_count) as m, sum(recipient_count) as r from broadcast_chunks',
      )
      .all() as { c: number; m: number; r: number }[]
    ctx.progress(`broadcast ${label(n)}: sending ${chunkRow?.c} chunks`)
    const t1 = performance.now()
    await sender.start()
    for (;;) {
      await sender.idle()
      const found = await deps.store.find(b.id)
      if (found?.status !== 'sending') break
      await new Promise((r) => setTimeout(r, 20))
      sender.wake()
    }
    const acceptS = (performance.now() - t1) / 1000
    const final = await deps.store.find(b.id)
    const { once, most } = await standIn.request<{ once: number; most: number }>('deliveries', {
      count: n,
    })
    const sent = chunkRow?.r ?? 0
    if (final?.status !== 'done' || most > 1 || once !== sent)
      ctx.note(
        `broadcast ${label(n)}: status ${final?.status}, ${once} of ${sent} recipients got exactly one message (max ${most})`,
      )
    const floor = n / 500 / MULTICAST_RATE
    return [
      {
        name: `broadcast plan ${label(n)} members`,
        value: Math.round(planMs),
        unit: 'ms',
        target: n >= 1_000_000 ? `≤ ${PLAN_TARGET_MS}` : '—',
        ok: n < 1_000_000 || planMs <= PLAN_TARGET_MS,
      },
      {
        name: `broadcast plan ${label(n)}: longest freeze batch`,
        value: Math.round(longestFreezeMs),
        unit: 'ms',
        target: n >= 1_000_000 ? `≤ ${STALL_TARGET_MS}` : '—',
        ok: n < 1_000_000 || longestFreezeMs <= STALL_TARGET_MS,
      },
      {
        name: `broadcast plan ${label(n)}: longest event-loop stall`,
        value: Math.round(longestStallMs),
        unit: 'ms',
        target: n >= 1_000_000 ? `≤ ${STALL_TARGET_MS}` : '—',
        ok: n < 1_000_000 || longestStallMs <= STALL_TARGET_MS,
      },
      {
        name: `broadcast accept ${label(n)} (${chunkRow?.c ?? 0} chunks ≤ ${chunkRow?.m ?? 0})`,
        value: Number(acceptS.toFixed(2)),
        unit: 's',
        target: `≤ ${(1.2 * floor).toFixed(2)}`,
        ok: acceptS <= 1.2 * floor && final?.status === 'done' && once === sent && most <= 1,
      },
      {
        name: `broadcast 429s ${label(n)}`,
        value: rateLimited,
        unit: 'count',
        target: '= 0',
        ok: rateLimited === 0,
      },
    ]
    await sender.stop()
  } finally {
    await database.close()
    rmSync(dir, { recursive: true, force: true })
  }
}
