import type { BroadcastDraftParsed, SegmentRule } from '@joren/shared'
import { sql } from 'drizzle-orm'
import { expect } from 'vitest'
import { broadcastDeps } from '../../server/src/compose/broadcasts.ts'
import { createRepositories } from '../../server/src/db/repositories/index.ts'
import { createUnitOfWork } from '../../server/src/db/unit-of-work.ts'
import {
  CHUNK_LEASE_MS,
  deliverChunk,
  runPlan,
  type BroadcastDeps,
} from '../../server/src/domain/broadcasts/engine.ts'
import { createBroadcastService } from '../../server/src/domain/broadcasts/service.ts'
import { DEFAULT_LINKS } from '../../server/src/domain/links.ts'
import {
  SendFailure,
  type LineMessage,
  type Messenger,
  type SendResult,
} from '../../server/src/domain/messaging/messenger.ts'
import { silentLogger, webIds } from '../../server/src/domain/ports.ts'
import { createSegmentService } from '../../server/src/domain/segments/segments.ts'
import type { Driver } from '../events/event-suite.ts'

/**
 * Segment and broadcast commands and the broadcast engine's domain event, written once against
 * the common SQLite type and run on better-sqlite3 (test/broadcasts/commands.test.ts) and on
 * workerd's local D1 (test/workers/broadcasts-d1.test.ts).
 */

const AUDIT_DOWN =
  "create trigger audit_down before insert on audit_log begin select raise(abort, 'audit log down'); end"

/**
 * The Messaging API port as LINE answers it: each push / multicast is recorded with its retry
 * key; `answer` says whether LINE accepts it, says it accepted that retry key before (409), or
 * refuses it (400).
 */
class RecordingLine implements Messenger {
  readonly accepted: { kind: 'push' | 'multicast'; to: string[]; retryKey: string }[] = []
  answer: 'accept' | 'accepted_before' | 'refuse' = 'accept'

  push(to: string, _messages: LineMessage[], retryKey: string) {
    return this.take('push', [to], retryKey)
  }
  multicast(to: string[], _messages: LineMessage[], retryKey: string) {
    return this.take('multicast', to, retryKey)
  }
  private async take(kind: 'push' | 'multicast', to: string[], retryKey: string) {
    if (this.answer === 'refuse')
      throw new SendFailure('rejected', 'The request body has 1 error(s)', 400)
    if (this.answer === 'accepted_before')
      throw new SendFailure('already_accepted', 'The retry key is already accepted', 409, 'req-0')
    this.accepted.push({ kind, to, retryKey })
    return { requestId: `req-${this.accepted.length}` }
  }
  async reply(): Promise<SendResult> {
    throw new Error('broadcasts never reply')
  }
  async messageQuota() {
    return { type: 'none' as const, limit: null, used: 0 }
  }
  async getProfile() {
    return null
  }
  async showLoading() {
    throw new Error('broadcasts never show the loading animation')
  }
}

class Clock {
  constructor(public ms = 1_800_000_000_000) {}
  now = () => this.ms
}

const owner = { id: 1, role: 'owner' as const }
const userId = (i: number) => `U${i.toString(16).padStart(32, '0')}`

const draft = (title: string, patch: Partial<BroadcastDraftParsed> = {}): BroadcastDraftParsed => ({
  title,
  messages: [{ type: 'text', text: '今週末はセールです' }],
  audience: { kind: 'all' },
  scheduledAt: null,
  holdoutPercent: 0,
  attributionDays: 7,
  ...patch,
})

function setup(driver: Driver) {
  const clock = new Clock()
  const line = new RecordingLine()
  const uow = createUnitOfWork(driver.db, driver.atomic, clock)
  const repositories = createRepositories(driver.db, uow)
  const plans: Promise<void>[] = []
  const engine: BroadcastDeps = broadcastDeps({
    db: driver.db,
    atomic: driver.atomic,
    uow,
    repositories,
    messenger: line,
    clock,
    ids: webIds,
    logger: silentLogger,
    links: DEFAULT_LINKS,
    dispatch: async () => {},
    // As a runtime does it, off the request: the test waits for `plans`.
    startPlan: async (id, token) => {
      plans.push(runPlan(engine, id, token))
    },
  })
  const segments = createSegmentService({
    segments: repositories.segments,
    uow,
    now: clock.now,
    timeZone: 'Asia/Tokyo',
  })
  const count = async (query: string) =>
    Number((await driver.query<{ n: number }>(`select count(*) as n from ${query}`))[0]?.n)
  const one = async <T>(query: string, ...params: unknown[]) =>
    (await driver.query<T>(query, ...params))[0]
  return {
    clock,
    line,
    engine,
    plans,
    broadcasts: createBroadcastService(engine),
    segments,
    segmentStore: repositories.segments,
    count,
    one,
  }
}

