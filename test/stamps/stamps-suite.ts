import type { RegisterPurchase, StampCardSettings } from '@joren/shared'
import { sql } from 'drizzle-orm'
import { expect } from 'vitest'
import { couponDeps } from '../../server/src/compose/coupons.ts'
import { composeLoyalty } from '../../server/src/compose/loyalty.ts'
import { createEventStore } from '../../server/src/db/repositories/event-repository.ts'
import { createRepositories } from '../../server/src/db/repositories/index.ts'
import { createStampStore } from '../../server/src/db/repositories/stamp-repository.ts'
import { createUnitOfWork } from '../../server/src/db/unit-of-work.ts'
import type { DomainEvent } from '../../server/src/domain/events/events.ts'
import { deliverEvents, type EventRelayDeps } from '../../server/src/domain/event-relay/relay.ts'
import type { Messenger } from '../../server/src/domain/messaging/messenger.ts'
import { silentLogger, webIds } from '../../server/src/domain/ports.ts'
import {
  createStampService,
  stampCardSubscriber,
  type StampDeps,
} from '../../server/src/domain/stamps/stamps.ts'
import type { Driver } from '../events/event-suite.ts'

/**
 * The stamp card, written once and run on better-sqlite3 (test/stamps/stamps.test.ts) and on
 * workerd's local D1 (test/workers/stamps-d1.test.ts): the subscriber of the purchase events
 * stamps each purchase exactly once (relay redeliveries and concurrent handlers included),
 * reverses a refund once, turns a full card in for its reward coupon once and starts a new card.
 */

const OWNER = { id: 1, role: 'owner' as const }
const noDefer = () => undefined

class Clock {
  constructor(public ms = 1_800_000_000_000) {}
  now = () => this.ms
}

const unusedMessenger = {} as Messenger

function world(driver: Driver) {
  const clock = new Clock()
  const uow = createUnitOfWork(driver.db, driver.atomic, clock)
  const repositories = createRepositories(driver.db, uow)
  const key = crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
    'verify',
  ])
  const store = createEventStore(driver.db, driver.atomic)
  const { loyalty, coupons } = composeLoyalty({
    repositories,
    atomic: driver.atomic,
    uow,
    clock,
    ids: webIds,
    events: store,
    config: { sandbox: false, SHOP_TIMEZONE: 'Asia/Tokyo' },
    jobs: { kickProcessing: () => undefined },
    cardKey: () => key,
  })
  const deps: StampDeps = {
    ...couponDeps({
      repositories,
      atomic: driver.atomic,
      ids: webIds,
      clock,
      timeZone: 'Asia/Tokyo',
    }),
    stamps: createStampStore(driver.db),
    settings: repositories.settings,
    uow,
    links: { liffId: null, publicUrl: 'http://localhost:8787', timeZone: 'Asia/Tokyo' },
    logger: silentLogger,
    members: repositories.members,
    outbox: {
      outbox: repositories.outbox,
      messenger: unusedMessenger,
      clock,
      ids: webIds,
      logger: silentLogger,
    },
  }
  const subscriber = stampCardSubscriber(deps)
  const relay: EventRelayDeps = {
    store,
    subscribers: [subscriber],
    clock,
    ids: webIds,
    logger: silentLogger,
  }
  const stamps = createStampService(deps)
  let members = 0

  const count = async (from: string, ...params: unknown[]) =>
    Number(
      (await driver.query<{ n: number }>(`select count(*) as n from ${from}`, ...params))[0]?.n,
    )

  return {
    clock,
    loyalty,
    coupons,
    stamps,
    subscriber,
    count,
    deliver: () => deliverEvents(relay),
    async member(language = 'ja') {
      members++
      const memberNumber = String(1_000_000_000 + members)
      const lineUserId = `U${String(members).padStart(32, '0')}`
      await driver.db.run(
        sql`insert into members (line_user_id, member_number, follow_state, follow_state_at, language, created_at, updated_at)
          values (${lineUserId}, ${memberNumber}, 'following', 1, ${language}, 1, 1)`,
      )
      const [row] = await driver.query<{ id: number }>(
        'select id from members where member_number = ?',
        memberNumber,
      )
      if (!row) throw new Error('no member')
      return { id: row.id, memberNumber, lineUserId }
    },
    async register(memberNumber: string, amountYen: number) {
      const body: RegisterPurchase = { memberNumber, amountYen, categories: [] }
      const reply = await loyalty.registerPurchase(OWNER, body, noDefer)
      if (reply.replayed) throw new Error('replayed')
      return reply.body.purchase
    },
    async template(perMemberLimit = 5) {
      return coupons.createTemplate(OWNER, {
        kind: 'yen_off',
        title: 'スタンプ満了 500円引き',
        conditions: null,
        imageUrl: null,
        value: 500,
        validity: 'days',
        validDays: 60,
        totalLimit: null,
        perMemberLimit,
        pointsCost: null,
      })
    },
    settings(next: Partial<StampCardSettings> & { rewardTemplateId: number }) {
      return stamps.updateSettings(OWNER, {
        mode: 'both',
        earn: 'visit',
        stampsPerVisit: 1,
        yenPerStamp: 1000,
        goal: 3,
        ...next,
      })
    },
    async events(): Promise<DomainEvent[]> {
      const rows = await driver.query<{
        id: number
        type: string
        member_id: number | null
        data: string
        occurred_at: number
        recorded_at: number
      }>(
        "select id, type, member_id, data, occurred_at, recorded_at from domain_events where type like 'purchase.%' order by id",
      )
      return rows.map(
        (r) =>
          ({
            id: r.id,
            type: r.type,
            memberId: r.member_id,
            data: JSON.parse(r.data) as unknown,
            occurredAt: r.occurred_at,
            recordedAt: r.recorded_at,
          }) as DomainEvent,
      )
    },
    /** What the relay could not handle (nothing, when the subscriber is right). */
    failures: () => count('event_failures'),
    outbox: (lineUserId: string) =>
      driver.query<{ dedupe_key: string; messages: string }>(
        'select dedupe_key, messages from outbox where line_user_id = ? order by id',
        lineUserId,
      ),
  }
}

