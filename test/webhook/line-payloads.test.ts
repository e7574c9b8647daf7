import { readFileSync } from 'node:fs'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { drainOnce } from '../../server/src/domain/webhook/processor.ts'
import { claimOwner, inviteStaff, startWorld, TestClock, type World } from '../auth/world.ts'
import { startLineStandIn, type LineStandIn } from '../../server/src/sandbox/line-stand-in/index.ts'
import { eventually, startJoren, type JorenUnderTest } from '../support/joren-node.ts'
import { postWebhook } from '../support/webhook-client.ts'

/**
 * Real webhook payloads — the webhook test fixtures of LINE's official SDKs, each with its source
 * repository, path and commit in line-payloads.json — sent to the real server one by one and all in
 * one body. The signature is the gate: every signed body is 200; each event is stored, and the
 * ones of an unknown type or without the documented envelope are parked (never refused, never
 * taking their neighbours with them).
 */

interface Payload {
  name: string
  source: string
  locator: string
  destination?: string
  event: Record<string, unknown>
  expect: 'stored' | 'parked'
}
const fixture = JSON.parse(
  readFileSync(new URL('./line-payloads.json', import.meta.url), 'utf8'),
) as {
  sources: Record<string, { repository: string; path: string; commit: string }>
  payloads: Payload[]
}
const payloads = fixture.payloads

/**
 * The SDK fixtures reuse placeholder webhookEventIds ("testwebhookeventid" in every python-v3 and
 * php event): where a payload has one, it gets its own here, so each lands in its own row.
 */
function uniquelyIdentified(payload: Payload, index: number): Record<string, unknown> {
  const event = payload.event
  return typeof event.webhookEventId === 'string'
    ? { ...event, webhookEventId: `${event.webhookEventId}-${index}` }
    : event
}

const body = (events: unknown[], destination = 'U' + 'f'.repeat(32)) =>
  JSON.stringify({ destination, events })

/** Users the fixtures name with valid LINE user IDs, so profile look-ups find them. */
const FIXTURE_USERS = ['U206d25c2ea6bd87c17655609a1c37cb8', 'U8189cf6745fc0d808977bdb0b9f22995']

let standIn: LineStandIn
beforeAll(async () => {
  standIn = await startLineStandIn({ rateLimits: false })
  for (const userId of FIXTURE_USERS) standIn.createUser({ userId, displayName: 'SDK' })
})
afterAll(async () => {
  await standIn.close()
})

describe('the fixture file', () => {
  it('names the source repository, path and commit of every payload', () => {
    expect(payloads.length).toBeGreaterThan(100)
    for (const payload of payloads) {
      const source = fixture.sources[payload.source]
      expect(source, payload.name).toMatchObject({
        repository: expect.stringMatching(/^line\/line-bot-sdk-/),
        path: expect.any(String),
        commit: expect.stringMatching(/^[0-9a-f]{40}$/),
      })
      expect(payload.locator, payload.name).not.toBe('')
    }
    // Every event type LINE documents appears, among them those LINE's OpenAPI document lacks.
    const types = new Set(payloads.map((p) => p.event.type))
    for (const type of [
      'message',
      'messageEdited',
      'follow',
      'unfollow',
      'join',
      'leave',
      'memberJoined',
      'memberLeft',
      'postback',
      'unsend',
      'videoPlayComplete',
      'beacon',
      'accountLink',
      'membership',
      'module',
      'activated',
      'deactivated',
      'botSuspended',
      'botResumed',
      'delivery',
    ])
      expect(types, type).toContain(type)
  })
})

