import type { RegisterPurchase } from '@joren/shared'
import { sql } from 'drizzle-orm'
import { expect } from 'vitest'
import { couponDeps } from '../../server/src/compose/coupons.ts'
import { composeLoyalty, loyaltyUpkeep } from '../../server/src/compose/loyalty.ts'
import { createEventStore } from '../../server/src/db/repositories/event-repository.ts'
import { createRepositories } from '../../server/src/db/repositories/index.ts'
import { createUnitOfWork } from '../../server/src/db/unit-of-work.ts'
import { issueCoupon } from '../../server/src/domain/coupons/coupons.ts'
import { recomputeTier } from '../../server/src/domain/loyalty/loyalty.ts'
import { webIds } from '../../server/src/domain/ports.ts'
import type { Driver } from '../events/event-suite.ts'

/**
 * Loyalty and coupons on the unit of work, written once and run on better-sqlite3
 * (test/loyalty/loyalty-events.test.ts) and on workerd's local D1
 * (test/workers/loyalty-events-d1.test.ts): every staff command commits its change with its audit
 * row (with the audit insert failing, neither is stored), and every domain event is written with
 * its change, once under a replay, and not when the change fails.
 */

const DAY = 86_400_000
const OWNER = { id: 1, role: 'owner' as const }
const noDefer = () => undefined

class Clock {
  constructor(public ms = 1_800_000_000_000) {}
  now = () => this.ms
}

interface EventRow {
  memberId: number | null
  data: Record<string, unknown>
  dedupeKey: string | null
}

function world(driver: Driver) {
  const clock = new Clock()
  const uow = createUnitOfWork(driver.db, driver.atomic, clock)
  const repositories = createRepositories(driver.db, uow)
  const key = crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
    'verify',
  ])
  const input = {
    repositories,
    atomic: driver.atomic,
    uow,
    clock,
    ids: webIds,
    timeZone: 'Asia/Tokyo',
    sandbox: false,
  }
  const { loyalty, coupons } = composeLoyalty({
    ...input,
    events: createEventStore(driver.db, driver.atomic),
    config: { sandbox: false, SHOP_TIMEZONE: 'Asia/Tokyo' },
    jobs: { kickProcessing: () => undefined },
    cardKey: () => key,
  })
  let members = 0

  const count = async (from: string, ...params: unknown[]) =>
    Number(
      (await driver.query<{ n: number }>(`select count(*) as n from ${from}`, ...params))[0]?.n,
    )

  return {
    clock,
    uow,
    repositories,
    loyalty,
    coupons,
    upkeep: loyaltyUpkeep(input),
    count,
    /** A following member; returns its ID and member number. */
    async member() {
      members++
      const memberNumber = String(1_000_000_000 + members)
      const lineUserId = `U${String(members).padStart(32, '0')}`
      await driver.db.run(
        sql`insert into members (line_user_id, member_number, follow_state, follow_state_at, created_at, updated_at)
          values (${lineUserId}, ${memberNumber}, 'following', 1, 1, 1)`,
      )
      const [row] = await driver.query<{ id: number }>(
        'select id from members where member_number = ?',
        memberNumber,
      )
      if (!row) throw new Error('no member')
      return { id: row.id, memberNumber }
    },
    register(memberNumber: string, amountYen: number, requestId?: string) {
      const body: RegisterPurchase = { memberNumber, amountYen, categories: [], requestId }
      return loyalty.registerPurchase(OWNER, body, noDefer)
    },
    async events(type: string): Promise<EventRow[]> {
      const rows = await driver.query<{
        member_id: number | null
        data: string
        dedupe_key: string | null
      }>('select member_id, data, dedupe_key from domain_events where type = ? order by id', type)
      return rows.map((r) => ({
        memberId: r.member_id,
        data: JSON.parse(r.data) as Record<string, unknown>,
        dedupeKey: r.dedupe_key,
      }))
    },
    /** The audit log refuses (or accepts again) every write. */
    async auditDown(down: boolean) {
      await driver.db.run(
        sql.raw(
          down
            ? "create trigger audit_down before insert on audit_log begin select raise(abort, 'audit log down'); end"
            : 'drop trigger audit_down',
        ),
      )
    },
    /** Makes inserts or updates of a table fail while set (`when`: an SQL condition on NEW). */
    async failing(table: string, on: 'insert' | 'update', when = '1') {
      const name = `${table}_${on}_down`
      await driver.db.run(
        sql.raw(
          `create trigger ${name} before ${on} on ${table} when ${when} begin select raise(abort, '${table} down'); end`,
        ),
      )
      return () => driver.db.run(sql.raw(`drop trigger ${name}`))
    },
  }
}

