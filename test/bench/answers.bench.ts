/**
 * Answers keep pace with customers: a steady mixed load against Joren's Node server, with the LINE
 * stand-in answering every Messaging API call in 50–300 ms (LINE's rate limits on).
 *
 * Processes (as in webhook.bench.ts): Joren pinned to core 0; this driver and the stand-in on
 * core 1. Joren's database holds a shop of BENCH_ANSWERS_MEMBERS members (default 20,000) with
 * five purchases each, the stand-in's 3,000 users as following members, the shop FAQ, an owner and
 * an API key.
 *
 * Load (open loop: request i is due at start + i / rate, latency counted from then): commands,
 * FAQ questions (answered or handed over), rich-menu postbacks, follows of new users, purchases
 * through the integration API, member reads (LIFF points) and staff reads (the inbox list).
 *
 * Phases (BENCH_ANSWERS_PHASES, default all; BENCH_ANSWERS_SECONDS long, default 30):
 *   150  — 150 requests/s: answer lag p99 ≤ 1 s, ≥ 99 % of answerable events answered by reply,
 *          backlog (inbox + outbox) back to zero within 5 s of the load stopping
 *   500  — the same at 500 requests/s with lag ≤ 5 s
 *   tick — 150 requests/s while the periodic jobs run their daily passes (tier pass, summary
 *          rebuild, …): webhook p99 ≤ 20 ms and p99.9 ≤ 100 ms over the tick
 *   faults — 150 requests/s with replies and pushes faulted (refused 429 / 503, 500 after LINE
 *          processed the call, dropped connections before and after, timeouts) and LINE
 *          unreachable for a second: every answer delivered exactly once or marked
 *          "delivery unknown"; none doubled, none lost
 * Answer lag = the outbox row's sent_at (LINE accepted the answer) − the webhook's due time.
 * Exactly-once is checked against the stand-in: each outbox row's reply token and retry key are
 * looked up among the sends LINE accepted.
 * BENCH_CPU_PROF=<dir> writes a CPU profile of Joren for each measured phase (the load, and
 * `-drain` the backlog's drain after it: handling and sending unpaced); BENCH_ANSWERS_PIN=0
 * runs without CPU pinning.
 */
