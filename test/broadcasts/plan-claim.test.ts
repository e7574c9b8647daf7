/**
 * Planning is owned by one claim at a time: a planner whose lease ran out and was re-claimed (or
 * whose broadcast staff cancelled) writes nothing more, so every recipient gets exactly one chunk.
 */
import type { BroadcastDraftParsed } from '@joren/shared'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { broadcastDeps } from '../../server/src/compose/broadcasts.ts'
import { DEFAULT_LINKS } from '../../server/src/domain/links.ts'
import { betterSqliteAtomic } from '../../server/src/db/atomic.ts'
import { openNodeDatabase, type NodeDatabase } from '../../server/src/db/node-sqlite.ts'
import { createRepositories } from '../../server/src/db/repositories/index.ts'
import { createUnitOfWork } from '../../server/src/db/unit-of-work.ts'
import {
  CHUNK_LEASE_MS,
  deliverChunk,
  PLAN_LEASE_MS,
  planBroadcast,
  QUEUE_HOLD_MS,
  runPlan,
  SEGMENT_MISSING_MESSAGE,
  startDueBroadcasts,
  type BroadcastDeps,
} from '../../server/src/domain/broadcasts/engine.ts'
import { createBroadcastService } from '../../server/src/domain/broadcasts/service.ts'
import type { NewChunk } from '../../server/src/domain/broadcasts/store.ts'
import { silentLogger, webIds } from '../../server/src/domain/ports.ts'
import { createLineMessagingClient } from '../../server/src/line/messaging-client.ts'
import { TestClock } from '../auth/world.ts'

const MEMBERS = 2_500 // more than one render page (2,000)
const personalised: BroadcastDraftParsed = {
  title: '個別配信',
  messages: [{ type: 'text', text: '{name}さん、今週末はセールです' }],
  audience: { kind: 'all' },
  scheduledAt: null,
  holdoutPercent: 0,
  attributionDays: 7,
}

let database: NodeDatabase
let clock: TestClock
let deps: BroadcastDeps
/** The staff member who composes, sends and cancels. */
const owner = { id: 1, role: 'owner' as const }
/** Staff commands over these deps (as the console calls them). */
const staffCommands = (over: BroadcastDeps = deps) => createBroadcastService(over)

beforeEach(() => {
  clock = new TestClock()
  clock.reset() // noon JST: broadcasts defer in quiet hours, which this suite does not test
  database = openNodeDatabase(':memory:')
  database.sqlite.exec(`
    WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ${MEMBERS})
    INSERT INTO members (id, line_user_id, member_number, display_name, follow_state,
      follow_state_at, followed_at, created_at, updated_at)
    SELECT i, 'U' || printf('%032x', i), printf('%010d', i), '会員' || i, 'following', 1, 1, 1, 1 FROM s;
    WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ${MEMBERS})
    INSERT INTO member_profiles (member_id, interests, marketing_choice, updated_at)
    SELECT i, '[]', 'in', 1 FROM s;`)
  const uow = createUnitOfWork(database.db, betterSqliteAtomic(database.sqlite), clock)
  deps = broadcastDeps({
    db: database.db,
    atomic: betterSqliteAtomic(database.sqlite),
    uow,
    repositories: createRepositories(database.db, uow),
    // Planning never talks to LINE; nothing listens here.
    messenger: createLineMessagingClient({
      apiBaseUrl: 'http://127.0.0.1:9',
      channelAccessToken: 'unused',
      ids: webIds,
      logger: silentLogger,
    }),
    clock,
    ids: webIds,
    logger: silentLogger,
    links: DEFAULT_LINKS,
    dispatch: async () => {},
    // Tests that send run the plan themselves (see `planned`).
    startPlan: async () => {},
    // Several freeze batches over 2,500 members: chunks must not straddle or repeat at range ends.
    membersPerStatement: 1_000,
  })
})
afterEach(() => {
  database.sqlite.close()
})

function rows<T>(query: string, ...params: unknown[]): T[] {
  return database.sqlite.prepare(query).all(...params) as T[]
}

/** How many chunks each member is in (every member of the audience should be in exactly one). */
function chunkCoverage(id: number) {
  const [row] = rows<{ entries: number; members: number; keys: number; chunks: number }>(
    `SELECT count(*) AS entries, count(DISTINCT j.value) AS members,
       (SELECT count(DISTINCT retry_key) FROM broadcast_chunks WHERE broadcast_id = ?) AS keys,
       (SELECT count(*) FROM broadcast_chunks WHERE broadcast_id = ?) AS chunks
     FROM broadcast_chunks c, json_each(c.member_ids) j WHERE c.broadcast_id = ?`,
    id,
    id,
    id,
  )
  return row
}