type World = ReturnType<typeof world>

async function template(w: World, overrides: Record<string, unknown> = {}) {
  return w.coupons.createTemplate(OWNER, {
    kind: 'yen_off',
    title: '100円引き',
    conditions: null,
    imageUrl: null,
    value: 100,
    validity: 'days',
    validDays: 30,
    totalLimit: null,
    perMemberLimit: 5,
    pointsCost: null,
    ...overrides,
  } as Parameters<World['coupons']['createTemplate']>[1])
}

/** Loyalty's staff commands: with the audit insert failing, neither the change nor its row. */
export async function loyaltyCommandsCommitWithTheirAudit(driver: Driver): Promise<void> {
  const w = world(driver)
  const m = await w.member()
  const made = await w.register(m.memberNumber, 10_000)
  if (made.replayed) throw new Error('not a new purchase')
  const purchaseId = made.body.purchase.id
  const { apiKey: live } = await w.loyalty.createApiKey(OWNER, {
    name: 'POS',
    scopes: ['purchases:write'],
  })
  const before = {
    audit: await w.count('audit_log'),
    events: await w.count('domain_events'),
    ledger: await w.count('point_ledger'),
    tiers: JSON.stringify(await w.loyalty.settings()),
  }
  expect(before.audit).toBe(2)

  await w.auditDown(true)
  const refused = /audit log down/
  await expect(w.register(m.memberNumber, 2_000)).rejects.toThrow(refused)
  await expect(w.loyalty.refund(OWNER, purchaseId)).rejects.toThrow(refused)
  await expect(w.loyalty.adjustPoints(OWNER, m.memberNumber, 50, '来店特典')).rejects.toThrow(
    refused,
  )
  await expect(w.loyalty.adjustPoints(OWNER, m.memberNumber, -30, '景品')).rejects.toThrow(refused)
  const csv = new TextEncoder().encode(
    `member_number,amount,external_id\n${m.memberNumber},3000,csv-1\n`,
  )
  await expect(w.loyalty.importCsv(OWNER, csv, false)).rejects.toThrow(refused)
  await expect(
    w.loyalty.updateRule(OWNER, {
      yenPerPoint: 50,
      rounding: 'floor',
      expiryMonths: 6,
      excludedCategories: [],
    }),
  ).rejects.toThrow(refused)
  await expect(
    w.loyalty.updateTiers(OWNER, [{ name: 'メンバー', minSpendYen: 0, multiplierPercent: 100 }]),
  ).rejects.toThrow(refused)
  await expect(
    w.loyalty.createApiKey(OWNER, { name: 'EC', scopes: ['purchases:write'] }),
  ).rejects.toThrow(refused)
  await expect(w.loyalty.revokeApiKey(OWNER, live.id)).rejects.toThrow(refused)

  expect(await w.count('purchases')).toBe(1)
  expect(await w.count("purchases where status = 'completed'")).toBe(1)
  expect(await w.count('point_ledger')).toBe(before.ledger)
  expect(await w.count('idempotency_keys')).toBe(1)
  expect(await w.count("settings where key = 'loyalty_rule'")).toBe(0)
  expect(JSON.stringify(await w.loyalty.settings())).toBe(before.tiers)
  expect(await w.count('api_keys')).toBe(1)
  expect(await w.count('api_keys where revoked_at is null')).toBe(1)
  expect(await w.count('audit_log')).toBe(before.audit)
  expect(await w.count('domain_events')).toBe(before.events)

  // With the audit log back, each command stores its change and its row together.
  await w.auditDown(false)
  const second = await w.register(m.memberNumber, 2_000)
  expect(second.replayed).toBe(false)
  await w.loyalty.refund(OWNER, purchaseId)
  await w.loyalty.adjustPoints(OWNER, m.memberNumber, 50, '来店特典')
  await w.loyalty.adjustPoints(OWNER, m.memberNumber, -30, '景品')
  expect((await w.loyalty.importCsv(OWNER, csv, false)).committed).toBe(1)
  await w.loyalty.revokeApiKey(OWNER, live.id)
  // A second revoke changes nothing and records nothing.
  await w.loyalty.revokeApiKey(OWNER, live.id)
  const actions = await driver.query<{ action: string; target_id: string | null; after: string }>(
    'select action, target_id, after from audit_log order by id',
  )
  expect(actions.slice(2).map((a) => a.action)).toEqual([
    'purchase.register',
    'purchase.refund',
    'points.adjust',
    'points.adjust',
    'purchases.import',
    'apikey.revoke',
  ])
  // The register's row names the purchase it committed with; adjustments their final balance.
  const [registered] = await driver.query<{ id: number }>(
    'select id from purchases where amount_yen = 2000',
  )
  expect(actions[2]?.target_id).toBe(String(registered?.id))
  expect(JSON.parse(actions[4]?.after ?? '{}')).toMatchObject({ balance: 70, points: 50 })
  expect(JSON.parse(actions[5]?.after ?? '{}')).toMatchObject({ balance: 40, points: -30 })
}

