import { type StampCardSettings, type StampCardView, type StampEntry } from '@joren/shared'
import type { StaffActor } from '../audit/audit.ts'
import { localeOf, type Locale } from '../chat/texts.ts'
import { couponCard, type AppLinks } from '../coupons/chat.ts'
import { issueCoupon, type CouponDeps, type StoredCoupon } from '../coupons/coupons.ts'
import { constraintFailure, CouponTemplateNotFound } from '../coupons/errors.ts'
import { DomainError } from '../errors.ts'
import type { DomainEvent } from '../events/events.ts'
import type { EventSubscriber } from '../event-relay/subscribers.ts'
import { MemberNotFound } from '../loyalty/errors.ts'
import type { Member } from '../members/members.ts'
import type { LineMessage } from '../messaging/messenger.ts'
import { enqueueMessages, type OutboxDeps } from '../messaging/outbox.ts'
import { readMessagingSettings } from '../shop/messaging.ts'
import type { Logger } from '../ports.ts'
import type { SettingsStore } from '../shop/settings.ts'
import type { RowRef, UnitOfWork, Write } from '../unit-of-work.ts'

export { STAMP_CARD_SETTING, loyaltyMode, readStampSettings } from '../shop/loyalty-mode.ts'
import { STAMP_CARD_SETTING, readStampSettings } from '../shop/loyalty-mode.ts'

/**
 * The stamp card's append-only ledger (see db/schema.ts `stamp_ledger`). Every write is keyed by
 * a UNIQUE dedupe key and planned as INSERT … ON CONFLICT DO NOTHING (earn, reverse) or a plain
 * INSERT (reward: a rival's card fails the batch, so its coupon is never issued twice).
 */
export interface StampStore {
  /** 'earn:<purchase>': `stamps` for the purchase, once. */
  earnWrite(input: { memberId: number; purchaseId: number; stamps: number; now: number }): Write
  /** 'reverse:<purchase>': minus what the purchase earned, once, only if it earned any. */
  reverseWrite(input: { memberId: number; purchaseId: number; now: number }): Write
  /** 'reward:<member>:<card>': minus the goal for card `cardNo`; fails the batch when taken. */
  rewardWrite(input: {
    memberId: number
    cardNo: number
    goal: number
    couponId: number | RowRef | null
    note: string | null
    now: number
  }): Write
  /** The ledger sum and the cards completed, read in one statement (a consistent pair). */
  card(memberId: number): Promise<{ balance: number; cardsCompleted: number }>
  history(memberId: number, limit: number): Promise<StampEntry[]>
}

/** Stamps a purchase of `amountYen` earns under the settings (0 when the shop uses points only). */
export function stampsFor(settings: StampCardSettings, amountYen: number): number {
  if (settings.mode === 'points') return 0
  if (settings.earn === 'visit') return settings.stampsPerVisit
  return Math.floor(amountYen / settings.yenPerStamp)
}

export interface StampDeps extends CouponDeps {
  stamps: StampStore
  settings: SettingsStore
  uow: UnitOfWork
  links: AppLinks
  logger: Logger
  members: { findById(id: number): Promise<Member | null> }
  outbox: OutboxDeps
}

const REWARD_TEXT = {
  ja: (goal: number, cardNo: number) =>
    `スタンプが${goal}個たまりました！（${cardNo}枚目のカードが満了）\n特典クーポンをお届けします。次のカードが始まります。`,
  en: (goal: number, cardNo: number) =>
    `You have collected ${goal} stamps! (card ${cardNo} is complete)\nHere is your reward coupon. A new card starts now.`,
} satisfies Record<Locale, (goal: number, cardNo: number) => string>

const REWARD_NO_COUPON_TEXT = {
  ja: (goal: number) =>
    `スタンプが${goal}個たまりました！特典はスタッフからお渡しします。次のカードが始まります。`,
  en: (goal: number) =>
    `You have collected ${goal} stamps! Staff will hand you your reward. A new card starts now.`,
} satisfies Record<Locale, (goal: number) => string>

/**
 * Turns every full card in for its reward: while the ledger holds a goal's worth, card n + 1 is
 * completed in one batch with its coupon (the coupon's dedupe key and the reward row's are both
 * per card, so a concurrent or replayed settle issues nothing twice). A coupon that cannot be
 * issued (archived, out of stock, over its per-member limit) still completes the card, with the
 * reason kept in the ledger and the member told that staff hand the reward over.
 */
export async function settleCards(deps: StampDeps, memberId: number): Promise<number> {
  let completed = 0
  for (let round = 0; round < 100; round++) {
    const settings = await readStampSettings(deps.settings)
    const { balance, cardsCompleted } = await deps.stamps.card(memberId)
    if (balance < settings.goal) return completed
    const cardNo = cardsCompleted + 1
    const now = deps.now()
    const couponKey = `stamp-card:${memberId}:${cardNo}`
    let coupon: StoredCoupon | null = null
    let note: string | null = null
    try {
      if (settings.rewardTemplateId === null) throw new CouponTemplateNotFound()
      coupon = await issueCoupon(deps, {
        templateId: settings.rewardTemplateId,
        memberId,
        source: 'stamp_card',
        sourceRef: `card:${cardNo}`,
        dedupeKey: couponKey,
        after: (key) => [
          deps.stamps.rewardWrite({
            memberId,
            cardNo,
            goal: settings.goal,
            couponId: deps.coupons.couponIdRef(key),
            note: null,
            now,
          }),
        ],
      })
    } catch (error) {
      const failure = constraintFailure(error)
      // A rival settle completed this card first: read again.
      if (failure === 'unique:stamp_ledger.dedupe_key') continue
      if (!(error instanceof DomainError)) throw error
      note = error.code
      deps.logger.warn('stamp card reward coupon not issued', { memberId, reason: note })
      try {
        await deps.uow.commit([
          deps.stamps.rewardWrite({
            memberId,
            cardNo,
            goal: settings.goal,
            couponId: null,
            note,
            now,
          }),
        ])
      } catch (again) {
        if (constraintFailure(again) === 'unique:stamp_ledger.dedupe_key') continue
        throw again
      }
    }
    // issueCoupon answers a known key with the coupon issued before without committing: only a
    // card whose reward row exists counts (a replay after the first commit finds it there).
    completed++
    await tellMember(deps, memberId, cardNo, settings.goal, coupon)
  }
  return completed
}