function status(id: number) {
  return rows<{ status: string; locked_until: number | null; error: string | null }>(
    'SELECT status, locked_until, error FROM broadcasts WHERE id = ?',
    id,
  )[0]
}

/** A personalised broadcast claimed for planning by "planner A"; returns its claim token. */
async function claimedBroadcast(
  draft: BroadcastDraftParsed = personalised,
): Promise<{ id: number; token: number }> {
  const b = await staffCommands().create(owner, draft)
  const token = clock.now() + PLAN_LEASE_MS
  expect(
    await deps.store.transition(b.id, ['draft'], 'planning', clock.now(), { lockedUntil: token }),
  ).toBe(true)
  return { id: b.id, token }
}

/** Planner B: A's lease runs out, the sweep re-claims the broadcast and plans it to the end. */
async function takeOver(id: number): Promise<void> {
  clock.advance(PLAN_LEASE_MS + 1)
  expect(await startDueBroadcasts(deps)).toBe(1)
  expect(status(id)?.status).toBe('sending')
}

describe('a planner that lost its claim', () => {
  it('stops at its next page when another planner took over, leaving one chunk per member', async () => {
    const { id, token } = await claimedBroadcast()
    let taken = false
    const depsA: BroadcastDeps = {
      ...deps,
      store: {
        ...deps.store,
        async recipientsPage(...args) {
          const page = await deps.store.recipientsPage(...args)
          if (!taken) {
            taken = true
            await takeOver(id)
          }
          return page
        },
      },
    }
    expect(await planBroadcast(depsA, id, token)).toBe(false)
    expect(taken).toBe(true)
    expect(status(id)?.status).toBe('sending')
    expect(chunkCoverage(id)).toEqual({
      entries: MEMBERS,
      members: MEMBERS,
      keys: MEMBERS,
      chunks: MEMBERS,
    })
  })

  it('writes none of its chunks when the claim is lost right before it inserts them', async () => {
    const { id, token } = await claimedBroadcast()
    let attempts = 0
    const depsA: BroadcastDeps = {
      ...deps,
      store: {
        ...deps.store,
        async insertChunks(broadcastId, chunks, now, lease) {
          if (attempts++ === 0) await takeOver(id)
          return deps.store.insertChunks(broadcastId, chunks, now, lease)
        },
      },
    }
    const before = chunkCoverage(id)
    expect(before?.chunks).toBe(0)
    expect(await planBroadcast(depsA, id, token)).toBe(false)
    expect(attempts).toBe(1)
    expect(chunkCoverage(id)).toEqual({
      entries: MEMBERS,
      members: MEMBERS,
      keys: MEMBERS,
      chunks: MEMBERS,
    })
    const [recipients] = rows<{ n: number }>(
      'SELECT count(*) AS n FROM broadcast_recipients WHERE broadcast_id = ?',
      id,
    )
    expect(recipients?.n).toBe(MEMBERS)
  })

  it('has every guarded write refused with the stale token, and they change nothing', async () => {
    const { id, token: stale } = await claimedBroadcast()
    const b = await deps.store.find(id)
    if (!b) throw new Error('no broadcast')
    const ctx = { now: clock.now(), timeZone: 'Asia/Tokyo' }
    const everyone = { fromId: 1, toId: MEMBERS + 1 }
    const personal = { ctx, token: stale, uniform: null }
    expect(await deps.store.freezeRange(b, everyone, personal)).toBe(true)
    clock.advance(PLAN_LEASE_MS + 1)
    const [claim] = await deps.store.claimForPlanning(clock.now(), PLAN_LEASE_MS)
    expect(claim?.id).toBe(id)
    expect(claim?.token).toBeGreaterThan(stale)

    const chunk: NewChunk = {
      kind: 'push',
      to: ['U1'],
      memberIds: [1],
      messages: [{ type: 'text', text: 'x' }],
      retryKey: webIds.uuid(),
    }
    const title = (await deps.store.find(id))?.title
    expect(await deps.store.extendPlanLease(id, stale, clock.now() + PLAN_LEASE_MS)).toBe(false)
    expect(await deps.store.insertChunks(id, [chunk], clock.now(), stale)).toBe(false)
    expect(await deps.store.finishPlanning(id, clock.now(), stale)).toBe(false)
    expect(await deps.store.clearPlan(id, stale)).toBe(false)
    expect(await deps.store.freezeRange(b, everyone, personal)).toBe(false)
    expect(
      await deps.store.freezeRange({ ...b, messages: [{ type: 'text', text: '一斉' }] }, everyone, {
        ctx,
        token: stale,
        uniform: {
          messages: [{ type: 'text', text: '一斉' }],
          retryKeyBase: webIds.uuid(),
          now: 1,
        },
      }),
    ).toBe(false)
    expect(chunkCoverage(id)?.chunks).toBe(0)
    expect(
      rows<{ n: number }>(
        'SELECT count(*) AS n FROM broadcast_recipients WHERE broadcast_id = ?',
        id,
      )[0]?.n,
    ).toBe(MEMBERS)
    expect(status(id)).toMatchObject({ status: 'planning', locked_until: claim?.token })
    expect((await deps.store.find(id))?.title).toBe(title)

    // The current claim still writes.
    expect(await deps.store.insertChunks(id, [chunk], clock.now(), claim?.token ?? 0)).toBe(true)
    expect(chunkCoverage(id)?.chunks).toBe(1)
  })

  it('can be cancelled by staff while planning; the planner then stops without sending', async () => {
    const { id, token } = await claimedBroadcast()
    const depsA: BroadcastDeps = {
      ...deps,
      store: {
        ...deps.store,
        async insertChunks(broadcastId, chunks, now, lease) {
          await staffCommands().cancel(owner, id)
          return deps.store.insertChunks(broadcastId, chunks, now, lease)
        },
      },
    }
    expect(await planBroadcast(depsA, id, token)).toBe(false)
    expect(status(id)?.status).toBe('cancelled')
    expect(chunkCoverage(id)?.chunks).toBe(0)
    expect(await deps.store.claimDueChunks(clock.now(), 60_000, 10)).toEqual([])
  })
})