/** Coupons' staff commands: with the audit insert failing, neither the change nor its row. */
export async function couponCommandsCommitWithTheirAudit(driver: Driver): Promise<void> {
  const w = world(driver)
  const m = await w.member()
  const t = await template(w)
  const kept = await w.coupons.issue(OWNER, m.memberNumber, t.id)
  const other = await w.coupons.issue(OWNER, m.memberNumber, t.id)
  const audit = await w.count('audit_log')
  const events = await w.count('domain_events')

  await w.auditDown(true)
  const refused = /audit log down/
  await expect(template(w, { title: '新しいクーポン' })).rejects.toThrow(refused)
  await expect(w.coupons.updateTemplate(OWNER, t.id, { title: '改題' })).rejects.toThrow(refused)
  await expect(w.coupons.archiveTemplate(OWNER, t.id)).rejects.toThrow(refused)
  await expect(w.coupons.setWelcome(OWNER, { templateId: t.id })).rejects.toThrow(refused)
  await expect(w.coupons.issue(OWNER, m.memberNumber, t.id)).rejects.toThrow(refused)
  await expect(w.coupons.revoke(OWNER, m.memberNumber, kept.id)).rejects.toThrow(refused)
  await expect(
    w.coupons.redeemAtRegister(OWNER, { couponId: other.id, memberNumber: m.memberNumber }),
  ).rejects.toThrow(refused)

  expect(await w.count('coupon_templates')).toBe(1)
  expect(await driver.query('select title, status, issued_count from coupon_templates')).toEqual([
    { title: '100円引き', status: 'active', issued_count: 2 },
  ])
  expect(await w.count("settings where key = 'welcome_coupon'")).toBe(0)
  expect(await driver.query('select state from coupons order by id')).toEqual([
    { state: 'issued' },
    { state: 'issued' },
  ])
  expect(await w.count('audit_log')).toBe(audit)
  expect(await w.count('domain_events')).toBe(events)

  await w.auditDown(false)
  await w.coupons.updateTemplate(OWNER, t.id, { title: '改題' })
  await w.coupons.revoke(OWNER, m.memberNumber, kept.id)
  await w.coupons.redeemAtRegister(OWNER, { couponId: other.id, memberNumber: m.memberNumber })
  await w.coupons.archiveTemplate(OWNER, t.id)
  const rows = await driver.query<{ action: string; target_id: string; after: string }>(
    'select action, target_id, after from audit_log order by id',
  )
  expect(rows.map((r) => r.action)).toEqual([
    'coupon_template.create',
    'coupon.issue',
    'coupon.issue',
    'coupon_template.update',
    'coupon.revoke',
    'coupon.redeem',
    'coupon_template.archive',
  ])
  // The issue's row names the coupon its commit created.
  expect(JSON.parse(rows[1]?.after ?? '{}')).toEqual({ couponId: kept.id, templateId: t.id })
  expect(JSON.parse(rows[2]?.after ?? '{}')).toEqual({ couponId: other.id, templateId: t.id })
}

