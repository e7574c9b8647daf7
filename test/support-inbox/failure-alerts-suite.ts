import { expect } from 'vitest'
import { createEventStore } from '../../server/src/db/repositories/event-repository.ts'
import { createOutboxRepository } from '../../server/src/db/repositories/outbox-repository.ts'
import { createStaffAlertStore } from '../../server/src/db/repositories/support-alert-repository.ts'
import { createUnitOfWork } from '../../server/src/db/unit-of-work.ts'
import {
  deliverEvents,
  EVENT_HANDLER_MAX_ATTEMPTS,
} from '../../server/src/domain/event-relay/relay.ts'
import type { EventSubscriber } from '../../server/src/domain/event-relay/subscribers.ts'
import { SendFailure, type Messenger } from '../../server/src/domain/messaging/messenger.ts'
import {
  deliverDueMessages,
  OUTBOX_MAX_ATTEMPTS,
  type OutboxDeps,
} from '../../server/src/domain/messaging/outbox.ts'
import { silentLogger, webIds } from '../../server/src/domain/ports.ts'
import { createStaffAlertService } from '../../server/src/domain/support/alerts.ts'
import type { Driver } from '../events/event-suite.ts'

/**
 * Failed background jobs raise a staff alert (one mechanism with the parked webhook alert): a
 * domain event a subscriber gave up on, a message the outbox gave up on, an automatic message
 * LINE refused. Written once, run on better-sqlite3 and on workerd's local D1.
 */

class Clock {
  constructor(public ms = 1_800_000_000_000) {}
  now = () => this.ms
}

function alertsOf(driver: Driver, clock: Clock) {
  return createStaffAlertService({
    alerts: createStaffAlertStore(driver.db),
    uow: createUnitOfWork(driver.db, driver.atomic, clock),
    now: clock.now,
  })
}

async function jobAlerts(driver: Driver, clock: Clock) {
  const page = await alertsOf(driver, clock).list({ status: 'open', limit: 50 })
  return page.items.filter((a) => a.kind === 'job_failed')
}

/** A domain event its subscriber cannot handle is parked after the retries, and staff are alerted. */
export async function aParkedEventRaisesAnAlert(driver: Driver): Promise<void> {
  const clock = new Clock()
  const broken: EventSubscriber = {
    name: 'stamp-card',
    types: ['purchase.recorded'],
    handle: () => Promise.reject(new Error('stamp settings are unreadable')),
  }
  const uow = createUnitOfWork(driver.db, driver.atomic, clock)
  const relay = {
    store: createEventStore(driver.db, driver.atomic),
    subscribers: [broken],
    clock,
    ids: webIds,
    logger: silentLogger,
  }
  await uow.commit([
    uow.event({
      type: 'purchase.recorded',
      memberId: 1,
      data: {
        purchaseId: 1,
        amountYen: 1200,
        source: 'register',
        purchasedAt: clock.now(),
        pointsGranted: 12,
      },
      occurredAt: clock.now(),
      dedupeKey: 'p:1',
    }),
  ])
  expect(await jobAlerts(driver, clock)).toEqual([])
  for (let i = 0; i < EVENT_HANDLER_MAX_ATTEMPTS; i++) {
    await deliverEvents(relay)
    clock.ms += 15 * 60_000
  }
  expect(await driver.query('select subscriber from event_failures')).toEqual([
    { subscriber: 'stamp-card' },
  ])
  const alerts = await jobAlerts(driver, clock)
  expect(alerts).toHaveLength(1)
  expect(alerts[0]?.summary).toContain('stamp-card')
  expect(alerts[0]?.summary).toContain('purchase.recorded')
  expect(alerts[0]?.summary).toContain('stamp settings are unreadable')
  expect(alerts[0]?.memberId).toBeNull()
  expect(await alertsOf(driver, clock).countOpen()).toBeGreaterThan(0)
}

function failingMessenger(failure: () => SendFailure): Messenger & { pushes: number } {
  const messenger = {
    pushes: 0,
    reply: () => Promise.reject(failure()),
    push: () => {
      messenger.pushes++
      return Promise.reject(failure())
    },
    multicast: () => Promise.reject(failure()),
    messageQuota: () => Promise.resolve({ type: 'none' as const, limit: null, used: 0 }),
    getProfile: () => Promise.resolve(null),
    showLoading: () => Promise.resolve(),
  }
  return messenger
}

/**
 * A message the outbox gave up on after its retries is dead and alerts staff, once a day however
 * many die; an automatic message LINE refused alerts too, a refused staff reply does not (its
 * thread shows it where staff resend it).
 */
export async function aDeadOutboxJobRaisesAnAlert(driver: Driver): Promise<void> {
  const clock = new Clock()
  const outbox = createOutboxRepository(
    driver.db,
    createUnitOfWork(driver.db, driver.atomic, clock),
  )
  const down = failingMessenger(() => new SendFailure('retryable', 'Service Unavailable', 503))
  const deps: OutboxDeps = {
    outbox,
    messenger: down,
    clock,
    ids: webIds,
    logger: silentLogger,
  }
  const push = (key: string) =>
    outbox.enqueue({
      dedupeKey: key,
      lineUserId: `U${'a'.repeat(32)}`,
      replyToken: null,
      replyTokenExpiresAt: null,
      retryKey: webIds.uuid(),
      messages: [{ type: 'text', text: 'ご来店ありがとうございました' }],
      now: clock.now(),
    })
  await push('receipt:1')
  await push('receipt:2')
  for (let i = 0; i < OUTBOX_MAX_ATTEMPTS; i++) {
    await deliverDueMessages(deps)
    clock.ms += 60 * 60_000
  }
  expect(await driver.query('select status from outbox order by id')).toEqual([
    { status: 'dead' },
    { status: 'dead' },
  ])
  expect(down.pushes).toBe(2 * OUTBOX_MAX_ATTEMPTS)
  let alerts = await jobAlerts(driver, clock)
  expect(alerts).toHaveLength(1)
  expect(alerts[0]?.summary).toContain(`${OUTBOX_MAX_ATTEMPTS}回試しても`)
  expect(alerts[0]?.summary).toContain('Service Unavailable')

  // LINE refuses (4xx): an automatic message alerts; a staff reply does not.
  const refusing = failingMessenger(
    () => new SendFailure('rejected', 'The request body has 1 error(s)', 400),
  )
  const refusedDeps = { ...deps, messenger: refusing }
  await push('staff-reply:1:abcdefgh')
  await deliverDueMessages(refusedDeps)
  expect(await jobAlerts(driver, clock)).toHaveLength(1)
  await push('journey:1:1')
  await deliverDueMessages(refusedDeps)
  alerts = await jobAlerts(driver, clock)
  expect(alerts).toHaveLength(2)
  expect(alerts[0]?.summary).toContain('自動メッセージを LINE が受け付けませんでした')
  expect(
    await driver.query(
      'select dedupe_key, status from outbox where status = ? order by id',
      'failed',
    ),
  ).toEqual([
    { dedupe_key: 'staff-reply:1:abcdefgh', status: 'failed' },
    { dedupe_key: 'journey:1:1', status: 'failed' },
  ])
}