async function tellMember(
  deps: StampDeps,
  memberId: number,
  cardNo: number,
  goal: number,
  coupon: StoredCoupon | null,
): Promise<void> {
  const member = await deps.members.findById(memberId)
  if (!member || member.followState !== 'following') return
  // One billed push per completed card, unless the shop switched it off (the coupon is still
  // issued and shown in the mini-app).
  if (!(await readMessagingSettings(deps.settings)).stampReward) return
  const locale = localeOf(member.language)
  const messages: LineMessage[] = coupon
    ? [
        { type: 'text', text: REWARD_TEXT[locale](goal, cardNo) },
        couponCard(coupon, deps.links, locale),
      ]
    : [{ type: 'text', text: REWARD_NO_COUPON_TEXT[locale](goal) }]
  await enqueueMessages(deps.outbox, {
    dedupeKey: `stamp-reward:${memberId}:${cardNo}`,
    lineUserId: member.lineUserId,
    replyToken: null,
    replyTokenExpiresAt: null,
    messages,
  })
}

/**
 * The stamp card, a subscriber of the purchase events: `purchase.recorded` earns the purchase's
 * stamps once (UNIQUE 'earn:<purchase>'), `purchase.refunded` takes back exactly what it earned
 * once (UNIQUE 'reverse:<purchase>'); then full cards are turned in (settleCards). Redelivery,
 * a second runner or a crash between the two steps changes nothing twice: the ledger row is the
 * mark, and the next delivery settles what the last one left.
 */
export function stampCardSubscriber(deps: StampDeps): EventSubscriber {
  return {
    name: 'stamp-card',
    types: ['purchase.recorded', 'purchase.refunded'],
    // Switching the stamp card on does not stamp old purchases.
    startAt: 'latest',
    async handle(event: DomainEvent) {
      if (event.memberId === null) return
      const memberId = event.memberId
      if (event.type === 'purchase.recorded') {
        const stamps = stampsFor(await readStampSettings(deps.settings), event.data.amountYen)
        if (stamps <= 0) return
        await deps.uow.commit([
          deps.stamps.earnWrite({
            memberId,
            purchaseId: event.data.purchaseId,
            stamps,
            now: deps.now(),
          }),
        ])
        await settleCards(deps, memberId)
      } else if (event.type === 'purchase.refunded') {
        // Whatever the mode is now: what a purchase earned is always taken back.
        await deps.uow.commit([
          deps.stamps.reverseWrite({
            memberId,
            purchaseId: event.data.purchaseId,
            now: deps.now(),
          }),
        ])
      }
    },
  }
}

/** The member's card (the mini-app's member card and the staff member page). */
export async function stampCardView(
  deps: { stamps: StampStore; settings: SettingsStore },
  memberId: number,
): Promise<StampCardView> {
  const settings = await readStampSettings(deps.settings)
  const [{ balance, cardsCompleted }, history] = await Promise.all([
    deps.stamps.card(memberId),
    deps.stamps.history(memberId, 50),
  ])
  return {
    enabled: settings.mode !== 'points',
    goal: settings.goal,
    // A refund after a card was turned in can leave the ledger below zero: shown as an empty card
    // (the next stamps fill the gap first).
    stamps: Math.min(Math.max(balance, 0), settings.goal),
    cardsCompleted,
    earn: settings.earn,
    stampsPerVisit: settings.stampsPerVisit,
    yenPerStamp: settings.yenPerStamp,
    history,
  }
}

/** PUT /api/staff/stamp-card: the shop's choice and rule; audited with before and after. */
export async function updateStampSettings(
  deps: { settings: SettingsStore; uow: UnitOfWork; coupons: CouponDeps['coupons']; now(): number },
  actor: StaffActor,
  next: StampCardSettings,
): Promise<StampCardSettings> {
  if (next.rewardTemplateId !== null && !(await deps.coupons.findTemplate(next.rewardTemplateId)))
    throw new CouponTemplateNotFound()
  const before = await readStampSettings(deps.settings)
  await deps.uow.commit([
    deps.settings.putWrite(STAMP_CARD_SETTING, next, deps.now()),
    deps.uow.audit({
      staffId: actor.id,
      action: 'stamps.settings',
      targetType: 'settings',
      targetId: STAMP_CARD_SETTING,
      before,
      after: next,
    }),
  ])
  return next
}

export function createStampService(deps: StampDeps) {
  return {
    settings: () => readStampSettings(deps.settings),
    updateSettings: (actor: StaffActor, next: StampCardSettings) =>
      updateStampSettings(deps, actor, next),
    /** The signed-in member's own card. */
    card: (memberId: number) => stampCardView(deps, memberId),
    /** A member's card by member number (staff); an unknown number is a 404 saying so. */
    async memberCard(memberNumber: string) {
      const memberId = await deps.coupons.memberIdByNumber(memberNumber)
      if (memberId === null) throw new MemberNotFound(memberNumber)
      return stampCardView(deps, memberId)
    },
  }
}

export type StampService = ReturnType<typeof createStampService>