/**
 * purchase.recorded and points.granted: with the purchase (register, API, CSV), once under a
 * resend, a retry after a crash or a re-import, and not when the purchase fails.
 */
export async function purchaseEventsAreRecordedOnce(driver: Driver): Promise<void> {
  const w = world(driver)
  const m = await w.member()
  const requestId = crypto.randomUUID()
  const first = await w.register(m.memberNumber, 5_400, requestId)
  if (first.replayed) throw new Error('not a new purchase')
  const id = first.body.purchase.id
  expect(await w.events('purchase.recorded')).toEqual([
    {
      memberId: m.id,
      data: {
        purchaseId: id,
        amountYen: 5_400,
        source: 'register',
        purchasedAt: w.clock.now(),
        pointsGranted: 54,
      },
      dedupeKey: expect.stringContaining('register:') as unknown as string,
    },
  ])
  expect((await w.events('points.granted')).map((e) => e.data)).toEqual([
    { points: 54, kind: 'grant', purchaseId: id, expiresAt: expect.any(Number) as number },
  ])

  // The same register request again: the first answer, nothing new recorded.
  const again = await w.register(m.memberNumber, 5_400, requestId)
  expect(again.replayed).toBe(true)
  // A crash after the commit, before the answer was stored: the retry rebuilds it, records nothing.
  await driver.db.run(
    sql.raw(
      `update idempotency_keys set status = null, response = '{"purchaseId":${id}}' where "key" = 'register:${requestId}'`,
    ),
  )
  const rebuilt = await w.register(m.memberNumber, 5_400, requestId)
  expect(rebuilt).toMatchObject({ replayed: false, body: { purchase: { id } } })
  expect(await w.events('purchase.recorded')).toHaveLength(1)
  expect(await w.events('points.granted')).toHaveLength(1)

  // The integration API: the same Idempotency-Key replays, a taken external ID records nothing.
  const { apiKey } = await w.loyalty.createApiKey(OWNER, {
    name: 'POS',
    scopes: ['purchases:write'],
  })
  const api = (idempotencyKey: string, amountYen: number) => {
    const input = { memberNumber: m.memberNumber, amountYen, categories: [], externalId: 'pos-1' }
    const raw = JSON.stringify(input)
    return w.loyalty.recordApiPurchase(apiKey, { idempotencyKey, raw, input }, noDefer)
  }
  const viaApi = await api('k-1', 1_000)
  expect(viaApi.replayed).toBe(false)
  expect((await api('k-1', 1_000)).replayed).toBe(true)
  await expect(api('k-2', 1_000)).rejects.toMatchObject({ code: 'duplicate_external_id' })
  const recorded = await w.events('purchase.recorded')
  expect(recorded.map((e) => e.data.source)).toEqual(['register', 'api'])
  expect(recorded[1]?.dedupeKey).toBe(`purchase.recorded:${apiKey.id}:k-1`)

  // A purchase whose commit fails (the audit log is down) records nothing.
  await w.auditDown(true)
  await expect(w.register(m.memberNumber, 700)).rejects.toThrow(/audit log down/)
  await w.auditDown(false)
  expect(await w.events('purchase.recorded')).toHaveLength(2)

  // CSV: one event per imported row; a re-import skips them and records nothing.
  const csv = new TextEncoder().encode(
    [
      'member_number,amount,purchased_at,external_id',
      // Days before the clock (2027-01-15): points expire counting from the purchase date.
      `${m.memberNumber},1200,2027-01-10T09:00:00+09:00,csv-a`,
      `${m.memberNumber},800,2027-01-11T09:00:00+09:00,csv-b`,
    ].join('\n'),
  )
  expect((await w.loyalty.importCsv(OWNER, csv, true)).committed).toBe(0)
  expect(await w.events('purchase.recorded')).toHaveLength(2)
  expect((await w.loyalty.importCsv(OWNER, csv, false)).committed).toBe(2)
  expect((await w.loyalty.importCsv(OWNER, csv, false)).committed).toBe(0)
  const imported = (await w.events('purchase.recorded')).slice(2)
  const ids = await driver.query<{ id: number; external_id: string }>(
    "select id, external_id from purchases where source = 'csv' order by id",
  )
  expect(imported.map((e) => [e.data.purchaseId, e.data.amountYen, e.data.source])).toEqual([
    [ids[0]?.id, 1200, 'csv'],
    [ids[1]?.id, 800, 'csv'],
  ])
  expect((await w.events('points.granted')).map((e) => e.data.purchaseId)).toEqual([
    id,
    viaApi.replayed ? null : viaApi.body.purchase.id,
    ids[0]?.id,
    ids[1]?.id,
  ])
}