/**
 * Per visit: each purchase stamps once, a full card issues its reward coupon once and a new card
 * starts; a refund takes its stamps back once; redelivery and concurrent handlers change nothing.
 */
export async function stampsFollowPurchasesExactlyOnce(driver: Driver): Promise<void> {
  const w = world(driver)
  await w.deliver() // the cursor starts after what is there ('latest')
  const reward = await w.template()
  await w.settings({ rewardTemplateId: reward.id })
  const m = await w.member()

  const p1 = await w.register(m.memberNumber, 1_200)
  const p2 = await w.register(m.memberNumber, 800)
  await w.deliver()
  expect(await w.stamps.memberCard(m.memberNumber)).toMatchObject({
    enabled: true,
    goal: 3,
    stamps: 2,
    cardsCompleted: 0,
  })
  // 'both': the purchases still earned points.
  expect(p1.pointsGranted).toBe(12)

  // Every purchase event handled again, each by several concurrent handlers: nothing new.
  const replay = async () => {
    const events = await w.events()
    await Promise.all(events.flatMap((e) => [1, 2, 3].map(() => w.subscriber.handle(e))))
  }
  await replay()
  expect(await w.count("stamp_ledger where kind = 'earn'")).toBe(2)

  // The third stamp fills the card: one reward coupon, one message, a new empty card.
  const p3 = await w.register(m.memberNumber, 500)
  await Promise.all([w.deliver(), w.deliver(), replay()])
  await replay()
  expect(await w.count("stamp_ledger where kind = 'earn'")).toBe(3)
  expect(await w.count("stamp_ledger where kind = 'reward'")).toBe(1)
  expect(await w.count("coupons where source = 'stamp_card'")).toBe(1)
  const [rewardRow] = await driver.query<{ coupon_id: number; card_no: number; stamps: number }>(
    "select coupon_id, card_no, stamps from stamp_ledger where kind = 'reward'",
  )
  const [coupon] = await driver.query<{ id: number; template_id: number; member_id: number }>(
    "select id, template_id, member_id from coupons where source = 'stamp_card'",
  )
  expect(rewardRow).toEqual({ coupon_id: coupon?.id, card_no: 1, stamps: -3 })
  expect(coupon).toMatchObject({ template_id: reward.id, member_id: m.id })
  let card = await w.stamps.memberCard(m.memberNumber)
  expect(card).toMatchObject({ stamps: 0, cardsCompleted: 1 })
  const sent = await w.outbox(m.lineUserId)
  const rewardMessages = sent.filter((o) => o.dedupe_key.startsWith('stamp-reward:'))
  expect(rewardMessages.map((o) => o.dedupe_key)).toEqual([`stamp-reward:${m.id}:1`])
  const messages = JSON.parse(rewardMessages[0]?.messages ?? '[]') as {
    type: string
    text?: string
  }[]
  expect(messages[0]?.text).toContain('スタンプが3個たまりました')
  expect(messages[1]?.type).toBe('flex')

  // The next purchase starts card 2.
  const p4 = await w.register(m.memberNumber, 900)
  await w.deliver()
  expect(await w.stamps.memberCard(m.memberNumber)).toMatchObject({ stamps: 1, cardsCompleted: 1 })

  // Refunding it takes its stamp back, once, however often the refund is delivered.
  await w.loyalty.refund(OWNER, p4.id)
  await w.loyalty.refund(OWNER, p4.id)
  await w.deliver()
  await replay()
  expect(await w.count("stamp_ledger where kind = 'reverse'")).toBe(1)
  card = await w.stamps.memberCard(m.memberNumber)
  expect(card).toMatchObject({ stamps: 0, cardsCompleted: 1 })
  const [reverse] = await driver.query<{ purchase_id: number; stamps: number }>(
    "select purchase_id, stamps from stamp_ledger where kind = 'reverse'",
  )
  expect(reverse).toEqual({ purchase_id: p4.id, stamps: -1 })

  // A refund of a purchase on the card already turned in leaves the card empty, never negative,
  // and the next stamp fills that gap first.
  await w.loyalty.refund(OWNER, p3.id)
  await w.deliver()
  expect(await w.stamps.memberCard(m.memberNumber)).toMatchObject({ stamps: 0, cardsCompleted: 1 })
  await w.register(m.memberNumber, 700)
  await w.register(m.memberNumber, 700)
  await w.deliver()
  expect(await w.stamps.memberCard(m.memberNumber)).toMatchObject({ stamps: 1, cardsCompleted: 1 })

  // The ledger is append-only and sums to what the card shows (2 + 1 − 3 + 1 − 1 − 1 + 2 = 1).
  const [sum] = await driver.query<{ s: number }>(
    'select sum(stamps) as s from stamp_ledger where member_id = ?',
    m.id,
  )
  expect(sum?.s).toBe(1)
  expect(p2.id).toBeGreaterThan(p1.id)
  expect(await w.failures()).toBe(0)
}