describe('real LINE webhook payloads', () => {
  let joren: JorenUnderTest
  afterEach(async () => {
    await joren.close()
  })

  const rows = () =>
    joren.rows<{ event_id: string; type: string; status: string; last_error: string | null }>(
      'select event_id, type, status, last_error from webhook_events order by rowid',
    )

  /** Runs the processor until nothing is due; the stored events end handled, none failed. */
  async function processAll() {
    const deps = joren.server.background.processorDeps
    for (let pass = 0; pass < 50; pass++) if ((await drainOnce(deps)) === 0) break
    const unhandled = joren.rows(
      "select event_id, type, status, last_error from webhook_events where status not in ('done', 'ignored', 'parked') or (status <> 'parked' and last_error is not null)",
    )
    expect(unhandled).toEqual([])
  }

  it('accepts each payload alone with 200, stores it, and parks exactly the unknown or legacy ones', async () => {
    joren = await startJoren(standIn, { process: false })
    // Processing is driven by hand below: the rows are seen as the webhook stored them.
    await joren.server.processor.stop()
    const secret = { secret: standIn.channelSecret }
    for (const [i, payload] of payloads.entries()) {
      const before = rows().length
      const sent = JSON.stringify({
        ...(payload.destination === undefined ? {} : { destination: payload.destination }),
        events: [uniquelyIdentified(payload, i)],
      })
      const res = await postWebhook(`${joren.server.url}/webhook`, sent, secret)
      expect({ name: payload.name, status: res.status }).toEqual({
        name: payload.name,
        status: 200,
      })
      const stored = rows()
      expect(stored.length, payload.name).toBe(before + 1)
      const row = stored.at(-1)
      expect({ name: payload.name, status: row?.status }).toEqual({
        name: payload.name,
        status: payload.expect === 'parked' ? 'parked' : 'pending',
      })
      if (payload.expect === 'parked') expect(row?.last_error, payload.name).toMatch(/[ぁ-んァ-ヶ]/)
    }
    await processAll()
  })

  it('accepts them all in one body with 200, storing every event and parking the same ones', async () => {
    joren = await startJoren(standIn, { process: false })
    // Processing is driven by hand below: the rows are seen as the webhook stored them.
    await joren.server.processor.stop()
    const events = payloads.map(uniquelyIdentified)
    const res = await postWebhook(`${joren.server.url}/webhook`, body(events), {
      secret: standIn.channelSecret,
    })
    expect(res.status).toBe(200)
    const stored = rows()
    expect(stored).toHaveLength(payloads.length)
    expect(stored.filter((r) => r.status === 'parked').length).toBe(
      payloads.filter((p) => p.expect === 'parked').length,
    )
    const parkedTypes = stored.filter((r) => r.status === 'parked').map((r) => r.type)
    expect(parkedTypes).toEqual(
      payloads.filter((p) => p.expect === 'parked').map((p) => String(p.event.type ?? '')),
    )
    await processAll()

    // The python-v3 fixture body exactly as published (28 events, one shared webhookEventId):
    // 200, and the shared ID is one event, stored once.
    const python = payloads.filter((p) => p.source === 'python-v3').map((p) => p.event)
    const verbatim = await postWebhook(`${joren.server.url}/webhook`, body(python, 'U123'), {
      secret: standIn.channelSecret,
    })
    expect(verbatim.status).toBe(200)
    expect(
      joren.rows("select count(*) as n from webhook_events where event_id = 'testwebhookeventid'"),
    ).toEqual([{ n: 1 }])
  })
})