/** purchase.refunded: with the refund, once when repeated, and not when it is refused. */
export async function refundEventIsRecordedOnce(driver: Driver): Promise<void> {
  const w = world(driver)
  const m = await w.member()
  const made = await w.register(m.memberNumber, 10_000)
  const spent = await w.register(m.memberNumber, 3_000)
  if (made.replayed || spent.replayed) throw new Error('not new purchases')
  await w.loyalty.refund(OWNER, made.body.purchase.id)
  await w.loyalty.refund(OWNER, made.body.purchase.id)
  expect(await w.events('purchase.refunded')).toEqual([
    {
      memberId: m.id,
      data: { purchaseId: made.body.purchase.id, amountYen: 10_000, pointsReversed: 100 },
      dedupeKey: `purchase.refunded:${made.body.purchase.id}`,
    },
  ])
  // The other purchase's points were spent: its refund is refused and records nothing.
  await w.loyalty.adjustPoints(OWNER, m.memberNumber, -20, '景品')
  await expect(w.loyalty.refund(OWNER, spent.body.purchase.id)).rejects.toMatchObject({
    code: 'not_enough_points',
  })
  expect(await w.events('purchase.refunded')).toHaveLength(1)
  expect(await w.count("audit_log where action = 'purchase.refund'")).toBe(1)
}

/**
 * points.granted / points.spent from staff adjustments and points.expired from the periodic
 * expiry: with the change, once per lot however often expiry runs, and not when it fails.
 */
export async function pointsEventsFollowTheLedger(driver: Driver): Promise<void> {
  const w = world(driver)
  const m = await w.member()
  await w.loyalty.adjustPoints(OWNER, m.memberNumber, 80, '来店特典')
  await w.loyalty.adjustPoints(OWNER, m.memberNumber, -30, '景品')
  await expect(w.loyalty.adjustPoints(OWNER, m.memberNumber, -51, '誤り')).rejects.toMatchObject({
    code: 'not_enough_points',
  })
  expect(await w.events('points.granted')).toEqual([
    {
      memberId: m.id,
      data: { points: 80, kind: 'adjust', purchaseId: null, expiresAt: expect.any(Number) },
      dedupeKey: expect.stringMatching(/^points\.granted:adjust:/) as unknown as string,
    },
  ])
  expect(await w.events('points.spent')).toEqual([
    { memberId: m.id, data: { points: 30, kind: 'adjust', couponId: null }, dedupeKey: null },
  ])

  // A second lot, then both past their expiry (12 months by default).
  await w.register(m.memberNumber, 2_000)
  w.clock.ms += 400 * DAY
  // While the ledger refuses expiry entries, nothing expires and nothing is recorded.
  const restore = await w.failing('point_ledger', 'insert', "new.kind = 'expire'")
  await expect(w.upkeep.expirePoints(w.clock.now())).rejects.toThrow(/point_ledger down/)
  expect(await w.events('points.expired')).toEqual([])
  await restore()
  expect(await w.upkeep.expirePoints(w.clock.now())).toEqual({ lots: 2, points: 70 })
  expect(await w.upkeep.expirePoints(w.clock.now())).toEqual({ lots: 0, points: 0 })
  const expired = await w.events('points.expired')
  expect(expired.map((e) => [e.memberId, e.data])).toEqual([
    [m.id, { points: 50, lots: 1 }],
    [m.id, { points: 20, lots: 1 }],
  ])
  expect(await w.count("point_ledger where kind = 'expire'")).toBe(2)
}