/** `n` friends who agreed to marketing messages (the summary's triggers make them sendable). */
async function seedMembers(driver: Driver, n: number): Promise<void> {
  await driver.db.run(
    sql.raw(`WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ${n})
      INSERT INTO members (id, line_user_id, member_number, display_name, follow_state,
        follow_state_at, followed_at, created_at, updated_at)
      SELECT i, 'U' || printf('%032x', i), printf('%010d', i), '会員' || i, 'following', 1, 1, 1, 1
      FROM s`),
  )
  await driver.db.run(
    sql.raw(`WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ${n})
      INSERT INTO member_profiles (member_id, interests, marketing_choice, updated_at)
      SELECT i, '[]', 'in', 1 FROM s`),
  )
}

/**
 * Every staff command of segments and broadcasts commits its change with its audit row: with the
 * audit insert made to fail, none of them stores anything (and no test message goes to LINE);
 * with the audit log back, each stores its change and exactly one audit row.
 */
export async function segmentAndBroadcastCommandsAreAtomic(driver: Driver): Promise<void> {
  const w = setup(driver)
  await seedMembers(driver, 3)
  // The owner is also a friend of the account (member 1): test sends reach them.
  await driver.db.run(
    sql.raw(`insert into staff (id, line_user_id, display_name, role, created_at, updated_at)
      values (1, '${userId(1)}', '店長', 'owner', 1, 1)`),
  )
  const rules: SegmentRule = { type: 'all', rules: [{ type: 'tier', op: 'atLeast', tierId: 2 }] }
  const saved = await w.segments.create(owner, { name: '常連さん', rules })
  const a = await w.broadcasts.create(owner, draft('下書き'))
  const ready = await w.broadcasts.create(owner, draft('送る配信'))
  const sending = await w.broadcasts.create(owner, draft('送信中の配信'))
  const paused = await w.broadcasts.create(owner, draft('一時停止中の配信'))
  await driver.db.run(sql`update broadcasts set status = 'sending' where id = ${sending.id}`)
  await driver.db.run(sql`update broadcasts set status = 'paused' where id = ${paused.id}`)
  await driver.db.run(
    sql`insert into broadcast_chunks (broadcast_id, kind, "to", member_ids, recipient_count,
        messages, retry_key, status, attempts, next_attempt_at)
      values (${sending.id}, 'push', ${JSON.stringify([userId(2)])}, '[2]', 1, '[]',
        'retry-key-1', 'pending', 0, 0)`,
  )
  const audited = await w.count('audit_log')
  expect(audited).toBe(5)
  const snapshot = async () => ({
    segments: await driver.query('select id, name, rules, updated_at from segments order by id'),
    broadcasts: await driver.query(
      'select id, title, status, locked_until, updated_at from broadcasts order by id',
    ),
    chunks: await driver.query('select id, status from broadcast_chunks order by id'),
  })
  const before = await snapshot()

  await driver.db.run(sql.raw(AUDIT_DOWN))
  const commands: [string, () => Promise<unknown>][] = [
    ['segment.create', () => w.segments.create(owner, { name: '新しい', rules })],
    ['segment.update', () => w.segments.update(owner, saved.id, { name: '改名' })],
    ['segment.delete', () => w.segments.remove(owner, saved.id)],
    ['broadcast.create', () => w.broadcasts.create(owner, draft('新しい配信'))],
    ['broadcast.update', () => w.broadcasts.update(owner, a.id, draft('書き直し'))],
    ['broadcast.send', () => w.broadcasts.send(owner, ready.id, { confirmOverQuota: false })],
    ['broadcast.pause', () => w.broadcasts.pause(owner, sending.id)],
    ['broadcast.resume', () => w.broadcasts.resume(owner, paused.id)],
    ['broadcast.cancel', () => w.broadcasts.cancel(owner, sending.id)],
    ['broadcast.test_send', () => w.broadcasts.testSend(owner, a.id, [1])],
  ]
  for (const [action, run] of commands)
    await expect(run(), action).rejects.toThrow(/audit log down/)
  expect(await snapshot()).toEqual(before)
  expect(await w.count('audit_log')).toBe(audited)
  expect(w.line.accepted).toEqual([])
  expect(w.plans).toEqual([])

  // With the audit log back, each command stores its change and one audit row.
  await driver.db.run(sql.raw('drop trigger audit_down'))
  for (const [action, run] of commands) {
    const n = await w.count(`audit_log where action = '${action}'`)
    await run()
    expect(await w.count(`audit_log where action = '${action}'`), action).toBe(n + 1)
  }
  await Promise.all(w.plans)
  expect(await w.count('audit_log')).toBe(audited + commands.length)
  expect(await w.count(`segments where id = ${saved.id}`)).toBe(0)
  expect(await w.count(`segments where name = '新しい'`)).toBe(1)
  const status = async (id: number) =>
    (await w.one<{ status: string; title: string }>(
      'select status, title from broadcasts where id = ?',
      id,
    ))!
  expect(await status(a.id)).toEqual({ status: 'draft', title: '書き直し' })
  expect((await status(ready.id)).status).toBe('sending')
  expect((await status(sending.id)).status).toBe('cancelled')
  // Resumed with nothing left to send: done.
  expect((await status(paused.id)).status).toBe('done')
  expect(await w.count(`broadcast_chunks where status = 'cancelled'`)).toBe(1)
  expect(w.line.accepted).toEqual([{ kind: 'push', to: [userId(1)], retryKey: expect.any(String) }])
  // Who did what to which row, with the new rows' own IDs.
  const created = await w.one<{ target_id: string; after: string }>(
    "select target_id, after from audit_log where action = 'broadcast.create' order by id desc limit 1",
  )
  const newest = await w.one<{ id: number }>('select max(id) as id from broadcasts')
  expect(created?.target_id).toBe(String(newest?.id))
  expect(JSON.parse(created?.after ?? 'null')).toEqual({ title: '新しい配信' })
  const segment = await w.one<{ target_id: string; after: string }>(
    "select target_id, after from audit_log where action = 'segment.create' order by id desc limit 1",
  )
  const newSegment = await w.one<{ id: number }>("select id from segments where name = '新しい'")
  expect(segment?.target_id).toBe(String(newSegment?.id))
  expect(JSON.parse(segment?.after ?? 'null')).toMatchObject({ id: newSegment?.id, name: '新しい' })
}