import Database from 'better-sqlite3'
import { createHmac, randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import type { AnswersJorenSettings } from './answers/joren-process.ts'
import { benchMemberNumber } from './answers/shared.ts'
import type {
  AnswersStandInReady,
  BuiltTimeline,
  Delivery,
  EventSpec,
} from './answers/stand-in-process.ts'
import type { BenchContext, Row } from './row.ts'
import {
  mainThreadCpuSeconds,
  pinningAvailable,
  pinSelf,
  procCpuSeconds,
  startChild,
  type Child,
} from './support/child.ts'
import {
  buildRequest,
  openLoop,
  percentile,
  targetOf,
  type OpenLoopResult,
} from './support/http-load.ts'

const SECONDS = Number(process.env.BENCH_ANSWERS_SECONDS ?? 30)
const EXTRA_MEMBERS = Number(process.env.BENCH_ANSWERS_MEMBERS ?? 20_000)
const PHASES = (process.env.BENCH_ANSWERS_PHASES ?? '150,500,tick,faults').split(',')
const DRAIN_TIMEOUT_MS = Number(process.env.BENCH_ANSWERS_DRAIN_TIMEOUT_MS ?? 90_000)
const MEMBER_TOKENS = 200
const LATENCY = process.env.BENCH_ANSWERS_LATENCY ?? '50,300'

type Kind = 'command' | 'question' | 'postback' | 'follow' | 'purchase' | 'member' | 'staff'
const WEBHOOK_KINDS = new Set<Kind>(['command', 'question', 'postback', 'follow'])

/**
 * Share of each kind in the mix. BENCH_ANSWERS_MIX="command=1,purchase=1" replaces it (shares are
 * normalised), e.g. to find what one kind of request costs.
 */
const MIX: [Kind, number][] = mixFrom(process.env.BENCH_ANSWERS_MIX) ?? [
  ['command', 0.22],
  ['question', 0.2],
  ['postback', 0.15],
  ['follow', 0.05],
  ['purchase', 0.1],
  ['member', 0.18],
  ['staff', 0.1],
]

function mixFrom(text: string | undefined): [Kind, number][] | null {
  if (!text) return null
  const parts = text.split(',').map((part) => {
    const [kind, share] = part.split('=')
    return [kind as Kind, Number(share ?? 1)] as [Kind, number]
  })
  const total = parts.reduce((sum, [, share]) => sum + share, 0)
  return parts.map(([kind, share]) => [kind, share / total])
}
const COMMANDS = ['ヘルプ', 'ポイント', '会員証', 'クーポン']
const POSTBACKS = ['action=points', 'action=coupons', 'action=help']

/** Replies: refused (429, 503), processed then 500, connections dropped before / after, timeouts. */
const REPLY_FAULTS = [
  { pathPattern: '/message/reply$', kind: 'status', status: 429, share: 0.02, seed: 1 },
  { pathPattern: '/message/reply$', kind: 'status', status: 503, share: 0.02, seed: 2 },
  {
    pathPattern: '/message/reply$',
    kind: 'status',
    status: 500,
    phase: 'after',
    share: 0.02,
    seed: 3,
  },
  { pathPattern: '/message/reply$', kind: 'drop', share: 0.01, seed: 4 },
  { pathPattern: '/message/reply$', kind: 'drop', phase: 'after', share: 0.01, seed: 5 },
  // Longer than the product's 10 s timeout: the call is processed after the caller gave up.
  { pathPattern: '/message/reply$', kind: 'latency', ms: 11_000, share: 0.005, seed: 6 },
  { pathPattern: '/message/push$', kind: 'status', status: 500, share: 0.02, seed: 7 },
  {
    pathPattern: '/message/push$',
    kind: 'status',
    status: 500,
    phase: 'after',
    share: 0.02,
    seed: 8,
  },
  { pathPattern: '/message/push$', kind: 'drop', phase: 'after', share: 0.01, seed: 9 },
]

interface Plan {
  name: string
  rate: number
  seconds: number
  /** ms after the load starts at which the periodic jobs run their daily passes */
  tickAtMs?: number
  faults?: boolean
  lagTargetMs?: number
  measured: boolean
}

interface Built {
  requests: Buffer[]
  kinds: Kind[]
  /** Webhook requests: their event ID (else ''). */
  eventIds: string[]
  userIds: Set<string>
  /** Date.now() at which request 0 is due. */
  wallStart: number
  perfStart: number
  interval: number
}

interface PhaseResult {
  plan: Plan
  load: OpenLoopResult
  built: Built
  tick?: {
    startedAt: number
    endedAt: number
    ms: number
    loopDelayP99Ms: number
    loopDelayMaxMs: number
  }
  answers: AnswerCheck
  backlogAtStop: number
  clearedAfterMs: number | null
  cpu: string
}

interface AnswerCheck {
  answerable: number
  byReply: number
  byPush: number
  unknown: number
  lost: number
  doubled: number
  sentButNotAtLine: number
  lagsMs: Float64Array
  eventsNotDone: number
  receipts: { sent: number; other: number }
  details: string[]
}

export async function run(ctx: BenchContext): Promise<Row[]> {
  // BENCH_ANSWERS_PIN=0: no pinning (on a shared machine Joren may then use whichever core is free).
  const pinned = process.env.BENCH_ANSWERS_PIN !== '0' && pinningAvailable()
  const restoreAffinity = pinned ? pinSelf(1) : () => undefined
  const dir = mkdtempSync(join(tmpdir(), 'joren-answers-'))
  const started: Child<unknown>[] = []
  const track = <T>(child: Child<T>) => {
    started.push(child as Child<unknown>)
    return child
  }
  try {
    const load = loadavg()[0] ?? 0
    ctx.note(
      `answers bench: 1-min load average ${load.toFixed(2)} at start${load > 0.5 ? ' (machine not idle: other processes compete for the pinned cores)' : ''}; ${pinned ? 'Joren on core 0, load generator and LINE stand-in on core 1' : 'no CPU pinning'}`,
    )
    const standIn = track(
      await startChild<AnswersStandInReady>({
        name: 'stand-in',
        script: 'test/bench/answers/stand-in-process.ts',
        core: pinned ? 1 : null,
        env: { BENCH_ANSWERS_LATENCY: LATENCY },
      }),
    )
    const line = standIn.ready
    const apiKey = `jk_${randomBytes(32).toString('base64url')}`
    const ownerUserId = line.userIds[0] as string
    const dbPath = join(dir, 'joren.db')
    const settings: AnswersJorenSettings = {
      databasePath: dbPath,
      lineUrl: line.url,
      jwksUrl: line.jwksUrl,
      issuer: line.issuer,
      loginChannelId: line.loginChannelId,
      channelSecret: line.channelSecret,
      channelAccessToken: line.channelAccessToken,
      memberUserIds: line.userIds,
      ownerUserId,
      apiKey,
      extraMembers: EXTRA_MEMBERS,
    }
    const joren = track(
      await startChild<{ url: string; seededMs: number }>({
        name: 'joren',
        script: 'test/bench/answers/joren-process.ts',
        core: pinned ? 0 : null,
        env: { BENCH_ANSWERS_JOREN: JSON.stringify(settings) },
        startTimeoutMs: 300_000,
      }),
    )
    ctx.progress(
      `Joren at ${joren.ready.url}: ${EXTRA_MEMBERS} members with ${EXTRA_MEMBERS * 5} purchases + ${line.userIds.length} stand-in users seeded in ${(joren.ready.seededMs / 1000).toFixed(1)} s`,
    )
    const target = targetOf(joren.ready.url)
    const ownerToken = await standIn.request<string>('idToken', { userId: ownerUserId })
    const memberTokens: string[] = []
    for (let i = 0; i < MEMBER_TOKENS; i++)
      memberTokens.push(
        await standIn.request<string>('idToken', { userId: line.userIds[i] as string }),
      )
    const questions = (
      JSON.parse(readFileSync(new URL('../faq/questions.json', import.meta.url), 'utf8')) as {
        questions: { text: string }[]
      }
    ).questions.map((q) => q.text)
    const random = seeded(20_260_101)
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T
    let purchaseSeq = 0

    const build = async (plan: Plan): Promise<Built> => {
      const count = Math.round(plan.rate * plan.seconds)
      const interval = 1000 / plan.rate
      const kinds: Kind[] = []
      for (let i = 0; i < count; i++) {
        let r = random()
        let kind: Kind = 'command'
        for (const [k, share] of MIX) {
          if (r < share) {
            kind = k
            break
          }
          r -= share
        }
        kinds.push(kind)
      }
      const leadMs = 1500 + count / 10
      const wallStart = Date.now() + leadMs
      const perfStart = performance.now() + leadMs
      const specs: EventSpec[] = []
      const at: number[] = []
      const webhookIndex: number[] = []
      kinds.forEach((kind, i) => {
        if (!WEBHOOK_KINDS.has(kind)) return
        const user = Math.floor(random() * line.userIds.length)
        specs.push(
          kind === 'command'
            ? { kind: 'text', user, text: pick(COMMANDS) }
            : kind === 'question'
              ? { kind: 'text', user, text: pick(questions) }
              : kind === 'postback'
                ? { kind: 'postback', user, data: pick(POSTBACKS) }
                : { kind: 'follow' },
        )
        at.push(Math.round(wallStart + i * interval))
        webhookIndex.push(i)
      })
      const timeline = await standIn.request<BuiltTimeline>('timeline', { specs, at })
      const requests: Buffer[] = new Array(count)
      const eventIds: string[] = new Array<string>(count).fill('')
      const userIds = new Set<string>(timeline.userIds)
      webhookIndex.forEach((i, n) => {
        const body = timeline.bodies[n] as string
        eventIds[i] = timeline.eventIds[n] as string
        requests[i] = buildRequest(
          target,
          'POST',
          '/webhook',
          {
            'Content-Type': 'application/json; charset=utf-8',
            'User-Agent': 'LineBotWebhook/2.0',
            'x-line-signature': createHmac('sha256', line.channelSecret)
              .update(body)
              .digest('base64'),
          },
          body,
        )
      })
      kinds.forEach((kind, i) => {
        if (WEBHOOK_KINDS.has(kind)) return
        if (kind === 'purchase') {
          const member = Math.floor(random() * line.userIds.length)
          userIds.add(line.userIds[member] as string)
          requests[i] = buildRequest(
            target,
            'POST',
            '/api/v1/purchases',
            {
              'Content-Type': 'application/json',
              Authorization: `Bearer ${apiKey}`,
              'Idempotency-Key': `bench-${plan.name}-${++purchaseSeq}`,
            },
            JSON.stringify({
              memberNumber: benchMemberNumber(member),
              amountYen: 300 + Math.floor(random() * 50) * 100,
              categories: ['food'],
            }),
          )
        } else if (kind === 'member') {
          requests[i] = buildRequest(target, 'GET', '/api/liff/points', {
            Authorization: `Bearer ${pick(memberTokens)}`,
          })
        } else {
          requests[i] = buildRequest(target, 'GET', '/api/staff/inbox/conversations?limit=20', {
            Authorization: `Bearer ${ownerToken}`,
          })
        }
      })
      if (performance.now() > perfStart - 200)
        ctx.note(`${plan.name}: building the load took longer than its lead-in`)
      return { requests, kinds, eventIds, userIds, wallStart, perfStart, interval }
    }

    const runPhase = async (plan: Plan): Promise<PhaseResult> => {
      const built = await build(plan)
      const outboxBefore = maxOutboxId(dbPath)
      if (plan.faults) await standIn.request('faults', { faults: REPLY_FAULTS })
      ctx.progress(
        `${plan.name}: ${plan.rate} requests/s for ${plan.seconds} s (${built.requests.length} requests)`,
      )
      const profileDir = process.env.BENCH_CPU_PROF
      if (profileDir && plan.measured) await joren.request('profileStart')
      await joren.request('loopStart')
      const cpuBefore = procCpuSeconds(joren.pid)
      const mainBefore = mainThreadCpuSeconds(joren.pid)
      const waitBefore = runQueueWaitSeconds(joren.pid)
      const tickDone = plan.tickAtMs === undefined ? null : tickAt(plan.tickAtMs)
      const outage = plan.faults ? outageAt(plan.seconds * 500, 1000) : null
      const loadPromise = openLoop({
        target,
        requests: built.requests,
        ratePerSec: plan.rate,
        leadInMs: 0,
        durationMs: plan.seconds * 1000,
        connections: 16,
        maxConnections: 512,
        startAt: built.perfStart,
      })
      const result = await loadPromise
      const loadEnd = built.perfStart + plan.seconds * 1000
      const tick = tickDone ? await tickDone : undefined
      await outage
      if (plan.faults) await standIn.request('faults', { faults: [] })
      const cpuSeconds = (procCpuSeconds(joren.pid) ?? NaN) - (cpuBefore ?? NaN)
      const mainSeconds = (mainThreadCpuSeconds(joren.pid) ?? NaN) - (mainBefore ?? NaN)
      const loop = await joren.request<{ p99Ms: number; maxMs: number }>('loopStop')
      const waited = (runQueueWaitSeconds(joren.pid) ?? NaN) - (waitBefore ?? NaN)
      if (profileDir && plan.measured) {
        const path = join(profileDir, `answers-${plan.name.replace(/\W+/g, '')}.cpuprofile`)
        await joren.request('profileStop', { path })
        ctx.note(`CPU profile of Joren during ${plan.name}: ${path}`)
        // The drain after the load on its own: what handling and sending cost unpaced.
        await joren.request('profileStart')
      }
      const backlogAtStop = pendingWork(dbPath)
      // Wait for the backlog; faults (timeouts, backoff) may take longer than a clean run.
      let clearedAt: number | null = null
      const deadline = performance.now() + (plan.faults ? DRAIN_TIMEOUT_MS * 2 : DRAIN_TIMEOUT_MS)
      while (performance.now() < deadline) {
        if (pendingWork(dbPath) === 0) {
          clearedAt = performance.now()
          break
        }
        await sleep(50)
      }
      const clearedAfterMs = clearedAt === null ? null : Math.max(0, clearedAt - loadEnd)
      // All the work the phase caused (answers included), in CPU time: unlike the drain's wall
      // time, hardly changed by other processes competing for the core.
      const totalMainSeconds = (mainThreadCpuSeconds(joren.pid) ?? NaN) - (mainBefore ?? NaN)
      if (profileDir && plan.measured) {
        const path = join(profileDir, `answers-${plan.name.replace(/\W+/g, '')}-drain.cpuprofile`)
        await joren.request('profileStop', { path })
        ctx.note(`CPU profile of Joren draining the backlog after ${plan.name}: ${path}`)
      }
      const deliveries = await standIn.request<Delivery[]>('deliveries', {
        userIds: [...built.userIds],
      })
      const answers = checkAnswers(dbPath, built, outboxBefore, deliveries)
      const wall = plan.seconds + Math.max(0, (performance.now() - loadEnd) / 1000)
      return {
        plan,
        load: result,
        built,
        tick,
        answers,
        backlogAtStop,
        clearedAfterMs,
        cpu: `Joren ${Math.round((cpuSeconds * 100) / plan.seconds)}% of a core during the load, main thread ${Math.round((mainSeconds * 100) / plan.seconds)}% (${((mainSeconds * 1000) / built.requests.length).toFixed(2)} ms per request), event-loop delay p99 ${fmt(loop.p99Ms)} ms, max ${fmt(loop.maxMs)} ms, main thread runnable but waiting for a CPU ${Math.round((waited * 100) / plan.seconds)}% of the time (other processes); ${wall.toFixed(0)} s incl. drain, main thread ${totalMainSeconds.toFixed(1)} s CPU from the load's start until the backlog cleared (${((totalMainSeconds * 1000) / built.requests.length).toFixed(2)} ms per request)`,
      }

      async function tickAt(ms: number) {
        await sleep(Math.max(0, built.perfStart + ms - performance.now()))
        const startedAt = performance.now()
        const r = await joren.request<{
          ms: number
          loopDelayP99Ms: number
          loopDelayMaxMs: number
        }>('tick')
        return { ...r, startedAt, endedAt: performance.now() }
      }
      async function outageAt(ms: number, forMs: number) {
        await sleep(Math.max(0, built.perfStart + ms - performance.now()))
        await standIn.request('reachable', { reachable: false })
        await sleep(forMs)
        await standIn.request('reachable', { reachable: true })
      }
    }

    const plans: Plan[] = [
      { name: 'warm-up', rate: 100, seconds: 5, measured: false },
      ...(PHASES.includes('150')
        ? [{ name: '150/s', rate: 150, seconds: SECONDS, lagTargetMs: 1000, measured: true }]
        : []),
      ...(PHASES.includes('500')
        ? [{ name: '500/s', rate: 500, seconds: SECONDS, lagTargetMs: 5000, measured: true }]
        : []),
      ...(PHASES.includes('tick')
        ? [
            {
              name: 'tick',
              rate: 150,
              seconds: Math.max(20, SECONDS),
              tickAtMs: 3000,
              measured: true,
            },
          ]
        : []),
      ...(PHASES.includes('faults')
        ? [
            {
              name: 'faults',
              rate: 150,
              seconds: Math.max(20, SECONDS),
              faults: true,
              measured: true,
            },
          ]
        : []),
    ]
    const results: PhaseResult[] = []
    for (const plan of plans) {
      const result = await runPhase(plan)
      if (plan.measured) results.push(result)
      report(ctx, result)
    }
    return results.flatMap(rowsOf)
  } finally {
    for (const child of started.reverse()) await child.stop().catch(() => undefined)
    rmSync(dir, { recursive: true, force: true })
    restoreAffinity()
  }
}

function rowsOf(r: PhaseResult): Row[] {
  const { plan, answers } = r
  const rows: Row[] = []
  const lagP99 = percentile(answers.lagsMs, 0.99)
  const replyShare = answers.answerable === 0 ? 0 : (answers.byReply * 100) / answers.answerable
  // An event that died (or is still waiting) has no outbox row to count, so it would not show in
  // the answer figures: it makes the phase fail instead.
  const clean =
    answers.lost === 0 &&
    answers.doubled === 0 &&
    answers.sentButNotAtLine === 0 &&
    answers.eventsNotDone === 0
  if (plan.lagTargetMs !== undefined) {
    rows.push(
      {
        name: `answer lag p99 at ${plan.rate} requests/s (LINE 50–300 ms)`,
        value: Math.round(lagP99),
        unit: 'ms',
        target: `≤ ${plan.lagTargetMs}`,
        ok: lagP99 <= plan.lagTargetMs && clean,
      },
      {
        name: `answerable events answered by reply at ${plan.rate} requests/s`,
        value: round(replyShare, 2),
        unit: '%',
        target: '≥ 99',
        ok: replyShare >= 99 && clean,
      },
      {
        name: `backlog back to zero after ${plan.rate} requests/s stop`,
        value: r.clearedAfterMs === null ? 'never' : round(r.clearedAfterMs / 1000, 2),
        unit: 's',
        target: '≤ 5',
        ok: r.clearedAfterMs !== null && r.clearedAfterMs <= 5000,
      },
    )
  }
  if (plan.tickAtMs !== undefined && r.tick) {
    const during = webhookLatencies(r, r.tick.startedAt, r.tick.endedAt)
    const p99 = percentile(during, 0.99)
    const p999 = percentile(during, 0.999)
    rows.push(
      {
        name: `webhook p99 during a periodic tick (daily passes) at ${plan.rate} requests/s`,
        value: Number.isFinite(p99) ? round(p99, 2) : 'unanswered',
        unit: 'ms',
        target: '≤ 20',
        ok: p99 <= 20,
      },
      {
        name: `webhook p99.9 during a periodic tick (daily passes) at ${plan.rate} requests/s`,
        value: Number.isFinite(p999) ? round(p999, 2) : 'unanswered',
        unit: 'ms',
        target: '≤ 100',
        ok: p999 <= 100,
      },
    )
  }
  if (plan.faults) {
    rows.push(
      {
        name: 'answers under LINE faults: delivered once or marked delivery unknown',
        value: `${answers.answerable - answers.lost}/${answers.answerable}`,
        unit: 'answers',
        target: 'all',
        ok: answers.lost === 0 && answers.sentButNotAtLine === 0 && answers.answerable > 0,
      },
      {
        name: 'answers delivered twice under LINE faults',
        value: answers.doubled,
        unit: 'answers',
        target: '0',
        ok: answers.doubled === 0,
      },
    )
  }
  return rows
}

function report(ctx: BenchContext, r: PhaseResult): void {
  const { plan, answers, load } = r
  const webhook = webhookLatencies(r, -Infinity, Infinity)
  const statuses = [...load.statuses].map(([s, n]) => `${s === 0 ? 'conn-error' : s}×${n}`)
  const lag = (q: number) => fmt(percentile(answers.lagsMs, q))
  ctx.note(
    `${plan.name}: ${load.sent} requests (${countKinds(r.built.kinds)}), statuses ${statuses.join(' ')}; webhook p50 ${fmt(percentile(webhook, 0.5))} ms, p99 ${fmt(percentile(webhook, 0.99))} ms, max ${fmt(webhook.at(-1) ?? NaN)} ms (load generator: timer lag p99 ${fmt(load.timerLagP99Ms)} ms, due → written p99 ${fmt(load.sendDelayP99Ms)} ms, ${load.connections} connections); ${r.cpu}`,
  )
  ctx.note(
    `${plan.name}: ${answers.answerable} answerable events → ${answers.byReply} replies, ${answers.byPush} pushes, ${answers.unknown} delivery unknown, ${answers.lost} lost, ${answers.doubled} doubled, ${answers.sentButNotAtLine} marked sent but not at LINE; answer lag p50 ${lag(0.5)} ms, p99 ${lag(0.99)} ms, max ${fmt(answers.lagsMs.at(-1) ?? NaN)} ms; ${answers.eventsNotDone} events not done; purchase receipts ${answers.receipts.sent} sent, ${answers.receipts.other} not; backlog ${r.backlogAtStop} when the load stopped, ${r.clearedAfterMs === null ? 'not cleared' : `cleared ${(r.clearedAfterMs / 1000).toFixed(2)} s later`}`,
  )
  if (r.tick)
    ctx.note(
      `${plan.name}: the periodic run took ${fmt(r.tick.ms)} ms; Joren's event-loop delay during it p99 ${fmt(r.tick.loopDelayP99Ms)} ms, max ${fmt(r.tick.loopDelayMaxMs)} ms; ${webhookLatencies(r, r.tick.startedAt, r.tick.endedAt).length} webhooks due during it`,
    )
  for (const detail of answers.details.slice(0, 5)) ctx.note(`${plan.name}: ${detail}`)
}

/** Latencies of the webhook requests due in [from, to) (performance.now() time), sorted. */
function webhookLatencies(r: PhaseResult, from: number, to: number): Float64Array {
  const out: number[] = []
  const { built, load } = r
  for (let i = 0; i < built.requests.length; i++) {
    if (!WEBHOOK_KINDS.has(built.kinds[i] as Kind)) continue
    const due = load.start + i * built.interval
    if (due < from || due >= to) continue
    // A webhook never answered (the load generator gave up on it) counts as infinitely slow.
    const ms = load.latencyOf[i] as number
    out.push(Number.isNaN(ms) ? Infinity : ms)
  }
  return Float64Array.from(out).sort()
}

interface OutboxRow {
  id: number
  dedupe_key: string
  status: string
  via: string | null
  sent_at: number | null
  reply_token: string | null
  retry_key: string
  last_error: string | null
}

function checkAnswers(
  dbPath: string,
  built: Built,
  outboxBefore: number,
  deliveries: Delivery[],
): AnswerCheck {
  const byToken = new Map<string, number>()
  const byKey = new Map<string, number>()
  for (const d of deliveries) {
    if (d.replyToken) byToken.set(d.replyToken, (byToken.get(d.replyToken) ?? 0) + 1)
    if (d.retryKey) byKey.set(d.retryKey, (byKey.get(d.retryKey) ?? 0) + 1)
  }
  const indexOf = new Map<string, number>()
  built.eventIds.forEach((id, i) => id && indexOf.set(id, i))
  const db = new Database(dbPath, { readonly: true, fileMustExist: true })
  const check: AnswerCheck = {
    answerable: 0,
    byReply: 0,
    byPush: 0,
    unknown: 0,
    lost: 0,
    doubled: 0,
    sentButNotAtLine: 0,
    lagsMs: new Float64Array(0),
    eventsNotDone: 0,
    receipts: { sent: 0, other: 0 },
    details: [],
  }
  try {
    const rows = db
      .prepare(
        'SELECT id, dedupe_key, status, via, sent_at, reply_token, retry_key, last_error FROM outbox WHERE id > ?',
      )
      .all(outboxBefore) as OutboxRow[]
    const lags: number[] = []
    const statusCounts = new Map<string, number>()
    for (const row of rows) {
      const event = /^event:([^:]+):/.exec(row.dedupe_key)?.[1]
      const index = event === undefined ? undefined : indexOf.get(event)
      if (index === undefined) {
        if (row.dedupe_key.startsWith('purchase') || row.dedupe_key.includes('receipt')) {
          if (row.status === 'sent') check.receipts.sent++
          else check.receipts.other++
        }
        continue
      }
      check.answerable++
      statusCounts.set(row.status, (statusCounts.get(row.status) ?? 0) + 1)
      const delivered =
        (row.reply_token ? (byToken.get(row.reply_token) ?? 0) : 0) +
        (byKey.get(row.retry_key) ?? 0)
      if (delivered > 1) {
        check.doubled++
        if (check.details.length < 5)
          check.details.push(
            `outbox ${row.id} delivered ${delivered}× (${row.status}, ${row.last_error ?? ''})`,
          )
      }
      if (row.status === 'sent') {
        if (row.via === 'reply') check.byReply++
        else check.byPush++
        if (delivered === 0) {
          check.sentButNotAtLine++
          if (check.details.length < 5)
            check.details.push(`outbox ${row.id} sent but LINE has no such send`)
        }
        lags.push((row.sent_at ?? NaN) - (built.wallStart + index * built.interval))
      } else if (row.status === 'unknown') check.unknown++
      else {
        check.lost++
        if (check.details.length < 5)
          check.details.push(`outbox ${row.id} ended ${row.status}: ${row.last_error ?? ''}`)
      }
    }
    check.lagsMs = Float64Array.from(lags).sort()
    const ids = [...indexOf.keys()]
    const statusOf = db.prepare('SELECT status, last_error FROM webhook_events WHERE event_id = ?')
    const notDone = new Map<string, number>()
    for (const id of ids) {
      const row = statusOf.get(id) as { status: string; last_error: string | null } | undefined
      if (!row || (row.status !== 'done' && row.status !== 'ignored')) {
        if (check.eventsNotDone === 0 && row?.last_error)
          check.details.push(`first event not done (${row.status}): ${row.last_error}`)
        check.eventsNotDone++
        const status = row?.status ?? 'missing'
        notDone.set(status, (notDone.get(status) ?? 0) + 1)
      }
    }
    if (notDone.size > 0)
      check.details.unshift(
        `events not done by status: ${[...notDone].map(([s, n]) => `${s} ${n}`).join(', ')}`,
      )
    if (statusCounts.size > 0)
      check.details.unshift(
        `answer rows by status: ${[...statusCounts].map(([s, n]) => `${s} ${n}`).join(', ')}`,
      )
  } finally {
    db.close()
  }
  return check
}

/** Seconds the process's main thread spent runnable but not running (Linux schedstat). */
function runQueueWaitSeconds(pid: number): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8').trim().split(/\s+/)
    return Number(fields[1]) / 1e9
  } catch {
    return null
  }
}

function maxOutboxId(dbPath: string): number {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true })
  try {
    return (db.prepare('SELECT coalesce(max(id), 0) AS n FROM outbox').get() as { n: number }).n
  } finally {
    db.close()
  }
}

/** Unprocessed inbox events plus unsent outbox messages. */
function pendingWork(dbPath: string): number {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true })
  try {
    const events = db
      .prepare("SELECT count(*) AS n FROM webhook_events WHERE status IN ('pending', 'processing')")
      .get() as { n: number }
    const messages = db
      .prepare("SELECT count(*) AS n FROM outbox WHERE status IN ('pending', 'sending')")
      .get() as { n: number }
    return events.n + messages.n
  } finally {
    db.close()
  }
}

function countKinds(kinds: Kind[]): string {
  const counts = new Map<Kind, number>()
  for (const k of kinds) counts.set(k, (counts.get(k) ?? 0) + 1)
  return [...counts].map(([k, n]) => `${k} ${n}`).join(', ')
}

function seeded(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

function fmt(ms: number): string {
  return Number.isFinite(ms) ? ms.toFixed(ms >= 100 ? 0 : 1) : 'n/a'
}

function round(value: number, digits: number): number {
  const f = 10 ** digits
  return Math.round(value * f) / f
}
