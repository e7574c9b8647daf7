import type { ReferralSettings, RegisterPurchase } from '@joren/shared'
import { expect } from 'vitest'
import { composeLoyalty } from '../../server/src/compose/loyalty.ts'
import { composeReferrals } from '../../server/src/compose/referrals.ts'
import { createEventStore } from '../../server/src/db/repositories/event-repository.ts'
import { createRepositories } from '../../server/src/db/repositories/index.ts'
import { createUnitOfWork } from '../../server/src/db/unit-of-work.ts'
import type { DomainEvent } from '../../server/src/domain/events/events.ts'
import { DEFAULT_LINKS } from '../../server/src/domain/links.ts'
import { silentLogger, webIds } from '../../server/src/domain/ports.ts'
import type { Driver } from '../events/event-suite.ts'

/**
 * The referral program's exactly-once qualification and reversal, written once and run on
 * better-sqlite3 (test/referrals/referrals-sqlite.test.ts) and on workerd's local D1
 * (test/workers/referrals-d1.test.ts): 20 concurrent deliveries of the qualifying purchase give
 * one reward per side, one message per side and one `referral.qualified`; concurrent refund
 * deliveries reverse once; two newcomers racing for the referrer's last monthly slot get one.
 */

const OWNER = { id: 1, role: 'owner' as const }
const noDefer = () => undefined

class Clock {
  constructor(public ms = 1_800_000_000_000) {}
  now = () => this.ms
}

function world(driver: Driver) {
  const clock = new Clock()
  const uow = createUnitOfWork(driver.db, driver.atomic, clock)
  const repositories = createRepositories(driver.db, uow)
  const key = crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
    'verify',
  ])
  const { loyalty, coupons } = composeLoyalty({
    repositories,
    atomic: driver.atomic,
    uow,
    clock,
    ids: webIds,
    events: createEventStore(driver.db, driver.atomic),
    config: { sandbox: false, SHOP_TIMEZONE: 'Asia/Tokyo' },
    jobs: { kickProcessing: () => undefined },
    cardKey: () => key,
  })
  const referrals = composeReferrals({
    repositories,
    uow,
    clock,
    ids: webIds,
    logger: silentLogger,
    links: DEFAULT_LINKS,
    sandbox: false,
  })
  let members = 0

  const count = async (from: string, ...params: unknown[]) =>
    Number(
      (await driver.query<{ n: number }>(`select count(*) as n from ${from}`, ...params))[0]?.n,
    )

  return {
    clock,
    loyalty,
    coupons,
    referrals,
    count,
    /** A member who followed through a webhook event (recorded with its member.followed). */
    async member(displayName: string) {
      members++
      const lineUserId = `U${String(members).padStart(32, 'a')}`
      const { member } = await repositories.members.recordFollowState({
        lineUserId,
        state: 'following',
        at: clock.ms,
        profile: { userId: lineUserId, displayName, language: 'ja' },
        memberNumber: String(1_000_000_000 + members),
        now: clock.ms,
        cause: { kind: 'webhook', eventKey: `webhook:follow-${members}`, standby: false },
      })
      return member
    },
    async purchase(memberNumber: string, amountYen: number) {
      const body: RegisterPurchase = { memberNumber, amountYen, categories: [] }
      const made = await loyalty.registerPurchase(OWNER, body, noDefer)
      if (made.replayed) throw new Error('not a new purchase')
      return made.body.purchase.id
    },
    /** The last stored event of `type`, as the relay hands it to subscribers. */
    async lastEvent(type: string): Promise<DomainEvent> {
      const [row] = await driver.query<{
        id: number
        type: string
        member_id: number | null
        data: string
        occurred_at: number
        recorded_at: number
      }>('select * from domain_events where type = ? order by id desc limit 1', type)
      if (!row) throw new Error(`no ${type} event`)
      return {
        id: row.id,
        type: row.type,
        memberId: row.member_id,
        data: JSON.parse(row.data) as never,
        occurredAt: row.occurred_at,
        recordedAt: row.recorded_at,
      } as DomainEvent
    },
    async status(newcomerMemberId: number) {
      const [row] = await driver.query<{ status: string; reason: string | null }>(
        'select status, reason from referrals where newcomer_member_id = ?',
        newcomerMemberId,
      )
      return row ?? null
    },
  }
}

type World = ReturnType<typeof world>

async function program(w: World, overrides: Partial<ReferralSettings> = {}) {
  const template = await w.coupons.createTemplate(OWNER, {
    kind: 'yen_off',
    title: '紹介お礼 500円引き',
    conditions: null,
    imageUrl: null,
    value: 500,
    validity: 'days',
    validDays: 30,
    totalLimit: null,
    perMemberLimit: 50,
    pointsCost: null,
  })
  await w.referrals.service.updateSettings(OWNER, {
    enabled: true,
    qualifyOn: 'first_purchase',
    referrerReward: { kind: 'coupon', templateId: template.id },
    newcomerReward: { kind: 'points', points: 300 },
    monthlyCap: 10,
    notify: true,
    card: { title: 'ご招待', text: 'はじめてのお買い物で300ポイント', imageUrl: null },
    ...overrides,
  })
  return template
}

/** A newcomer who follows and then claims the referrer's code (the consent-screen detour). */
async function newcomer(w: World, code: string, name: string) {
  const member = await w.member(name)
  const claim = await w.referrals.service.claim(member.lineUserId, code)
  expect(claim.status).toBe('joined')
  return member
}