/**
 * `broadcast.chunk_accepted`: one event per chunk LINE accepted (not per recipient), committed
 * with the chunk's own change — none when that commit fails or LINE refuses the chunk, and one
 * only when the same chunk is sent again (LINE answers 409 for its retry key).
 */
export async function chunkAcceptedIsRecordedWithTheChunk(driver: Driver): Promise<void> {
  const w = setup(driver)
  const MEMBERS = 1_201
  await seedMembers(driver, MEMBERS)
  const b = await w.broadcasts.create(owner, draft('一斉配信'))
  await w.broadcasts.send(owner, b.id, { confirmOverQuota: false })
  await Promise.all(w.plans)
  expect(await w.count(`broadcast_chunks where broadcast_id = ${b.id}`)).toBe(3)
  const events = () =>
    driver.query<{ type: string; member_id: number | null; data: string; dedupe_key: string }>(
      "select type, member_id, data, dedupe_key from domain_events where type = 'broadcast.chunk_accepted' order by id",
    )
  const next = async () => {
    const [chunk] = await w.engine.store.claimDueChunks(w.clock.now(), CHUNK_LEASE_MS, 1)
    if (!chunk) throw new Error('no chunk due')
    return chunk
  }
  const chunkState = (id: number) =>
    w.one<{ status: string; sent: number }>(
      `select c.status, (select count(*) from broadcast_recipients r, json_each(c.member_ids) j
         where r.broadcast_id = c.broadcast_id and r.member_id = j.value and r.status = 'sent') as sent
       from broadcast_chunks c where c.id = ?`,
      id,
    )

  // LINE accepts the first chunk, but its commit fails: the chunk is not sent and no event is.
  const first = await next()
  await driver.db.run(
    sql.raw(
      "create trigger recipients_down before update on broadcast_recipients begin select raise(abort, 'database down'); end",
    ),
  )
  await deliverChunk(w.engine, first)
  expect(w.line.accepted).toHaveLength(1)
  expect(await chunkState(first.id)).toEqual({ status: 'pending', sent: 0 })
  expect(await events()).toEqual([])

  // Sent again with the same retry key: LINE answers 409 and the chunk is sent, with its event.
  await driver.db.run(sql.raw('drop trigger recipients_down'))
  w.clock.ms += 120_000
  w.line.answer = 'accepted_before'
  const again = await next()
  expect(again.id).toBe(first.id)
  await deliverChunk(w.engine, again)
  expect(await chunkState(first.id)).toEqual({ status: 'sent', sent: 500 })
  const recorded = await events()
  expect(recorded).toEqual([
    {
      type: 'broadcast.chunk_accepted',
      member_id: null,
      data: expect.any(String),
      dedupe_key: `broadcast.chunk_accepted:${first.id}`,
    },
  ])
  // IDs and a figure only: nobody's LINE user ID or name.
  expect(JSON.parse(recorded[0]!.data)).toEqual({
    broadcastId: b.id,
    chunkId: first.id,
    recipients: 500,
  })

  // A stale sender completes the same chunk once more: still one event for it.
  await deliverChunk(w.engine, again)
  expect(await events()).toHaveLength(1)

  // LINE refuses the second chunk: failed, no event.
  w.line.answer = 'refuse'
  const second = await next()
  await deliverChunk(w.engine, second)
  expect((await chunkState(second.id))?.status).toBe('failed')
  expect(await events()).toHaveLength(1)

  // The third is accepted: its own event. Three chunks for 1,201 members, two events.
  w.line.answer = 'accept'
  const third = await next()
  await deliverChunk(w.engine, third)
  const all = (await events()).map((e) => JSON.parse(e.data) as { recipients: number })
  expect(all).toEqual([
    { broadcastId: b.id, chunkId: first.id, recipients: 500 },
    { broadcastId: b.id, chunkId: third.id, recipients: 201 },
  ])
  expect(
    await w.count(`broadcast_recipients where broadcast_id = ${b.id} and status = 'sent'`),
  ).toBe(701)
  expect(
    (await w.one<{ status: string }>('select status from broadcasts where id = ?', b.id))?.status,
  ).toBe('done')
}