describe('a broadcast whose segment was deleted', () => {
  it('fails with a Japanese reason at send time instead of finishing as done', async () => {
    const { id, token } = await claimedBroadcast({
      ...personalised,
      messages: [{ type: 'text', text: '一斉のお知らせ' }],
      audience: { kind: 'segment', segmentId: 999_999 },
    })
    expect(await planBroadcast(deps, id, token)).toBe(false)
    expect(status(id)).toMatchObject({ status: 'failed', error: SEGMENT_MISSING_MESSAGE })
    expect(chunkCoverage(id)?.chunks).toBe(0)
  })
})

describe('chunks handed to the Workers queue', () => {
  it('are held so the next sweep does not enqueue them again, yet their consumer still claims them', async () => {
    const { id, token } = await claimedBroadcast({
      ...personalised,
      messages: [{ type: 'text', text: '一斉のお知らせ' }],
    })
    expect(await planBroadcast(deps, id, token)).toBe(true)
    const all = rows<{ id: number }>(
      'SELECT id FROM broadcast_chunks WHERE broadcast_id = ? ORDER BY id',
      id,
    ).map((r) => r.id)
    expect(all).toHaveLength(5)

    const first = await deps.store.holdDueChunks(clock.now(), QUEUE_HOLD_MS, 100)
    expect(first).toEqual(all)
    clock.advance(60_000) // the next cron
    expect(await deps.store.holdDueChunks(clock.now(), QUEUE_HOLD_MS, 100)).toEqual([])

    // The queue consumer claims a held chunk (once).
    clock.advance(100_000)
    const [a, b] = all as [number, number]
    expect((await deps.store.claimChunk(a, clock.now(), CHUNK_LEASE_MS))?.id).toBe(a)
    expect(await deps.store.claimChunk(a, clock.now(), CHUNK_LEASE_MS)).toBeNull()
    expect((await deps.store.claimChunk(b, clock.now(), CHUNK_LEASE_MS))?.id).toBe(b)

    // A message lost on the way: once the hold runs out the chunk is enqueued again; the one
    // in flight (its lease still running) is not.
    clock.advance(QUEUE_HOLD_MS - 160_000 + 1)
    expect(await deps.store.holdDueChunks(clock.now(), QUEUE_HOLD_MS, 100)).toEqual(all.slice(2))
  })
})