/**
 * tier.changed: only when the tier actually changes (up on a purchase, down on a refund and on
 * the daily pass), once however many recomputes run at once or replay, and not when the change
 * fails.
 */
export async function tierChangesAreRecordedOnce(driver: Driver): Promise<void> {
  const w = world(driver)
  const m = await w.member()
  const deps = { ...w.repositories, uow: w.uow, clock: w.clock, timeZone: 'Asia/Tokyo' }
  await w.register(m.memberNumber, 29_999)
  expect(await w.events('tier.changed')).toEqual([])
  const at = await w.register(m.memberNumber, 1)
  if (at.replayed) throw new Error('not a new purchase')
  expect(at.body.tier.tier?.name).toBe('シルバー')
  const [regular, silver] = (await w.loyalty.settings()).tiers
  expect(await w.events('tier.changed')).toEqual([
    {
      memberId: m.id,
      data: {
        fromTierId: regular?.id,
        toTierId: silver?.id,
        direction: 'up',
        spend12mYen: 30_000,
      },
      dedupeKey: null,
    },
  ])
  // Recomputes with nothing new record nothing.
  await recomputeTier(deps, m.id)
  expect(await w.events('tier.changed')).toHaveLength(1)

  // The stored tier is stale (as after a crash): three recomputes at once record one change.
  await driver.db.run(sql.raw(`update member_tiers set tier_id = ${regular?.id}`))
  await Promise.all([
    recomputeTier(deps, m.id),
    recomputeTier(deps, m.id),
    recomputeTier(deps, m.id),
  ])
  expect(await w.events('tier.changed')).toHaveLength(2)
  expect(await driver.query('select tier_id from member_tiers')).toEqual([{ tier_id: silver?.id }])

  // A refund below the threshold goes down; while the tier cannot be written, nothing is recorded.
  const restore = await w.failing('member_tiers', 'update')
  await expect(w.loyalty.refund(OWNER, at.body.purchase.id)).rejects.toThrow(/member_tiers down/)
  expect(await w.events('tier.changed')).toHaveLength(2)
  await restore()
  await recomputeTier(deps, m.id)
  const down = (await w.events('tier.changed'))[2]
  expect(down?.data).toEqual({
    fromTierId: silver?.id,
    toTierId: regular?.id,
    direction: 'down',
    spend12mYen: 29_999,
  })
  await w.loyalty.refund(OWNER, at.body.purchase.id)
  expect(await w.events('tier.changed')).toHaveLength(3)

  // Back up, then a year later the daily pass takes the member down once.
  await w.register(m.memberNumber, 5_000)
  expect(await w.events('tier.changed')).toHaveLength(4)
  w.clock.ms += 366 * DAY
  await w.upkeep.recomputeAllTiers()
  await w.upkeep.recomputeAllTiers()
  const changes = await w.events('tier.changed')
  expect(changes.map((e) => e.data.direction)).toEqual(['up', 'up', 'down', 'up', 'down'])
  expect(changes[4]?.data).toMatchObject({ toTierId: regular?.id, spend12mYen: 0 })
}