/**
 * A rival's change between a command's checks and its commit (another tab, the sender finishing)
 * fails the whole commit through the store's guard: the command is refused with the current
 * state's reason, and neither its change nor its audit row is stored.
 */
export async function guardsRefuseARivalsChangeInTheCommit(driver: Driver): Promise<void> {
  const w = setup(driver)
  await seedMembers(driver, 2)
  const rules: SegmentRule = { type: 'all', rules: [{ type: 'tier', op: 'atLeast', tierId: 2 }] }
  const segment = await w.segments.create(owner, { name: '上位ランク', rules })
  const b = await w.broadcasts.create(owner, draft('送信中の配信'))
  await driver.db.run(sql`update broadcasts set status = 'sending' where id = ${b.id}`)
  const audited = await w.count('audit_log')

  // The console still saw it sending; the sender finished it just before the pause commits.
  const stale = (await w.engine.store.find(b.id))!
  await driver.db.run(sql`update broadcasts set status = 'done' where id = ${b.id}`)
  let reads = 0
  const racing = createBroadcastService({
    ...w.engine,
    store: {
      ...w.engine.store,
      find: async (id) => (reads++ === 0 ? stale : w.engine.store.find(id)),
    },
  })
  await expect(racing.pause(owner, b.id)).rejects.toMatchObject({
    status: 409,
    code: 'invalid_transition',
    message: 'この配信は「送信完了」のため一時停止できません。',
  })
  expect(
    (await w.one<{ status: string }>('select status from broadcasts where id = ?', b.id))?.status,
  ).toBe('done')

  // A broadcast starts using the segment after the delete's check: the delete is refused.
  const rival = await w.broadcasts.create(
    owner,
    draft('セグメント配信', { audience: { kind: 'segment', segmentId: segment.id } }),
  )
  let checks = 0
  const deleting = createSegmentService({
    segments: {
      ...w.segmentStore,
      activeBroadcastsUsing: async (id) =>
        checks++ === 0 ? [] : w.segmentStore.activeBroadcastsUsing(id),
    },
    uow: w.engine.uow,
    now: w.clock.now,
    timeZone: 'Asia/Tokyo',
  })
  await expect(deleting.remove(owner, segment.id)).rejects.toMatchObject({
    status: 409,
    code: 'segment_in_use',
    message: `このセグメントは配信「${rival.title}」で使われているため削除できません。配信の対象を変えるか、配信を中止してから削除してください。`,
  })
  expect(await w.count(`segments where id = ${segment.id} and name = '上位ランク'`)).toBe(1)
  // Only the rival broadcast's own create was audited meanwhile.
  expect(await w.count('audit_log')).toBe(audited + 1)
}