export async function qualificationIsExactlyOnce(driver: Driver): Promise<void> {
  const w = world(driver)
  await program(w)
  const referrer = await w.member('紹介者A')
  const { code } = await w.referrals.service.mine(referrer.id)
  if (!code) throw new Error('no code')
  const b = await newcomer(w, code, '新人B')
  const purchaseId = await w.purchase(b.memberNumber, 2_000)
  const recorded = await w.lastEvent('purchase.recorded')

  // 20 concurrent deliveries of the same qualifying event (relay retries, several runners).
  const results = await Promise.allSettled(
    Array.from({ length: 20 }, () => w.referrals.subscriber.handle(recorded)),
  )
  expect(results.filter((r) => r.status === 'rejected')).toEqual([])
  expect(await w.status(b.id)).toEqual({ status: 'qualified', reason: null })
  expect(await w.count("coupons where source = 'referral'")).toBe(1)
  expect(await w.count("coupons where source = 'referral' and member_id = ?", referrer.id)).toBe(1)
  expect(
    await driver.query(
      "select member_id, points from point_ledger where reason = '友だち紹介' and kind = 'grant'",
    ),
  ).toEqual([{ member_id: b.id, points: 300 }])
  // The purchase's 20 points and the 300 of the reward; the stored balance is the ledger sum.
  expect(
    await driver.query('select balance from point_balances where member_id = ?', b.id),
  ).toEqual([{ balance: 320 }])
  expect(
    await driver.query("select line_user_id from outbox where dedupe_key like 'referral:%'"),
  ).toHaveLength(2)
  expect(await w.count("domain_events where type = 'referral.qualified'")).toBe(1)
  expect(
    await driver.query(
      "select data from domain_events where type = 'referral.qualified' and member_id = ?",
      b.id,
    ),
  ).toEqual([
    { data: JSON.stringify({ referralId: 1, referrerMemberId: referrer.id, purchaseId }) },
  ])
  expect(await w.count("domain_events where type = 'coupon.issued'")).toBe(1)

  // A second purchase qualifies nothing more.
  await w.purchase(b.memberNumber, 1_000)
  await w.referrals.subscriber.handle(await w.lastEvent('purchase.recorded'))
  expect(await w.count("coupons where source = 'referral'")).toBe(1)
  expect(await w.count("outbox where dedupe_key like 'referral:%'")).toBe(2)

  // The refund reverses both (unused) rewards once, however often it is delivered.
  await w.loyalty.refund(OWNER, purchaseId)
  const refunded = await w.lastEvent('purchase.refunded')
  const reversals = await Promise.allSettled(
    Array.from({ length: 5 }, () => w.referrals.subscriber.handle(refunded)),
  )
  expect(reversals.filter((r) => r.status === 'rejected')).toEqual([])
  expect(await w.status(b.id)).toEqual({ status: 'reversed', reason: 'refunded' })
  expect(await driver.query("select state from coupons where source = 'referral'")).toEqual([
    { state: 'revoked' },
  ])
  expect(
    await driver.query(
      "select points from point_ledger where member_id = ? and kind = 'reverse' order by id",
      b.id,
    ),
  ).toEqual([{ points: -20 }, { points: -300 }])
  expect(await w.count("domain_events where type = 'referral.reversed'")).toBe(1)
}

/** With the referral messages switched off: both rewards, no LINE message (no billed push). */
export async function rewardsWithoutMessagesWhenSwitchedOff(driver: Driver): Promise<void> {
  const w = world(driver)
  await program(w, { notify: false })
  const referrer = await w.member('紹介者C')
  const { code } = await w.referrals.service.mine(referrer.id)
  if (!code) throw new Error('no code')
  const b = await newcomer(w, code, '新人D')
  await w.purchase(b.memberNumber, 2_000)
  await w.referrals.subscriber.handle(await w.lastEvent('purchase.recorded'))
  expect(await w.status(b.id)).toEqual({ status: 'qualified', reason: null })
  expect(await w.count("coupons where source = 'referral' and member_id = ?", referrer.id)).toBe(1)
  expect(
    await driver.query(
      "select points from point_ledger where member_id = ? and reason = '友だち紹介'",
      b.id,
    ),
  ).toEqual([{ points: 300 }])
  expect(await w.count("outbox where dedupe_key like 'referral:%'")).toBe(0)
  expect(await w.count("domain_events where type = 'referral.qualified'")).toBe(1)
}

export async function theMonthlyCapHoldsUnderARace(driver: Driver): Promise<void> {
  const w = world(driver)
  await program(w, { monthlyCap: 1 })
  const referrer = await w.member('紹介者A')
  const { code } = await w.referrals.service.mine(referrer.id)
  if (!code) throw new Error('no code')
  const b = await newcomer(w, code, '新人B')
  const c = await newcomer(w, code, '新人C')
  await w.purchase(b.memberNumber, 1_000)
  const forB = await w.lastEvent('purchase.recorded')
  await w.purchase(c.memberNumber, 1_000)
  const forC = await w.lastEvent('purchase.recorded')
  const results = await Promise.allSettled(
    Array.from({ length: 10 }, (_, i) => w.referrals.subscriber.handle(i % 2 ? forB : forC)),
  )
  expect(results.filter((r) => r.status === 'rejected')).toEqual([])
  const outcomes = [await w.status(b.id), await w.status(c.id)]
  expect(outcomes.filter((o) => o?.status === 'qualified')).toHaveLength(1)
  expect(outcomes.filter((o) => o?.status === 'refused')).toEqual([
    { status: 'refused', reason: 'monthly_cap' },
  ])
  expect(await w.count("coupons where source = 'referral'")).toBe(1)
  expect(await w.count("outbox where dedupe_key like 'referral:%'")).toBe(2)
}