/**
 * coupon.issued (every source: it is the coupon store's), coupon.redeemed and the exchange's
 * points.spent: with the change, once under a replay or a race, and not when it fails.
 */
export async function couponEventsAreRecordedOnce(driver: Driver): Promise<void> {
  const w = world(driver)
  const m = await w.member()
  const t = await template(w, { totalLimit: 3, pointsCost: 30 })
  const manual = await w.coupons.issue(OWNER, m.memberNumber, t.id)
  // A source with its own dedupe key (a survey's reward): a replay issues and records nothing new.
  const deps = couponDeps({
    repositories: w.repositories,
    atomic: driver.atomic,
    ids: webIds,
    clock: w.clock,
    timeZone: 'Asia/Tokyo',
  })
  const reward = { templateId: t.id, memberId: m.id, source: 'survey' as const, dedupeKey: 'r-1' }
  const survey = await issueCoupon(deps, reward)
  expect((await issueCoupon(deps, reward)).id).toBe(survey.id)
  // The exchange: the spend and its event with the coupon; a double tap buys once.
  await w.loyalty.adjustPoints(OWNER, m.memberNumber, 100, '付与')
  const [bought, twice] = await Promise.all([
    w.coupons.exchange(m.id, t.id, 'req-00000001'),
    w.coupons.exchange(m.id, t.id, 'req-00000001'),
  ])
  expect(twice.id).toBe(bought.id)
  // The total limit (3) is reached: the issue fails and records nothing.
  await expect(w.coupons.issue(OWNER, m.memberNumber, t.id)).rejects.toMatchObject({
    code: 'coupon_total_limit',
  })
  await expect(w.coupons.exchange(m.id, t.id, 'req-00000002')).rejects.toMatchObject({
    code: 'coupon_total_limit',
  })
  const issued = await w.events('coupon.issued')
  expect(
    issued.map((e) => [e.memberId, e.data.couponId, e.data.templateId, e.data.source]),
  ).toEqual([
    [m.id, manual.id, t.id, 'manual'],
    [m.id, survey.id, t.id, 'survey'],
    [m.id, bought.id, t.id, 'points_exchange'],
  ])
  expect(issued[1]?.dedupeKey).toBe('coupon.issued:r-1')
  expect(await w.events('points.spent')).toEqual([
    {
      memberId: m.id,
      data: { points: 30, kind: 'redeem', couponId: bought.id },
      dedupeKey: `points.spent:exchange:${m.id}:req-00000001`,
    },
  ])

  // Ten redemptions at once: one uses the coupon and records it; the rest are told why.
  const results = await Promise.allSettled(
    Array.from({ length: 10 }, () =>
      w.coupons.redeemAtRegister(OWNER, { couponId: manual.id, memberNumber: m.memberNumber }),
    ),
  )
  expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
  for (const r of results.filter((x) => x.status === 'rejected'))
    expect((r as PromiseRejectedResult).reason).toMatchObject({ code: 'coupon_already_redeemed' })
  await expect(
    w.coupons.useNow({ memberId: m.id, memberNumber: m.memberNumber }, manual.id),
  ).rejects.toMatchObject({ code: 'coupon_already_redeemed' })
  // The member's own "use now"; an expired coupon is refused and records nothing.
  await w.coupons.useNow({ memberId: m.id, memberNumber: m.memberNumber }, survey.id)
  w.clock.ms += 31 * DAY
  await expect(
    w.coupons.useNow({ memberId: m.id, memberNumber: m.memberNumber }, bought.id),
  ).rejects.toMatchObject({ code: 'coupon_expired' })
  const redeemed = await w.events('coupon.redeemed')
  expect(redeemed.map((e) => [e.memberId, e.data])).toEqual([
    [m.id, { couponId: manual.id, templateId: t.id, via: 'staff_scan' }],
    [m.id, { couponId: survey.id, templateId: t.id, via: 'member_confirm' }],
  ])
  expect(await w.count("audit_log where action = 'coupon.redeem'")).toBe(1)
}
