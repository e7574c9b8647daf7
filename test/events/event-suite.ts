import { sql } from 'drizzle-orm'
import { expect } from 'vitest'
import type { Atomic } from '../../server/src/db/atomic.ts'
import type { Database } from '../../server/src/db/database.ts'
import { createEventStore } from '../../server/src/db/repositories/event-repository.ts'
import { createUnitOfWork } from '../../server/src/db/unit-of-work.ts'
import type { DomainEvent } from '../../server/src/domain/events/events.ts'
import {
  deliverEvents,
  EVENT_HANDLER_MAX_ATTEMPTS,
  type EventRelayDeps,
} from '../../server/src/domain/event-relay/relay.ts'
import type { EventSubscriber } from '../../server/src/domain/event-relay/subscribers.ts'
import { silentLogger, webIds } from '../../server/src/domain/ports.ts'

/**
 * The domain event relay, written once against the common SQLite type and run on better-sqlite3
 * (test/events/) and on workerd's local D1 (test/workers/events-d1.test.ts).
 */

export interface Driver {
  db: Database
  atomic: Atomic
  /** Read-only SQL against the same database, for assertions. */
  query<T>(sql: string, ...params: unknown[]): Promise<T[]>
}

class Clock {
  constructor(public ms = 1_800_000_000_000) {}
  now = () => this.ms
}

function setup(driver: Driver, subscribers: EventSubscriber[]) {
  const clock = new Clock()
  const uow = createUnitOfWork(driver.db, driver.atomic, clock)
  const store = createEventStore(driver.db, driver.atomic)
  const relay: EventRelayDeps = { store, subscribers, clock, ids: webIds, logger: silentLogger }
  /** Records `n` purchases' events in their own commits (as a command would). */
  const record = async (n: number, key = 'p') => {
    for (let i = 1; i <= n; i++)
      await uow.commit([
        uow.event({
          type: 'purchase.recorded',
          memberId: i,
          data: {
            purchaseId: i,
            amountYen: 1000 * i,
            source: 'register',
            purchasedAt: clock.now(),
            pointsGranted: 10 * i,
          },
          occurredAt: clock.now(),
          dedupeKey: `${key}:${i}`,
        }),
      ])
  }
  const cursor = async (name: string) =>
    (
      await driver.query<{ position: number; attempts: number }>(
        'select position, attempts from event_cursors where subscriber = ?',
        name,
      )
    )[0]
  return { clock, uow, store, relay, record, cursor }
}

/** A subscriber that records what it saw; `failures` makes its first calls throw. */
function recorder(name: string, failures = 0): EventSubscriber & { seen: number[]; calls: number } {
  let left = failures
  const sub = {
    name,
    types: ['purchase.recorded'] as const,
    seen: [] as number[],
    calls: 0,
    async handle(event: DomainEvent) {
      sub.calls++
      if (left-- > 0) throw new Error(`${name} is down`)
      // Idempotent on the event ID, as every subscriber must be.
      if (!sub.seen.includes(event.id)) sub.seen.push(event.id)
    },
  }
  return sub
}

/** A subscriber that throws is retried with backoff (not before), then succeeds and moves on. */
export async function retriesAFailingSubscriber(driver: Driver): Promise<void> {
  const flaky = recorder('flaky', 2)
  const { clock, relay, record, cursor } = setup(driver, [flaky])
  await record(3)
  expect(await deliverEvents(relay)).toBe(0)
  expect(await cursor('flaky')).toEqual({ position: 0, attempts: 1 })
  // Not due again until its backoff has passed.
  await deliverEvents(relay)
  expect(flaky.calls).toBe(1)
  clock.ms += 60_000
  await deliverEvents(relay)
  expect(await cursor('flaky')).toEqual({ position: 0, attempts: 2 })
  clock.ms += 60_000
  expect(await deliverEvents(relay)).toBe(3)
  expect(flaky.seen).toHaveLength(3)
  expect((await cursor('flaky'))?.attempts).toBe(0)
  expect(flaky.calls).toBe(5)
}

/** After its last retry an event is parked for staff with the reason, and the rest go on. */
export async function parksAnEventAfterItsRetries(driver: Driver): Promise<void> {
  const broken = recorder('broken', EVENT_HANDLER_MAX_ATTEMPTS)
  const { clock, relay, record, cursor } = setup(driver, [broken])
  await record(2)
  for (let i = 0; i < EVENT_HANDLER_MAX_ATTEMPTS; i++) {
    await deliverEvents(relay)
    clock.ms += 15 * 60_000
  }
  const parked = await driver.query<{ subscriber: string; error: string; attempts: number }>(
    'select subscriber, error, attempts from event_failures',
  )
  expect(parked).toEqual([
    { subscriber: 'broken', error: 'broken is down', attempts: EVENT_HANDLER_MAX_ATTEMPTS },
  ])
  await deliverEvents(relay)
  expect(broken.seen).toHaveLength(1)
  expect((await cursor('broken'))?.position).toBeGreaterThan(0)
}