describe('a send whose plan committed', () => {
  it('succeeds even when handing the chunks to a sender fails (the periodic sweep does it later)', async () => {
    const b = await staffCommands().create(owner, {
      ...personalised,
      messages: [{ type: 'text', text: '一斉のお知らせ' }],
    })
    let dispatched = 0
    const planned: Promise<void>[] = []
    const failing: BroadcastDeps = {
      ...deps,
      messenger: {
        ...deps.messenger,
        messageQuota: async () => ({ type: 'none', limit: null, used: 0 }),
      },
      dispatch: async () => {
        dispatched++
        throw new Error('queue unavailable')
      },
      startPlan: async (id, token) => {
        planned.push(runPlan(failing, id, token))
      },
    }
    const sent = await staffCommands(failing).send(owner, b.id, { confirmOverQuota: false })
    expect(sent.status).toBe('planning')
    expect(planned).toHaveLength(1)
    await Promise.all(planned)
    expect(dispatched).toBe(1)
    expect(status(b.id)?.status).toBe('sending')
    expect(chunkCoverage(b.id)?.members).toBe(MEMBERS)
  })
})

describe('a recipient left with nothing to send', () => {
  it('is reported to staff with a Japanese reason', async () => {
    const { id, token } = await claimedBroadcast()
    const chunk: NewChunk = {
      kind: 'push',
      to: ['U' + (1).toString(16).padStart(32, '0')],
      memberIds: [1],
      messages: [{ type: 'joren_coupon_card', templateId: 999_999 }],
      retryKey: webIds.uuid(),
    }
    expect(await deps.store.insertChunks(id, [chunk], clock.now(), token)).toBe(true)
    expect(await deps.store.finishPlanning(id, clock.now(), token)).toBe(true)
    const [claimed] = await deps.store.claimDueChunks(clock.now(), CHUNK_LEASE_MS, 10)
    if (!claimed) throw new Error('no chunk claimed')
    await deliverChunk(deps, claimed)
    const result = await deps.store.result(id)
    expect(result.failures).toEqual([
      {
        reason:
          '送れるメッセージがありませんでした（クーポンの在庫切れ・配布終了でカードを発行できませんでした）。',
        recipients: 1,
      },
    ])
  })
})

describe('sending a draft whose segment was deleted', () => {
  it('is refused with a Japanese reason and leaves the draft as it was', async () => {
    const b = await staffCommands().create(owner, {
      ...personalised,
      audience: { kind: 'segment', segmentId: 999_999 },
    })
    await expect(
      staffCommands(deps).send(owner, b.id, { confirmOverQuota: true }),
    ).rejects.toMatchObject({
      status: 422,
      code: 'segment_missing',
      message: '配信先のセグメントが削除されています。対象を選び直してから送信してください。',
    })
    expect(status(b.id)?.status).toBe('draft')
  })
})

const uniform: BroadcastDraftParsed = {
  ...personalised,
  title: '一斉配信',
  messages: [{ type: 'text', text: '今週末はセールです' }],
  holdoutPercent: 10,
}

/** Every recipient not held out is in exactly one chunk of ≤ 500; no holdout member is in any. */
function expectExactlyOnePerRecipient(id: number): void {
  const [r] = rows<{ total: number; held: number }>(
    `SELECT count(*) AS total, coalesce(sum(holdout), 0) AS held
     FROM broadcast_recipients WHERE broadcast_id = ?`,
    id,
  )
  expect(r?.total).toBe(MEMBERS)
  expect(r?.held).toBeGreaterThan(100)
  const toSend = MEMBERS - (r?.held ?? 0)
  const coverage = chunkCoverage(id)
  expect(coverage?.entries).toBe(toSend)
  expect(coverage?.members).toBe(toSend)
  expect(coverage?.keys).toBe(coverage?.chunks)
  const [held] = rows<{ n: number }>(
    `SELECT count(*) AS n FROM broadcast_chunks c, json_each(c.member_ids) j
     JOIN broadcast_recipients r ON r.broadcast_id = c.broadcast_id AND r.member_id = j.value
     WHERE c.broadcast_id = ? AND r.holdout = 1`,
    id,
  )
  expect(held?.n).toBe(0)
  const [sizes] = rows<{ most: number; bad: number }>(
    `SELECT max(recipient_count) AS most,
       sum(recipient_count <> json_array_length(member_ids) OR json_array_length("to") <> recipient_count) AS bad
     FROM broadcast_chunks WHERE broadcast_id = ?`,
    id,
  )
  expect(sizes).toEqual({ most: 500, bad: 0 })
}