/**
 * One contact policy for broadcasts and journeys: a member with the weekly cap of marketing pushes
 * in the last 7 days (the journeys' contact log) is left out when the broadcast is planned,
 * recorded with the reason and counted in the estimate; the broadcast's accepted send is then
 * counted in the same log, so the next estimate sees it.
 */
export async function broadcastsHonourTheWeeklyCap(driver: Driver): Promise<void> {
  const w = setup(driver)
  await seedMembers(driver, 5)
  const now = w.clock.now()
  const day = 86_400_000
  // Member 1: two journey pushes this week (at the cap). Member 2: two, but 8 days ago.
  // Member 3: one this week.
  await driver.db.run(
    sql.raw(`insert into marketing_contacts (member_id, at, source, ref) values
      (1, ${now - day}, 'journey', 'journey:1:0'), (1, ${now - 2 * day}, 'journey', 'journey:1:1'),
      (2, ${now - 8 * day}, 'journey', 'journey:2:0'), (2, ${now - 8 * day - 1}, 'journey', 'journey:2:1'),
      (3, ${now - day}, 'journey', 'journey:3:0')`),
  )
  const b = await w.broadcasts.create(owner, draft('週末セール'))
  const e = await w.broadcasts.estimate(b.id)
  expect(e.reach.excluded.frequencyCap).toBe(1)
  expect(e.reach.frequencyCapApplies).toBe(true)
  expect(e.reach.reasons).toContain('直近7日間に2通受け取った方 1人')
  expect(e.recipients).toBe(4)

  await w.broadcasts.send(owner, b.id, { confirmOverQuota: false })
  await Promise.all(w.plans)
  expect(
    (
      await driver.query<{ member_id: number }>(
        `select member_id from broadcast_recipients where broadcast_id = ${b.id} order by member_id`,
      )
    ).map((r) => r.member_id),
  ).toEqual([2, 3, 4, 5])
  expect(
    await driver.query(
      `select member_id, reason from broadcast_skips where broadcast_id = ${b.id}`,
    ),
  ).toEqual([{ member_id: 1, reason: 'frequency_cap' }])

  const [chunk] = await w.engine.store.claimDueChunks(w.clock.now(), CHUNK_LEASE_MS, 1)
  if (!chunk) throw new Error('no chunk due')
  await deliverChunk(w.engine, chunk)
  expect(w.line.accepted.flatMap((a) => a.to)).toEqual([userId(2), userId(3), userId(4), userId(5)])
  expect(await w.count("marketing_contacts where source = 'broadcast'")).toBe(4)
  // Delivered again (a stale sender): still counted once per member.
  await deliverChunk(w.engine, chunk)
  expect(await w.count("marketing_contacts where source = 'broadcast'")).toBe(4)

  // Member 3 is now at the cap too (a journey push and this broadcast).
  const next = await w.broadcasts.create(owner, draft('次の配信'))
  expect((await w.broadcasts.estimate(next.id)).reach.excluded.frequencyCap).toBe(2)
}