/**
 * A replayed command records its event once (dedupe key), and an event handed over twice (a lost
 * lease, a crash before the cursor moved) has one effect.
 */
export async function aReplayedEventHasOneEffect(driver: Driver): Promise<void> {
  const sub = recorder('once')
  const { relay, record } = setup(driver, [sub])
  await record(2, 'same')
  await record(2, 'same')
  expect(
    (
      await driver.query<{ n: number }>(
        "select count(*) as n from domain_events where dedupe_key like 'same:%'",
      )
    )[0]?.n,
  ).toBe(2)
  await deliverEvents(relay)
  // The cursor is wound back as if the runner had died before saving it: the events come again.
  await driver.db.run(
    sql.raw("update event_cursors set position = 0, lease_until = 0 where subscriber = 'once'"),
  )
  await deliverEvents(relay)
  expect(sub.calls).toBe(4)
  expect(sub.seen).toHaveLength(2)
}

/** Two subscribers keep their own cursors: one failing never holds the other back. */
export async function subscribersKeepIndependentCursors(driver: Driver): Promise<void> {
  const healthy = recorder('healthy')
  const down = recorder('down', 1)
  const { clock, relay, record, cursor } = setup(driver, [down, healthy])
  await record(4)
  await deliverEvents(relay)
  expect(healthy.seen).toHaveLength(4)
  expect(down.seen).toHaveLength(0)
  const head = (await driver.query<{ id: number }>('select max(id) as id from domain_events'))[0]
    ?.id
  expect((await cursor('healthy'))?.position).toBe(head)
  expect(await cursor('down')).toEqual({ position: 0, attempts: 1 })
  clock.ms += 60_000
  await deliverEvents(relay)
  expect(down.seen).toHaveLength(4)
  expect((await cursor('down'))?.position).toBe(head)
}

/** Two relays running at once (two processes, two isolates): each event is handled once. */
export async function concurrentRelaysShareTheWork(driver: Driver): Promise<void> {
  const sub = recorder('shared')
  const a = setup(driver, [sub])
  const b = setup(driver, [sub])
  await a.record(10)
  await Promise.all([deliverEvents(a.relay), deliverEvents(b.relay), deliverEvents(a.relay)])
  await deliverEvents(b.relay)
  expect(sub.seen).toHaveLength(10)
  expect(sub.calls).toBe(10)
}

/**
 * A pass claims only a subscriber with an event of its types ready: one whose types do not occur
 * is never claimed (its cursor is not written while it lags little, and moves past the others'
 * events once it lags far), and a reply contributor is not claimed for an event still in the
 * reply window — it gets it once the window has passed.
 */
export async function idleSubscribersAreNotClaimed(driver: Driver): Promise<void> {
  const buyer = recorder('buyer')
  const tiers = { ...recorder('tiers'), types: ['tier.changed'] as const }
  let tierCalls = 0
  tiers.handle = async () => {
    tierCalls++
  }
  const contributed: number[] = []
  const contributor: EventSubscriber = {
    name: 'contributor',
    types: ['purchase.recorded'],
    async handle(event) {
      contributed.push(event.id)
    },
    async replyContribution() {
      return []
    },
  }
  const { clock, relay, record } = setup(driver, [buyer, tiers, contributor])
  const row = async (name: string) =>
    (
      await driver.query<{ position: number; lease_token: string | null; updated_at: number }>(
        'select position, lease_token, updated_at from event_cursors where subscriber = ?',
        name,
      )
    )[0]
  // The first pass makes the cursors.
  await deliverEvents(relay)
  const made = clock.now()
  clock.ms += 1_000
  await record(3)
  await deliverEvents(relay)
  expect(buyer.seen).toHaveLength(3)
  // Neither claimed nor advanced: no tier event, and the purchases are in the reply window.
  expect(await row('tiers')).toEqual({ position: 0, lease_token: null, updated_at: made })
  expect(await row('contributor')).toEqual({ position: 0, lease_token: null, updated_at: made })
  expect(contributed).toEqual([])

  // Far behind over other types' events, the idle cursor moves on (still never claimed).
  await record(300, 'q')
  clock.ms += 1_000
  await deliverEvents(relay, 500)
  expect(buyer.seen).toHaveLength(303)
  const head = (await driver.query<{ id: number }>('select max(id) as id from domain_events'))[0]
    ?.id
  expect(await row('tiers')).toEqual({ position: head, lease_token: null, updated_at: clock.now() })
  expect(tierCalls).toBe(0)
  expect(contributed).toEqual([])

  // Past the reply window the contributor gets every event once.
  clock.ms += 61_000
  await deliverEvents(relay, 500)
  await deliverEvents(relay, 500)
  expect(contributed).toHaveLength(303)
  expect(new Set(contributed).size).toBe(303)
  expect((await row('contributor'))?.position).toBe(head)
}