describe('a uniform plan frozen in member-ID ranges', () => {
  it('cuts chunks of ≤ 500 within each range, one per recipient, with unique retry keys', async () => {
    const { id, token } = await claimedBroadcast(uniform)
    const ranges: number[] = []
    const counting: BroadcastDeps = {
      ...deps,
      store: {
        ...deps.store,
        async freezeRange(b, range, input) {
          ranges.push(range.fromId)
          return deps.store.freezeRange(b, range, input)
        },
      },
    }
    expect(await planBroadcast(counting, id, token)).toBe(true)
    expect(ranges).toEqual([1, 1_001, 2_001])
    expect(status(id)?.status).toBe('sending')
    expectExactlyOnePerRecipient(id)
    // The holdout is the same draw the estimate counts.
    const b = await deps.store.find(id)
    const counts = await deps.store.countAudience(
      uniform.audience,
      { broadcastId: id, percent: uniform.holdoutPercent },
      { now: clock.now(), timeZone: 'Asia/Tokyo' },
    )
    expect(counts.audience).toBe(MEMBERS)
    expect(b?.recipientCount).toBe(MEMBERS)
    expect(chunkCoverage(id)?.entries).toBe(MEMBERS - counts.holdout)
  })
})

describe('a send', () => {
  it('returns while its plan is still running; the plan then finishes on its own', async () => {
    const b = await staffCommands().create(owner, uniform)
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    const plans: Promise<void>[] = []
    const held: BroadcastDeps = {
      ...deps,
      messenger: {
        ...deps.messenger,
        messageQuota: async () => ({ type: 'limited', limit: 10_000, used: 0 }),
      },
      store: {
        ...deps.store,
        async freezeRange(...args) {
          await gate
          return deps.store.freezeRange(...args)
        },
      },
      startPlan: async (id, token) => {
        plans.push(runPlan(held, id, token))
      },
    }
    const sent = await staffCommands(held).send(owner, b.id, { confirmOverQuota: false })
    expect(sent.status).toBe('planning')
    expect(plans).toHaveLength(1)
    // Nothing of the plan exists yet, and nothing can be sent while it is planning.
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(status(b.id)?.status).toBe('planning')
    expect(chunkCoverage(b.id)?.chunks).toBe(0)
    expect(await deps.store.claimDueChunks(clock.now(), CHUNK_LEASE_MS, 10)).toEqual([])
    release()
    await Promise.all(plans)
    expect(status(b.id)).toMatchObject({ status: 'sending', locked_until: null })
    expectExactlyOnePerRecipient(b.id)
  })

  it('keeps its checks: over the remaining quota it is refused with the full count', async () => {
    const b = await staffCommands().create(owner, uniform)
    const small: BroadcastDeps = {
      ...deps,
      messenger: {
        ...deps.messenger,
        messageQuota: async () => ({ type: 'limited', limit: 1_000, used: 0 }),
      },
    }
    const counts = await deps.store.countAudience(
      uniform.audience,
      { broadcastId: b.id, percent: uniform.holdoutPercent },
      { now: clock.now(), timeZone: 'Asia/Tokyo' },
    )
    await expect(
      staffCommands(small).send(owner, b.id, { confirmOverQuota: false }),
    ).rejects.toMatchObject({
      code: 'over_quota_confirm',
      extra: { recipients: counts.audience - counts.holdout, remaining: 1_000 },
    })
    expect(status(b.id)?.status).toBe('draft')
  })
})

describe('a plan interrupted in the middle of its freeze (a crash)', () => {
  it('sends nothing, and is planned again from scratch: every recipient in exactly one chunk', async () => {
    const { id, token } = await claimedBroadcast(uniform)
    let calls = 0
    const crashing: BroadcastDeps = {
      ...deps,
      store: {
        ...deps.store,
        async freezeRange(...args) {
          if (++calls === 3) throw new Error('process killed')
          return deps.store.freezeRange(...args)
        },
      },
    }
    await runPlan(crashing, id, token)
    // Two ranges were committed; the broadcast is still planning, so none of it can be sent.
    expect(status(id)?.status).toBe('planning')
    expect(chunkCoverage(id)?.chunks).toBeGreaterThan(0)
    expect(await deps.store.claimDueChunks(clock.now(), CHUNK_LEASE_MS, 10)).toEqual([])
    expect(await deps.store.dueChunkIds(clock.now(), 10)).toEqual([])
    // Node restarts: the dead process's lease is void and the sweep plans again.
    expect(await deps.store.releaseInterrupted(clock.now())).toBeGreaterThan(0)
    expect(await startDueBroadcasts(deps)).toBe(1)
    expect(status(id)?.status).toBe('sending')
    expectExactlyOnePerRecipient(id)
  })
})