describe('standby mode and parked events', () => {
  const clock = new TestClock()
  let world: World
  afterEach(async () => {
    await world.joren.close()
  })

  it('a follow in standby (no replyToken) creates the member and its state, and is never answered', async () => {
    world = await startWorld(standIn, clock)
    const user = standIn.createUser({ displayName: '待機中のお客さま', language: 'ja' })
    // The python-v3 follow, as LINE sends it while a module owns the chat: mode standby and no
    // replyToken (LINE's documentation; its OpenAPI document still marks replyToken required).
    const fixtureFollow = payloads.find(
      (p) => p.source === 'python-v3' && p.event.type === 'follow',
    )
    expect(fixtureFollow).toBeDefined()
    const { replyToken: _, ...follow } = fixtureFollow!.event
    const standby = {
      ...follow,
      mode: 'standby',
      timestamp: Date.now(),
      source: { type: 'user', userId: user.userId },
      webhookEventId: '01STANDBYFOLLOW0000000000A',
    }
    const res = await standIn.deliver([standby as never])
    expect(res.status).toBe(200)
    await eventually(() =>
      expect(world.joren.rows('select status from webhook_events')).toEqual([{ status: 'done' }]),
    )
    expect(
      world.joren.rows('select line_user_id, display_name, follow_state from members'),
    ).toEqual([
      { line_user_id: user.userId, display_name: '待機中のお客さま', follow_state: 'following' },
    ])
    await world.joren.server.processor.idle()
    expect(world.joren.rows('select * from outbox')).toEqual([])
    expect(standIn.received(user.userId)).toEqual([])
    expect(standIn.requests().filter((r) => r.path.startsWith('/v2/bot/message/'))).toEqual([])
  })

  it('parks an unknown event type with a staff alert, shows it to admins with the reason, and handles its neighbour', async () => {
    world = await startWorld(standIn, clock)
    const owner = await claimOwner(world)
    const admin = await inviteStaff(world, owner, 'admin')
    const staff = await inviteStaff(world, owner, 'staff')
    const user = standIn.createUser({ displayName: '隣のお客さま' })
    const unknown = payloads.find((p) => p.source === 'python-v3' && p.event.type === 'undefined')
    expect(unknown).toBeDefined()
    const neighbour = standIn.buildEvent.follow(user.userId)
    const res = await postWebhook(
      `${world.joren.server.url}/webhook`,
      body([{ ...unknown!.event, webhookEventId: '01UNKNOWNTYPE000000000000A' }, neighbour]),
      { secret: standIn.channelSecret },
    )
    expect(res.status).toBe(200)
    await eventually(() => expect(standIn.received(user.userId)).toHaveLength(2))
    expect(
      world.joren.rows('select event_id, status, last_error from webhook_events order by rowid'),
    ).toEqual([
      {
        event_id: '01UNKNOWNTYPE000000000000A',
        status: 'parked',
        last_error: 'このバージョンが知らない種類のイベント（undefined）です',
      },
      { event_id: neighbour.webhookEventId, status: 'done', last_error: null },
    ])
    expect(
      world.joren.rows(
        "select kind, member_id, summary from staff_alerts where kind <> 'new_conversation'",
      ),
    ).toEqual([
      {
        kind: 'webhook_parked',
        member_id: null,
        summary: expect.stringContaining('このバージョンが知らない種類のイベント（undefined）です'),
      },
    ])

    const list = await world.api('GET', '/api/staff/webhook-events', { token: admin.token() })
    expect(list.status).toBe(200)
    expect(list.body).toEqual({
      items: [
        {
          eventId: '01UNKNOWNTYPE000000000000A',
          type: 'undefined',
          status: 'parked',
          reason: 'このバージョンが知らない種類のイベント（undefined）です',
          receivedAt: expect.any(Number),
          eventAt: unknown!.event.timestamp,
          attempts: 0,
          memberNumber: null,
          memberName: null,
          payload: expect.stringContaining('"undefinedField"'),
          payloadTruncated: false,
        },
      ],
      nextCursor: null,
    })
    const alerts = await world.api<{ items: { kind: string; memberId: null }[] }>(
      'GET',
      '/api/staff/alerts',
      { token: staff.token() },
    )
    expect(alerts.body.items.map((a) => a.kind)).toContain('webhook_parked')
    // Staff (not admin) see the alert but not the stored events.
    expect(
      (await world.api('GET', '/api/staff/webhook-events', { token: staff.token() })).status,
    ).toBe(403)
  })

  it('lists an event that failed on every try as dead, with the reason framed in Japanese', async () => {
    world = await startWorld(standIn, clock)
    const owner = await claimOwner(world)
    await world.joren.server.processor.stop()
    const user = standIn.createUser({ displayName: '失敗' })
    const fault = standIn.inject({ kind: 'status', status: 403, path: /^\/v2\/bot\/profile\// })
    const follow = standIn.buildEvent.follow(user.userId)
    expect((await standIn.deliver([follow])).status).toBe(200)
    const deps = world.joren.server.background.processorDeps
    for (let i = 0; i < 8; i++) {
      world.joren.server.database.sqlite
        .prepare('update webhook_events set next_attempt_at = 0 where status = ?')
        .run('pending')
      await drainOnce(deps)
    }
    expect(world.joren.rows('select status, attempts from webhook_events')).toEqual([
      { status: 'dead', attempts: 8 },
    ])
    const list = await world.api<{ items: { status: string; reason: string }[] }>(
      'GET',
      '/api/staff/webhook-events?status=dead',
      { token: owner.token() },
    )
    expect(list.body.items).toEqual([
      expect.objectContaining({
        status: 'dead',
        reason: expect.stringMatching(/^8回試しても処理できませんでした（最後のエラー: .+）$/),
      }),
    ])
    expect(world.joren.rows("select kind from staff_alerts where kind = 'webhook_parked'")).toEqual(
      [{ kind: 'webhook_parked' }],
    )
    fault.remove()
  })
})