/**
 * Per ¥X and stamps only: a purchase earns ⌊amount ÷ X⌋ stamps and no points; several cards can
 * fill at once; a reward coupon over its per-member limit still completes the card, says why in
 * the ledger and tells the member (in English for an English member) that staff hand it over.
 */
export async function stampsPerYenAndRewardsOverTheLimit(driver: Driver): Promise<void> {
  const w = world(driver)
  await w.deliver()
  const reward = await w.template(1)
  await w.settings({
    mode: 'stamps',
    earn: 'yen',
    yenPerStamp: 1000,
    goal: 2,
    rewardTemplateId: reward.id,
  })
  const m = await w.member('en')

  const big = await w.register(m.memberNumber, 4_500) // 4 stamps: two cards
  expect(big.pointsGranted).toBe(0)
  expect(await w.count('point_ledger')).toBe(0)
  const small = await w.register(m.memberNumber, 999) // no stamp
  await w.deliver()

  expect(await w.count("stamp_ledger where kind = 'earn'")).toBe(1)
  const [earn] = await driver.query<{ stamps: number; purchase_id: number }>(
    "select stamps, purchase_id from stamp_ledger where kind = 'earn'",
  )
  expect(earn).toEqual({ stamps: 4, purchase_id: big.id })
  expect(small.pointsGranted).toBe(0)
  const rewards = await driver.query<{
    card_no: number
    coupon_id: number | null
    note: string | null
  }>("select card_no, coupon_id, note from stamp_ledger where kind = 'reward' order by card_no")
  expect(rewards.map((r) => [r.card_no, r.coupon_id !== null, r.note])).toEqual([
    [1, true, null],
    [2, false, 'coupon_member_limit'],
  ])
  expect(await w.count("coupons where source = 'stamp_card'")).toBe(1)
  expect(await w.stamps.memberCard(m.memberNumber)).toMatchObject({ stamps: 0, cardsCompleted: 2 })
  const texts = (await w.outbox(m.lineUserId))
    .filter((o) => o.dedupe_key.startsWith('stamp-reward:'))
    .map((o) => (JSON.parse(o.messages) as { text?: string }[])[0]?.text)
  expect(texts).toEqual([
    expect.stringContaining('You have collected 2 stamps! (card 1 is complete)'),
    expect.stringContaining('Staff will hand you your reward'),
  ])

  // Points only: purchases earn no stamps, and the card is not shown.
  await w.settings({ mode: 'points', rewardTemplateId: reward.id })
  await w.register(m.memberNumber, 5_000)
  await w.deliver()
  expect(await w.count("stamp_ledger where kind = 'earn'")).toBe(1)
  expect((await w.stamps.memberCard(m.memberNumber)).enabled).toBe(false)
  expect(await w.failures()).toBe(0)
}
